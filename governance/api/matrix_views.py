"""The governance configuration API, so a compliance team can keep its governance in a
repository: risk tiers, decision types and tiers, decision-rights cells, publishing, the
quarterly review and guardrail policies. Same services and rules as the matrix pages: every
member reads, admins write, every write is audited by the service."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import selectors
from governance.api import matrix_serializers as s
from governance.api.serializers import ExceptionSerializer
from governance.models import (
    DecisionTier,
    DecisionType,
    GuardrailPolicy,
    MatrixVersion,
    MonitoringException,
    RiskTier,
)
from governance.services import guardrails as guard_services
from governance.services import matrix as services
from governance.services.cycle_time import cycle_time_recompute
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.schema import ObjectSchema
from tenancy.api.views import ApiViewSet

VIEW, EDIT = "governance.view_matrix", "governance.edit_matrix"


class RiskTierViewSet(ApiViewSet):
    """Risk tiers: the matrix's columns."""

    queryset = RiskTier.objects.none()
    serializer_class = s.RiskTierSerializer

    def _tier(self, pk: Any) -> RiskTier:
        self.check_rule(VIEW)
        return get_or_404(selectors.risk_tier_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(VIEW)
        return self.paginated(selectors.risk_tiers(organization=self.organization), s.RiskTierSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.RiskTierSerializer(self._tier(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(EDIT)
        data = self.validated(s.RiskTierSerializer).validated_data
        tier = services.risk_tier_create(organization=self.organization, actor=request.user, **data)
        return Response(s.RiskTierSerializer(tier).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        tier = self._tier(pk)
        self.check_rule(EDIT)
        data = self.validated(s.RiskTierSerializer, tier, partial=True).validated_data
        tier = services.matrix_label_update(organization=self.organization, actor=request.user, obj=tier,
                                            name=data.get("name", tier.name),
                                            description=data.get("description", tier.description))
        return Response(s.RiskTierSerializer(tier).data)


class DecisionTypeViewSet(ApiViewSet):
    """Decision types: the matrix's rows."""

    queryset = DecisionType.objects.none()
    serializer_class = s.DecisionTypeSerializer

    def _type(self, pk: Any) -> DecisionType:
        self.check_rule(VIEW)
        return get_or_404(selectors.decision_type_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(VIEW)
        return self.paginated(selectors.decision_types(organization=self.organization), s.DecisionTypeSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.DecisionTypeSerializer(self._type(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(EDIT)
        data = self.validated(s.DecisionTypeSerializer).validated_data
        dt = services.decision_type_create(organization=self.organization, actor=request.user, **data)
        return Response(s.DecisionTypeSerializer(dt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DecisionTypeUpdateSerializer, responses=s.DecisionTypeSerializer)
    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        dt = self._type(pk)
        self.check_rule(EDIT)
        data = self.validated(s.DecisionTypeUpdateSerializer, partial=True).validated_data
        dt = services.matrix_label_update(organization=self.organization, actor=request.user, obj=dt,
                                          name=data.get("name", dt.name),
                                          description=data.get("description", dt.description))
        return Response(s.DecisionTypeSerializer(dt).data)


class DecisionTierViewSet(ApiViewSet):
    """Decision tiers: who decides (a role or named members) and the SLA."""

    queryset = DecisionTier.objects.none()
    serializer_class = s.DecisionTierSerializer

    def _tier(self, pk: Any) -> DecisionTier:
        self.check_rule(VIEW)
        return get_or_404(selectors.decision_tier_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(VIEW)
        tiers = selectors.decision_tiers(organization=self.organization).prefetch_related("approvers")
        return self.paginated(tiers, s.DecisionTierSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.DecisionTierSerializer(self._tier(pk)).data)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        tier = self._tier(pk)
        self.check_rule(EDIT)
        data = self.validated(s.DecisionTierSerializer, tier, partial=True).validated_data
        tier = services.decision_tier_update(
            organization=self.organization, actor=request.user, tier=tier, name=data.get("name", tier.name),
            approver_role=data.get("approver_role", tier.approver_role),
            sla_hours=data.get("sla_hours", tier.sla_hours),
            approvers=data.get("approvers", list(tier.approvers.all())))
        return Response(s.DecisionTierSerializer(tier).data)


class MatrixViewSet(ApiViewSet):
    """The decision-rights matrix: its cells (drafts until published), versions and reviews."""

    schema = ObjectSchema()  # one object: the matrix (cells, problems, version), not an array
    queryset = MatrixVersion.objects.none()
    serializer_class = s.MatrixOutSerializer
    pagination_class = None

    @extend_schema(responses=s.MatrixOutSerializer)
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(VIEW)
        org = self.organization
        types = {t.pk: t for t in selectors.decision_types(organization=org)}
        tiers = {t.pk: t for t in selectors.risk_tiers(organization=org)}
        cells = [s.cell_out(types[dt], tiers[rt], rights)
                 for (dt, rt), rights in sorted(selectors.matrix_cells(organization=org).items())
                 if dt in types and rt in tiers]
        latest = selectors.matrix_versions(organization=org).first()
        return Response({"cells": cells, "problems": selectors.matrix_problems(organization=org),
                         "published_version": latest.number if latest else None,
                         "review_overdue": bool(selectors.review_overdue(organization=org))})

    @extend_schema(request=s.CellSerializer, responses=s.CellOutSerializer)
    @action(detail=False, methods=["put"])
    def cells(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        """Replace one cell's bands (a draft until the matrix is published)."""
        self.check_rule(EDIT)
        data = self.validated(s.CellSerializer).validated_data
        rows = services.matrix_cell_set(organization=self.organization, actor=request.user, **data)
        return Response(s.cell_out(data["decision_type"], data["risk_tier"], rows))

    @extend_schema(request=s.PublishSerializer, responses={201: s.MatrixVersionSerializer})
    @action(detail=False, methods=["post"])
    def publish(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(EDIT)
        note = self.validated(s.PublishSerializer).validated_data["note"]
        version = services.matrix_publish(organization=self.organization, actor=request.user, note=note)
        return Response(s.MatrixVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.MatrixVersionSerializer(many=True))
    @action(detail=False, methods=["get"])
    def versions(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(VIEW)
        return Response(s.MatrixVersionSerializer(selectors.matrix_versions(organization=self.organization)[:50],
                                                  many=True).data)

    @extend_schema(request=s.MatrixReviewSerializer, responses={201: s.MatrixReviewSerializer})
    @action(detail=False, methods=["post"])
    def reviews(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        """Record the quarterly review of the matrix."""
        self.check_rule(EDIT)
        notes = self.validated(s.MatrixReviewSerializer).validated_data.get("notes", "")
        review = services.matrix_review_record(organization=self.organization, actor=request.user, notes=notes)
        return Response(s.MatrixReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class PolicyViewSet(ApiViewSet):
    """Guardrail policies: per risk tier and check, required or not and the threshold."""

    queryset = GuardrailPolicy.objects.none()
    serializer_class = s.PolicySerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule(VIEW)
        return self.paginated(selectors.policy_list(organization=self.organization), s.PolicySerializer)

    @extend_schema(request=s.PolicySerializer, responses={200: s.PolicySerializer})
    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        """Set the policy of one risk tier and check (created or replaced)."""
        self.check_rule("governance.edit_policies")
        data = self.validated(s.PolicySerializer).validated_data
        policy = guard_services.policy_set(organization=self.organization, actor=request.user, **data)
        return Response(s.PolicySerializer(policy).data)


class ResolveSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, help_text="How the exception was resolved.")


class MonitoringExceptionViewSet(ApiViewSet):
    """Production monitoring exceptions (a pushed metric crossed its guardrail): leaders list the
    open ones; an admin or the pod's lead resolves one with a note."""

    queryset = MonitoringException.objects.none()
    serializer_class = ExceptionSerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("governance.view_exceptions")
        return self.paginated(selectors.exception_list(organization=self.organization), ExceptionSerializer)

    @extend_schema(request=ResolveSerializer, responses=ExceptionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        exc = get_or_404(selectors.exception_list(organization=self.organization, open_only=False), pk=pk)
        self.check_rule("governance.resolve_exception", exc)
        note = self.validated(ResolveSerializer).validated_data["note"]
        exc = guard_services.exception_resolve(organization=self.organization, actor=request.user, exception=exc,
                                               note=note)
        return Response(ExceptionSerializer(exc).data)


class CycleTimeViewSet(ApiViewSet):
    """Approval cycle time (the snapshot the leaders' page reads); admins recompute it now."""

    queryset = MonitoringException.objects.none()
    serializer_class = ExceptionSerializer
    pagination_class = None

    @extend_schema(responses={200: dict})
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("governance.view_dashboard")
        snap = selectors.cycle_time_snapshot(organization=self.organization)
        return Response({"computed_at": snap.computed_at if snap else None, **(snap.data if snap else {})})

    @extend_schema(request=None, responses={200: dict})
    @action(detail=False, methods=["post"])
    def recompute(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("governance.edit_matrix")
        snap = cycle_time_recompute(organization=self.organization)
        return Response({"computed_at": snap.computed_at, **snap.data})
