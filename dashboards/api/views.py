"""The overview API: `/api/v1/o/<slug>/overview/`, `attention/`, `scorecards/…`,
`scorecard-checks/` and `scorecard-levels/`; the same selectors, services and rules as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from dashboards import selectors, services
from dashboards.api import serializers as s
from dashboards.models import PodFacet, ScorecardCheck, ScorecardLevel
from dashboards.tasks import overview_refresh_task
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.schema import ObjectSchema
from tenancy.api.views import ApiViewSet
from tenancy.outbox import enqueue

FILTER_PARAMS = [OpenApiParameter("start", str, description="YYYY-MM-DD; default: the quarter's first day"),
                 OpenApiParameter("end", str, description="YYYY-MM-DD; default: today")]


class OverviewViewSet(ApiViewSet):
    """Every tile's figures (and the same span a quarter earlier) and weekly trend."""

    schema = ObjectSchema()  # one object: tiles for the period, not an array
    queryset = PodFacet.objects.none()
    serializer_class = s.OverviewOut
    pagination_class = None

    @extend_schema(parameters=[*FILTER_PARAMS, s.FilterParams], responses=s.OverviewOut)
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.view_overview")
        filters = s.FilterParams.filters(self.organization, self.query_params(s.FilterParams))
        tiles = selectors.overview_tiles(organization=self.organization, membership=self.membership, filters=filters)
        prev = filters.period.previous_quarter()
        return Response({"start": filters.period.start, "end": filters.period.end, "previous_start": prev.start,
                         "previous_end": prev.end, "tiles": [selectors.tile_figures_for_api(t) for t in tiles]})

    @extend_schema(request=s.RecomputeIn, responses={202: None})
    @action(detail=False, methods=["post"])
    def recompute(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.recompute")
        backfill = self.validated(s.RecomputeIn).validated_data["backfill"]
        enqueue(overview_refresh_task, self.organization.pk, backfill)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)


class AttentionViewSet(ApiViewSet):
    """What needs a leader now (the sources the member may see), most overdue first."""

    queryset = PodFacet.objects.none()
    serializer_class = s.AttentionOut

    @extend_schema(parameters=[s.FilterParams], responses=s.AttentionOut(many=True))
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.view_overview")
        filters = s.FilterParams.filters(self.organization, self.query_params(s.FilterParams))
        rows = selectors.attention_queue(organization=self.organization, membership=self.membership,
                                         filters=filters, limit=200)
        data = [{"source": r.item.source, "source_label": r.source_label, "title": r.item.title,
                 "detail": r.item.detail, "url": request.build_absolute_uri(r.item.url), "due_at": r.item.due_at,
                 "overdue_seconds": int(r.overdue.total_seconds()), "pod_id": r.item.pod_id,
                 "as_of": rows.as_of} for r in rows]
        return self.paginated(data, s.AttentionOut)


class ScorecardViewSet(ApiViewSet):
    """The organization's rollup, each pod's level, and one pod's checks."""

    queryset = PodFacet.objects.none()
    serializer_class = s.PodLevelOut

    @extend_schema(parameters=[s.FilterParams], responses=s.PodLevelOut(many=True))
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.view_scorecards")
        filters = s.FilterParams.filters(self.organization, self.query_params(s.FilterParams))
        return self.paginated(selectors.pod_level_list(organization=self.organization, filters=filters),
                              s.PodLevelOut)

    @extend_schema(responses=s.PodScorecardOut)
    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("dashboards.view_scorecards")
        pod = get_or_404(selectors.pod_facet_get, organization=self.organization, pod_id=pk)
        card = selectors.pod_scorecard(organization=self.organization, pod_id=pod.pod_id)
        checks = [{"check_id": c["check"].pk, "name": c["check"].name, "level": g["level"].name,
                   "value": c["result"].value if c["result"] else None,
                   "passed": bool(c["result"] and c["result"].passed)} for g in card["levels"] for c in g["checks"]]
        return Response(s.PodScorecardOut({"pod_id": pod.pod_id, "name": pod.name, "day": card["day"],
                                           "rank": card["rank"], "checks": checks}).data)

    @extend_schema(parameters=[s.FilterParams], responses=s.RollupOut)
    @action(detail=False, methods=["get"])
    def rollup(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.view_scorecards")
        filters = s.FilterParams.filters(self.organization, self.query_params(s.FilterParams))
        return Response(s.RollupOut(selectors.scorecard_rollup(organization=self.organization, filters=filters)).data)


class ScorecardCheckViewSet(ApiViewSet):
    """Scorecard checks: every member reads them, admins edit them (audited)."""

    queryset = ScorecardCheck.objects.none()
    serializer_class = s.CheckSerializer

    def _check(self, pk: Any) -> ScorecardCheck:
        self.check_rule("dashboards.view_scorecards")
        check: ScorecardCheck = get_or_404(selectors.scorecard_check_get, organization=self.organization, pk=pk)
        return check

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.view_scorecards")
        return self.paginated(selectors.scorecard_checks(organization=self.organization), s.CheckSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.CheckSerializer(self._check(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.edit_checks")
        data = self.validated(s.CheckSerializer).validated_data
        check = services.scorecard_check_create(organization=self.organization, actor=request.user, **data)
        return Response(s.CheckSerializer(check).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        check = self._check(pk)
        self.check_rule("dashboards.edit_checks")
        data = self.validated(s.CheckSerializer, check, partial=True).validated_data
        check = services.scorecard_check_update(organization=self.organization, actor=request.user, check=check,
                                                **data)
        return Response(s.CheckSerializer(check).data)

    def destroy(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        check = self._check(pk)
        self.check_rule("dashboards.edit_checks")
        services.scorecard_check_delete(organization=self.organization, actor=request.user, check=check)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=s.HistoryPointOut(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Share of pods passing the check on each evaluation day (the last 180 days)."""
        history = selectors.check_history(organization=self.organization, check=self._check(pk))
        rows = [{"day": d, "share_passing": v} for d, v in history["history"]]
        return self.paginated(rows, s.HistoryPointOut)


class ScorecardLevelViewSet(ApiViewSet):
    """Scorecard levels, lowest first; admins add (on top), rename and remove the highest."""

    queryset = ScorecardLevel.objects.none()
    serializer_class = s.LevelSerializer

    def _level(self, pk: Any) -> ScorecardLevel:
        self.check_rule("dashboards.view_scorecards")
        level: ScorecardLevel = get_or_404(selectors.scorecard_level_get, organization=self.organization, pk=pk)
        return level

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.view_scorecards")
        return self.paginated(selectors.scorecard_levels(organization=self.organization), s.LevelSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.LevelSerializer(self._level(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("dashboards.edit_checks")
        data = self.validated(s.LevelSerializer).validated_data
        level = services.scorecard_level_create(organization=self.organization, actor=request.user, **data)
        return Response(s.LevelSerializer(level).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        level = self._level(pk)
        self.check_rule("dashboards.edit_checks")
        data = self.validated(s.LevelSerializer, level, partial=True).validated_data
        level = services.scorecard_level_update(organization=self.organization, actor=request.user, level=level,
                                                name=data.get("name", level.name))
        return Response(s.LevelSerializer(level).data)

    def destroy(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        level = self._level(pk)
        self.check_rule("dashboards.edit_checks")
        services.scorecard_level_delete(organization=self.organization, actor=request.user, level=level)
        return Response(status=status.HTTP_204_NO_CONTENT)
