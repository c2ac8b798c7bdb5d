"""Signals in the API: raise (a pod's members), list the groups, triage (leaders)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pods.models import Pod
from strategy import selectors
from strategy.api.serializers import OutcomeCreateSerializer, QuarterField, _pods, _themes
from strategy.models import SIGNAL_DECISIONS, Signal, SignalKind, SignalStatus, Theme
from strategy.services import signals as signal_services
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.api.views import ApiViewSet

STATUS_FILTER = [("open", "new or acknowledged"), *SignalStatus.choices, ("all", "all")]


class SignalFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUS_FILTER, required=False, allow_blank=True,
                                     help_text="Default: open (new or acknowledged)")
    kind = serializers.ChoiceField(choices=SignalKind.choices, required=False, allow_blank=True)
    theme = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    pod = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class SignalSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id")
    pod_name = serializers.CharField(source="pod.name")
    kind = serializers.ChoiceField(choices=SignalKind.choices)
    status = serializers.ChoiceField(choices=SignalStatus.choices)
    theme = serializers.IntegerField(source="theme_id", allow_null=True)
    raised_by = serializers.EmailField(source="raised_by.user.email", allow_null=True, default=None)
    triaged_by = serializers.EmailField(source="triaged_by.user.email", allow_null=True, default=None)
    group = serializers.IntegerField(source="group_id", allow_null=True,
                                     help_text="The group's first signal (null on that one)")
    pod_count = serializers.IntegerField(help_text="Distinct pods that raised the group's signals")
    adopted_theme = serializers.IntegerField(source="adopted_theme_id", allow_null=True)
    adopted_outcome = serializers.IntegerField(source="adopted_outcome_id", allow_null=True)

    class Meta:
        model = Signal
        fields = ("id", "pod", "pod_name", "kind", "title", "body", "theme", "status", "reason", "raised_by",
                  "triaged_by", "triaged_at", "triage_due_at", "group", "pod_count", "adopted_theme",
                  "adopted_outcome", "created_at")


class SignalCreateSerializer(serializers.Serializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    kind = serializers.ChoiceField(choices=SignalKind.choices)
    title = serializers.CharField(max_length=160)
    body = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    theme = OrgScopedPrimaryKeyField(scope=_themes, model=Theme, required=False, allow_null=True, default=None)


class AdoptOutcomeSerializer(OutcomeCreateSerializer):
    """The outcome an adopted signal becomes, for the signal's pod."""

    pod = None  # type: ignore[assignment]


class SignalTriageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SIGNAL_DECISIONS)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                   help_text="Required to park or decline")
    create_theme = QuarterField(required=False, allow_null=True, default=None,
                                help_text="Adopting: create a theme you own for this quarter (YYYY-MM)")
    create_outcome = AdoptOutcomeSerializer(required=False, allow_null=True, default=None,
                                            help_text="Adopting: create this outcome for the signal's pod")


@extend_schema_view(
    list=extend_schema(parameters=[SignalFilter], responses=SignalSerializer(many=True)),
    retrieve=extend_schema(responses=SignalSerializer),
    create=extend_schema(request=SignalCreateSerializer, responses={201: SignalSerializer}),
)
class SignalViewSet(ApiViewSet):
    """Signals from the pods. The list has one row per group (its first signal) with `pod_count`."""

    queryset = Signal.objects.none()
    serializer_class = SignalSerializer
    http_method_names = ["get", "post", "head", "options"]

    def _signal(self, pk: Any) -> Signal:
        signal = get_or_404(selectors.signal_get, organization=self.organization, pk=pk)
        members = selectors.signal_group_members(organization=self.organization, signal=signal)
        signal.pod_count = len({m.pod_id for m in members})
        return signal

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        params = self.query_params(SignalFilter)
        state = params.get("status", "open")
        qs = selectors.signal_groups(organization=self.organization, status="" if state == "all" else state,
                                     kind=params.get("kind", ""), theme=params.get("theme"), pod=params.get("pod"))
        return self.paginated(qs, SignalSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        return Response(SignalSerializer(self._signal(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.raise_signal")
        data = self.validated(SignalCreateSerializer).validated_data
        self.check_rule("strategy.raise_signal", data["pod"])
        signal = signal_services.signal_raise(organization=self.organization, actor=request.user,
                                       raised_by=self.membership, **data)
        return Response(SignalSerializer(self._signal(signal.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignalTriageSerializer, responses=SignalSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Acknowledge, adopt, park or decline the signal's whole group (leaders)."""
        signal = self._signal(pk)
        self.check_rule("strategy.triage_signal")
        data = self.validated(SignalTriageSerializer).validated_data
        signal_services.signal_triage(organization=self.organization, actor=request.user, signal=signal,
                               triaged_by=self.membership, **data)
        return Response(SignalSerializer(self._signal(pk)).data)
