"""The governance API: escalations (file, list, read, comment, decide) and the deployment gate.

Same rules as the pages: only the pod's lead files; routed approvers or admins decide; leaders
read everything in their org, a lead the escalations of their pods.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import selectors
from governance.api.serializers import (
    CommentSerializer,
    DecideSerializer,
    DeploymentCreateSerializer,
    DeploymentSerializer,
    EscalationCreateSerializer,
    EscalationFilter,
    EscalationSerializer,
    EventSerializer,
    ExceptionSerializer,
    MetricsSerializer,
)
from governance.models import DeploymentReview, Escalation
from governance.services import escalations as esc_services
from governance.services import guardrails as guard_services
from pods.permissions import led_pods
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet
from tenancy.cache import ESCALATIONS, GOVERNANCE, PEOPLE, PODS
from tenancy.permissions import can


@extend_schema_view(
    list=extend_schema(parameters=[EscalationFilter], responses=EscalationSerializer(many=True)),
    retrieve=extend_schema(responses=EscalationSerializer),
    create=extend_schema(request=EscalationCreateSerializer, responses={201: EscalationSerializer}),
)
class EscalationViewSet(ApiViewSet):
    """Escalations filed by pod leads and routed by the published decision-rights matrix."""

    queryset = Escalation.objects.none()
    serializer_class = EscalationSerializer

    def _escalation(self, pk: Any) -> Escalation:
        return get_or_404(selectors.escalation_list(organization=self.organization,
                                                    viewer=self.membership)
                          .prefetch_related("approvers"), pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        params = self.query_params(EscalationFilter)
        qs = selectors.escalation_list(organization=self.organization, viewer=self.membership,
                                       status=params.get("status", ""),
                                       q=params.get("q", ""),
                                       approver=self.membership if params.get("mine") == "true" else None)
        if "pod" in params:
            qs = qs.filter(pod_id=params["pod"])
        scope: tuple[Any, ...] = ("all",)
        if params.get("mine") == "true":
            scope = ("mine", self.membership.pk)
        elif not can(self.membership, "governance.view_all"):
            scope = ("viewer", self.membership.pk, tuple(sorted(led_pods(self.membership))))
        return self.cached_list("escalations", lambda: self.paginated(qs, EscalationSerializer),
                                scope=scope, scopes=(ESCALATIONS, PODS, PEOPLE, GOVERNANCE))

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        esc = self._escalation(pk)
        data = EscalationSerializer(esc).data
        data["events"] = EventSerializer(
            selectors.escalation_events(organization=self.organization, escalation=esc), many=True).data
        return Response(data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("governance.file_escalation")
        data = self.validated(EscalationCreateSerializer).validated_data
        self.check_rule("governance.file_escalation", data["pod"])
        esc = esc_services.escalation_file(organization=self.organization, actor=request.user, **data)
        esc = get_or_404(selectors.escalation_list(organization=self.organization,
                                                   viewer=self.membership), pk=esc.pk)
        return Response(EscalationSerializer(esc).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommentSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        esc = self._escalation(pk)
        self.check_rule("governance.comment_escalation", esc)
        body = self.validated(CommentSerializer).validated_data["body"]
        if esc.status == "needs_info" and can(self.membership, "governance.answer_escalation", esc):
            esc_services.escalation_provide_info(organization=self.organization, actor=request.user,
                                                 escalation=esc, body=body)
            event = selectors.escalation_events(organization=self.organization, escalation=esc).last()
        else:
            event = esc_services.escalation_comment(organization=self.organization, actor=request.user,
                                                    escalation=esc, body=body)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecideSerializer, responses=EscalationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        esc = self._escalation(pk)
        self.check_rule("governance.decide_escalation", esc)
        data = self.validated(DecideSerializer).validated_data
        esc_services.escalation_decide(organization=self.organization, actor=request.user, escalation=esc, **data)
        esc = get_or_404(selectors.escalation_list(organization=self.organization,
                                                   viewer=self.membership), pk=esc.pk)
        return Response(EscalationSerializer(esc).data)


@extend_schema_view(
    list=extend_schema(responses=DeploymentSerializer(many=True)),
    retrieve=extend_schema(responses=DeploymentSerializer),
    create=extend_schema(request=DeploymentCreateSerializer, responses={201: DeploymentSerializer}),
)
class DeploymentViewSet(ApiViewSet):
    """The deployment gate: submit guardrail check results, get pass / fail / needs_approval."""

    queryset = DeploymentReview.objects.none()
    serializer_class = DeploymentSerializer

    def _review(self, pk: Any) -> DeploymentReview:
        review = get_or_404(selectors.deployment_list(organization=self.organization), pk=pk)
        self.check_rule("governance.view_deployment", review)
        return review

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        qs = selectors.deployment_list(organization=self.organization)
        if not can(self.membership, "governance.view_all"):
            qs = qs.filter(pod_id__in=led_pods(self.membership))
        return self.paginated(qs, DeploymentSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(DeploymentSerializer(self._review(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        # Who may submit at all is settled before the body is read; then the pod's own rule.
        self.check_rule("governance.submit_deployment")
        data = self.validated(DeploymentCreateSerializer).validated_data
        self.check_rule("governance.submit_deployment", data["pod"])
        review = guard_services.deployment_submit(
            organization=self.organization, actor=request.user, pod=data["pod"], model_name=data["model"],
            version=data["version"], risk_tier=data["risk_tier"], results=data["results"])
        review = get_or_404(selectors.deployment_list(organization=self.organization), pk=review.pk)
        return Response(DeploymentSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MetricsSerializer, responses={201: ExceptionSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def metrics(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        review = self._review(pk)
        self.check_rule("governance.submit_deployment", review.pod)
        metrics = self.validated(MetricsSerializer).validated_data["metrics"]
        raised = guard_services.deployment_metrics_push(organization=self.organization, actor=request.user,
                                                        review=review, metrics=metrics)
        return Response({"exceptions": ExceptionSerializer(raised, many=True).data},
                        status=status.HTTP_201_CREATED)
