"""The pod intake inbox in the API: ask a pod; its lead answers, routes or declines; the measures."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pods.models import Pod
from pods.selectors import pod_people_choices
from strategy import selectors
from strategy.api.serializers import _pods
from strategy.models import IntakeKind, IntakeRequest, IntakeStatus
from strategy.services import intake as intake_services
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.api.views import ApiViewSet
from tenancy.models import Person


class IntakeFilter(serializers.Serializer):
    pod = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=IntakeStatus.choices, required=False, allow_blank=True)


class IntakeMeasuresFilter(serializers.Serializer):
    pod = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    months = serializers.IntegerField(required=False, min_value=1, max_value=36, default=6)


class IntakeRequestSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id")
    pod_name = serializers.CharField(source="pod.name")
    kind = serializers.ChoiceField(choices=IntakeKind.choices)
    status = serializers.ChoiceField(choices=IntakeStatus.choices)
    asked_by = serializers.EmailField(source="asked_by.user.email", allow_null=True, default=None)
    routed_to = serializers.IntegerField(source="routed_to_id", allow_null=True, help_text="A person id")
    answered_by = serializers.EmailField(source="answered_by.email", allow_null=True, default=None)

    class Meta:
        model = IntakeRequest
        fields = ("id", "pod", "pod_name", "kind", "title", "body", "status", "asked_by", "routed_to", "answer",
                  "answered_by", "first_response_at", "closed_at", "created_at")


class IntakeAskSerializer(serializers.Serializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    kind = serializers.ChoiceField(choices=IntakeKind.choices)
    title = serializers.CharField(max_length=160)
    body = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class IntakeAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class IntakeRouteSerializer(serializers.Serializer):
    person = OrgScopedPrimaryKeyField(scope=lambda org: pod_people_choices(organization=org), model=Person,
                                      help_text="A current member of the pod")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class IntakeDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class IntakeMonthSerializer(serializers.Serializer):
    pod = serializers.IntegerField(source="pod_id")
    month = serializers.DateField(help_text="The month's first day")
    asked = serializers.IntegerField()
    answered_by_lead = serializers.IntegerField()
    routed = serializers.IntegerField(help_text="Interruptions that reached an engineer")
    declined = serializers.IntegerField()
    open = serializers.IntegerField()
    absorbed_share = serializers.FloatField(allow_null=True, help_text="(answered by the lead + declined) / moved")
    routed_share = serializers.FloatField(allow_null=True)
    median_first_answer_hours = serializers.FloatField(allow_null=True)


@extend_schema_view(
    list=extend_schema(parameters=[IntakeFilter], responses=IntakeRequestSerializer(many=True)),
    retrieve=extend_schema(responses=IntakeRequestSerializer),
    create=extend_schema(request=IntakeAskSerializer, responses={201: IntakeRequestSerializer}),
)
class IntakeRequestViewSet(ApiViewSet):
    """Requests to pods. A pod lead sees every request to their pods; others what they asked or
    were routed."""

    queryset = IntakeRequest.objects.none()
    serializer_class = IntakeRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def _request(self, pk: Any) -> IntakeRequest:
        return get_or_404(selectors.intake_get, organization=self.organization, viewer=self.membership, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        params = self.query_params(IntakeFilter)
        qs = selectors.intake_list(organization=self.organization, viewer=self.membership,
                                   status=params.get("status", ""))
        if params.get("pod"):
            qs = qs.filter(pod_id=params["pod"])
        return self.paginated(qs, IntakeRequestSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        return Response(IntakeRequestSerializer(self._request(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.ask_pod")
        data = self.validated(IntakeAskSerializer).validated_data
        req = intake_services.intake_ask(organization=self.organization, actor=request.user,
                                         asked_by=self.membership, **data)
        return Response(IntakeRequestSerializer(self._request(req.pk)).data, status=status.HTTP_201_CREATED)

    def _move(self, pk: Any, rule: str, serializer: type[serializers.Serializer], service: Any) -> Response:
        req = self._request(pk)
        self.check_rule(rule, req)
        data = self.validated(serializer).validated_data
        service(organization=self.organization, actor=self.request.user, request=req, **data)
        return Response(IntakeRequestSerializer(self._request(pk)).data)

    @extend_schema(request=IntakeAnswerSerializer, responses=IntakeRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """The pod lead answers, or the member it was routed to."""
        return self._move(pk, "strategy.answer_intake", IntakeAnswerSerializer, intake_services.intake_answer)

    @extend_schema(request=IntakeRouteSerializer, responses=IntakeRequestSerializer)
    @action(detail=True, methods=["post"])
    def route(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """The pod lead hands it to one current member of the pod."""
        return self._move(pk, "strategy.handle_intake", IntakeRouteSerializer, intake_services.intake_route)

    @extend_schema(request=IntakeDeclineSerializer, responses=IntakeRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return self._move(pk, "strategy.handle_intake", IntakeDeclineSerializer, intake_services.intake_decline)

    @extend_schema(parameters=[IntakeMeasuresFilter], responses=IntakeMonthSerializer(many=True))
    @action(detail=False, methods=["get"])
    def measures(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        """Per pod and month, newest first: share absorbed by the lead, routed, time to first answer."""
        self.check_rule("strategy.view")
        params = self.query_params(IntakeMeasuresFilter)
        rows = selectors.intake_measures(organization=self.organization, months=params.get("months", 6),
                                         pod_ids=[params["pod"]] if params.get("pod") else None)
        return self.paginated(rows, IntakeMonthSerializer)
