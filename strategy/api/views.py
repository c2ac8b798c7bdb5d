"""The strategy API: themes (set, close, carry over), outcomes (add, change), measurements
(pushed by other tools, idempotent) and confidence check-ins, with derived progress and status.

Same rules as the pages: leaders own themes, pod leads their pods' outcomes and check-ins; a
pipeline pushes measurements with a token of the pod's lead (or an admin's).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from strategy import selectors, services
from strategy.api.serializers import (
    CarryOverSerializer,
    CheckInCreateSerializer,
    CheckInSerializer,
    MeasurementCreateSerializer,
    MeasurementSerializer,
    OutcomeCreateSerializer,
    OutcomeFilter,
    OutcomeSerializer,
    OutcomeWriteSerializer,
    ThemeCloseSerializer,
    ThemeCreateSerializer,
    ThemeFilter,
    ThemeSerializer,
    ThemeUpdateSerializer,
)
from strategy.models import Outcome, Theme
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet


@extend_schema_view(
    list=extend_schema(parameters=[ThemeFilter], responses=ThemeSerializer(many=True)),
    retrieve=extend_schema(responses=ThemeSerializer),
    create=extend_schema(request=ThemeCreateSerializer, responses={201: ThemeSerializer}),
    partial_update=extend_schema(request=ThemeUpdateSerializer, responses=ThemeSerializer),
)
class ThemeViewSet(ApiViewSet):
    """Quarterly strategic themes with their progress (the weighted mean of their outcomes)."""

    queryset = Theme.objects.none()
    serializer_class = ThemeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _theme(self, pk: Any) -> Theme:
        theme = get_or_404(selectors.theme_get, organization=self.organization, pk=pk)
        selectors.themes_with_progress(organization=self.organization, themes=[theme])
        return theme

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        params = self.query_params(ThemeFilter)
        qs = selectors.theme_list(organization=self.organization, quarter=params.get("quarter"))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        page = self.paginate_queryset(qs)
        themes = selectors.themes_with_progress(organization=self.organization, themes=page)
        return self.get_paginated_response(ThemeSerializer(themes, many=True).data)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        return Response(ThemeSerializer(self._theme(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.create_theme")
        data = self.validated(ThemeCreateSerializer).validated_data
        data.setdefault("owner", self.membership)
        theme = services.theme_create(organization=self.organization, actor=request.user, **data)
        return Response(ThemeSerializer(self._theme(theme.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Change the title, description or owner (the page's "Edit theme")."""
        theme = self._theme(pk)
        self.check_rule("strategy.change_theme", theme)
        data = self.validated(ThemeUpdateSerializer, partial=True).validated_data
        fields = {"title": theme.title, "description": theme.description, "owner": theme.owner, **data}
        services.theme_update(organization=self.organization, actor=request.user, theme=theme, **fields)
        return Response(ThemeSerializer(self._theme(theme.pk)).data)

    @extend_schema(request=ThemeCloseSerializer, responses=ThemeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        theme = self._theme(pk)
        self.check_rule("strategy.change_theme", theme)
        data = self.validated(ThemeCloseSerializer).validated_data
        services.theme_close(organization=self.organization, actor=request.user, theme=theme, **data)
        return Response(ThemeSerializer(self._theme(theme.pk)).data)

    @extend_schema(request=CarryOverSerializer, responses={201: ThemeSerializer})
    @action(detail=True, methods=["post"], url_path="carry-over")
    def carry_over(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Carry the theme into the next quarter; answers the new theme."""
        theme = self._theme(pk)
        self.check_rule("strategy.change_theme", theme)
        data = self.validated(CarryOverSerializer).validated_data
        new = services.theme_carry_over(organization=self.organization, actor=request.user, theme=theme, **data)
        return Response(ThemeSerializer(self._theme(new.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[OutcomeFilter], responses=OutcomeSerializer(many=True)),
    retrieve=extend_schema(responses=OutcomeSerializer),
    create=extend_schema(request=OutcomeCreateSerializer, responses={201: OutcomeSerializer}),
    partial_update=extend_schema(request=OutcomeWriteSerializer, responses=OutcomeSerializer),
)
class OutcomeViewSet(ApiViewSet):
    """Outcomes pods own for themes, with derived progress, pace and status."""

    queryset = Outcome.objects.none()
    serializer_class = OutcomeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _outcome(self, pk: Any) -> Outcome:
        outcome = get_or_404(selectors.outcome_get, organization=self.organization, pk=pk)
        selectors.outcome_state_attach([outcome])
        return outcome

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        params = self.query_params(OutcomeFilter)
        qs = selectors.outcome_list(organization=self.organization, theme=params.get("theme"),
                                    pod=params.get("pod"))
        if params.get("status"):  # derived: filter the (bounded) page's rows after computing
            rows = [o for o in selectors.outcome_state_attach(qs) if o.state.status == params["status"]]  # type: ignore[attr-defined]
            return self.paginated(rows, OutcomeSerializer)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(OutcomeSerializer(selectors.outcome_state_attach(page), many=True).data)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        return Response(OutcomeSerializer(self._outcome(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.add_outcome")
        data = self.validated(OutcomeCreateSerializer).validated_data
        self.check_rule("strategy.add_outcome", data["pod"])
        outcome = services.outcome_create(organization=self.organization, actor=request.user, **data)
        return Response(OutcomeSerializer(self._outcome(outcome.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        outcome = self._outcome(pk)
        self.check_rule("strategy.change_outcome", outcome)
        data = self.validated(OutcomeWriteSerializer, partial=True).validated_data
        if "pod" in data and data["pod"].pk != outcome.pod_id:
            self.check_rule("strategy.add_outcome", data["pod"])
        services.outcome_update(organization=self.organization, actor=request.user, outcome=outcome, **data)
        return Response(OutcomeSerializer(self._outcome(pk)).data)

    @extend_schema(methods=["GET"], request=None, responses=MeasurementSerializer(many=True))
    @extend_schema(methods=["POST"], request=MeasurementCreateSerializer,
                   responses={200: MeasurementSerializer, 201: MeasurementSerializer})
    @action(detail=True, methods=["get", "post"])
    def measurements(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """GET: the history, newest first. POST: push a reading (201; 200 when the idempotency
        key was already used for the same reading, which is stored once)."""
        outcome = self._outcome(pk)
        if request.method == "GET":
            self.check_rule("strategy.view")
            return self.paginated(selectors.measurement_list(organization=self.organization, outcome=outcome),
                                  MeasurementSerializer)
        self.check_rule("strategy.record_measurement", outcome)
        data = self.validated(MeasurementCreateSerializer).validated_data
        try:
            m, created = services.measurement_record(organization=self.organization, actor=request.user,
                                                     outcome=outcome, **data)
        except services.IdempotencyConflict as exc:
            message = exc.message_dict["idempotency_key"][0]
            return Response({"detail": f"idempotency_key: {message}",
                             "errors": [{"field": "idempotency_key", "message": message}]},
                            status=status.HTTP_409_CONFLICT)
        return Response(MeasurementSerializer(m).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(methods=["GET"], request=None, responses=CheckInSerializer(many=True))
    @extend_schema(methods=["POST"], request=CheckInCreateSerializer, responses={201: CheckInSerializer})
    @action(detail=True, methods=["get", "post"], url_path="check-ins")
    def check_ins(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """The pod lead's confidence check-ins (kept apart from numeric progress)."""
        outcome = self._outcome(pk)
        if request.method == "GET":
            self.check_rule("strategy.view")
            return self.paginated(selectors.check_in_list(organization=self.organization, outcome=outcome),
                                  CheckInSerializer)
        self.check_rule("strategy.check_in", outcome)
        data = self.validated(CheckInCreateSerializer).validated_data
        check_in = services.check_in_record(organization=self.organization, actor=request.user,
                                            outcome=outcome, **data)
        return Response(CheckInSerializer(check_in).data, status=status.HTTP_201_CREATED)
