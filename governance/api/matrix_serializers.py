"""Shapes for the governance configuration API: risk tiers, decision types and tiers, the
decision-rights matrix (cells, publishing, reviews) and guardrail policies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from governance import selectors
from governance.api.serializers import OrgScopedKeyField
from governance.models import (
    ApproverRole,
    CheckKind,
    DecisionTier,
    DecisionType,
    Direction,
    GuardrailPolicy,
    MatrixReview,
    MatrixVersion,
    RiskTier,
)
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.selectors import membership_list


class RiskTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskTier
        fields = ["id", "key", "name", "description", "rank"]
        read_only_fields = ["id", "key", "rank"]


class DecisionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionType
        fields = ["id", "key", "name", "description", "has_amount", "amount_unit"]
        read_only_fields = ["id", "key"]


class DecisionTypeUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DecisionTierSerializer(serializers.ModelSerializer):
    approvers = OrgScopedPrimaryKeyField(scope=lambda org: membership_list(organization=org),
                                         model=DecisionTier.approvers.field.related_model, many=True,
                                         required=False, help_text="Member ids; empty: everyone with the role.")
    approver_role = serializers.ChoiceField(choices=ApproverRole.choices)

    class Meta:
        model = DecisionTier
        fields = ["id", "level", "name", "approver_role", "approvers", "sla_hours", "informs_guild"]
        read_only_fields = ["id", "level", "informs_guild"]


class BandSerializer(serializers.Serializer):
    amount_min = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    amount_max = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    tier = serializers.IntegerField(allow_null=True, min_value=1,
                                    help_text="Decision tier level; null: not allowed at all.")


class CellSerializer(serializers.Serializer):
    decision_type = OrgScopedKeyField(scope=lambda org: selectors.decision_types(organization=org),
                                      model=DecisionType)
    risk_tier = OrgScopedKeyField(scope=lambda org: selectors.risk_tiers(organization=org), model=RiskTier)
    bands = BandSerializer(many=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        org = self.context["organization"]
        tiers = {t.level: t for t in selectors.decision_tiers(organization=org)}
        out = []
        for band in attrs["bands"]:
            level = band.get("tier")
            if level is not None and level not in tiers:
                raise serializers.ValidationError(
                    {"bands": f"No decision tier {level}: use one of {', '.join(map(str, sorted(tiers)))}."})
            out.append((band.get("amount_min"), band.get("amount_max"), tiers.get(level) if level else None))
        attrs["bands"] = out
        return attrs


def cell_out(decision_type: DecisionType, risk_tier: RiskTier, rights: list[Any]) -> dict[str, Any]:
    def dec(v: Decimal | None) -> str | None:
        return None if v is None else str(v)

    return {"decision_type": decision_type.key, "risk_tier": risk_tier.key,
            "bands": [{"amount_min": dec(r.amount_min), "amount_max": dec(r.amount_max),
                       "tier": r.tier.level if r.tier_id else None} for r in rights]}


class CellOutSerializer(serializers.Serializer):
    decision_type = serializers.CharField()
    risk_tier = serializers.CharField()
    bands = BandSerializer(many=True)


class MatrixOutSerializer(serializers.Serializer):
    cells = CellOutSerializer(many=True)
    problems = serializers.ListField(child=serializers.CharField())
    published_version = serializers.IntegerField(allow_null=True)
    review_overdue = serializers.BooleanField()


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MatrixVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatrixVersion
        fields = ["id", "number", "published_at", "note", "cells"]


class MatrixReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatrixReview
        fields = ["id", "reviewed_at", "notes"]
        read_only_fields = ["id", "reviewed_at"]


class PolicySerializer(serializers.ModelSerializer):
    risk_tier = OrgScopedKeyField(scope=lambda org: selectors.risk_tiers(organization=org), model=RiskTier)
    check_kind = serializers.ChoiceField(choices=CheckKind.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    threshold = serializers.FloatField(min_value=0, max_value=1)
    required = serializers.BooleanField(default=True, help_text="Whether the gate requires this check.")  # type: ignore[assignment]  # a field named like Field.required

    class Meta:
        model = GuardrailPolicy
        fields = ["id", "risk_tier", "check_kind", "required", "direction", "threshold"]
        read_only_fields = ["id"]
