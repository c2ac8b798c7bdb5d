"""Shapes for the governance API. Related objects are looked up in the request's organization."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from governance import selectors
from governance.models import (
    CheckKind,
    DecisionType,
    DeploymentReview,
    Escalation,
    EscalationEvent,
    EscalationStatus,
    Outcome,
    RiskTier,
)
from pods.models import Pod
from pods.selectors import pod_list
from tenancy.api.serializers import OrgScopedPrimaryKeyField


class OrgScopedKeyField(serializers.SlugRelatedField):
    """A related object named by its `key` (e.g. "high"), among this organization's only."""

    def __init__(self, *, scope: Any, model: Any, **kwargs: Any) -> None:
        self.scope = scope
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(slug_field="key", **kwargs)

    def get_queryset(self) -> Any:
        organization = self.context.get("organization")
        return self.scope(organization) if organization is not None else self.queryset

    def to_internal_value(self, data: Any) -> Any:
        """An unknown key names the allowed ones: 'Unknown risk tier "3": use one of low, …'."""
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            noun = str(self.get_queryset().model._meta.verbose_name)
            allowed = ", ".join(self.get_queryset().values_list("key", flat=True))
            raise serializers.ValidationError(
                f'Unknown {noun} "{str(data)[:60]}": use one of {allowed}.') from None


def _types(org: Any) -> Any:
    return selectors.decision_types(organization=org)


def _tiers(org: Any) -> Any:
    return selectors.risk_tiers(organization=org)


def _pods(org: Any) -> Any:
    return pod_list(organization=org)


STATUS_HELP = "open, in_review, needs_info, decided or closed"


class EscalationFilter(serializers.Serializer):
    # Plain strings, not enums: "status" is a choice set of pods too, and the schema names enums by field.
    status = serializers.CharField(required=False, allow_blank=True,
                                   help_text=f"active (open, in review or needs info), or one of: {STATUS_HELP}.")

    def validate_status(self, value: str) -> str:
        if value and value not in {"active", *EscalationStatus.values}:
            raise serializers.ValidationError(f"Use active or one of: {STATUS_HELP}.")
        return value

    pod = serializers.IntegerField(required=False, min_value=1)
    mine = serializers.ChoiceField(choices=["true", "false"], required=False, allow_blank=True,
                                   help_text="true: only those routed to me.")
    q = serializers.CharField(required=False, max_length=100, allow_blank=True)


class EscalationSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id")
    pod_name = serializers.CharField(source="pod.name")
    decision_type = serializers.CharField(source="decision_type.key")
    risk_tier = serializers.CharField(source="risk_tier.key")
    tier = serializers.IntegerField(source="current_tier.level")
    matrix_version = serializers.SerializerMethodField()
    filed_by = serializers.EmailField(source="filed_by.email", default=None, allow_null=True)
    decided_by = serializers.EmailField(source="decided_by.email", default=None, allow_null=True)
    cycle_seconds = serializers.IntegerField(read_only=True, allow_null=True,
                                             help_text="Filed to decided; null while undecided.")
    status = serializers.ChoiceField(choices=EscalationStatus.choices, read_only=True)
    outcome = serializers.CharField(read_only=True, help_text="approved, rejected, or empty")

    class Meta:
        model = Escalation
        fields = ("id", "pod", "pod_name", "title", "decision_type", "risk_tier", "amount", "context",
                  "options", "recommendation", "needed_by", "status", "outcome", "tier", "routed_tier",
                  "matrix_version", "self_decided", "filed_by", "filed_at", "due_at", "breach_count",
                  "decided_by", "decided_at", "decision_note", "pod_wait_seconds", "cycle_seconds")

    def get_matrix_version(self, obj: Escalation) -> int | None:
        return obj.matrix_version.number if obj.matrix_version is not None else None


class EscalationCreateSerializer(serializers.Serializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    decision_type = OrgScopedKeyField(scope=_types, model=DecisionType)
    risk_tier = OrgScopedKeyField(scope=_tiers, model=RiskTier)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                      min_value=0)
    title = serializers.CharField(max_length=200)
    context = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    options = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    recommendation = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    needed_by = serializers.DateField(required=False, allow_null=True)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", default=None)
    kind = serializers.CharField(read_only=True, help_text=", ".join(EscalationEvent.Kind.values))

    class Meta:
        model = EscalationEvent
        fields = ("id", "kind", "actor", "body", "created_at")


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[*Outcome.choices, ("needs_info", "Needs info")])
    note = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class DeploymentCreateSerializer(serializers.Serializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    model = serializers.CharField(max_length=120)
    version = serializers.CharField(max_length=60)
    risk_tier = OrgScopedKeyField(scope=_tiers, model=RiskTier)
    results = serializers.DictField(child=serializers.JSONField(), allow_empty=True,
                                    help_text='{"bias": 0.04, "security": {"score": 0.9}}')

    def validate_results(self, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(CheckKind.values))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown checks: {', '.join(unknown)}. Known checks: {', '.join(CheckKind.values)}.")
        return value


class DeploymentSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id")
    model = serializers.CharField(source="model_name")
    risk_tier = serializers.CharField(source="risk_tier.key")
    escalation = serializers.IntegerField(source="escalation_id", allow_null=True)
    escalation_status = serializers.ChoiceField(choices=EscalationStatus.choices, source="escalation.status",
                                                default=None, allow_null=True, read_only=True)

    class Meta:
        model = DeploymentReview
        fields = ("id", "pod", "model", "version", "risk_tier", "gate", "failures", "warnings", "results",
                  "escalation", "escalation_status", "created_at", "updated_at")


class MetricsSerializer(serializers.Serializer):
    metrics = serializers.DictField(child=serializers.FloatField(), allow_empty=False)


class ExceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField(help_text='"metric" for a metric past its guardrail, else the gate check that '
                                             'raised it (e.g. "catalog": a deprecated model was deployed).')
    metric = serializers.CharField(help_text="The metric, for source \"metric\"; empty otherwise.")
    value = serializers.FloatField(allow_null=True)
    threshold = serializers.FloatField(allow_null=True)
    direction = serializers.CharField()
    reason = serializers.CharField(help_text="Why a gate check raised it; empty for metric breaches.")
    raised_at = serializers.DateTimeField()
