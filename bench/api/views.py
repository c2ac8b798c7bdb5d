"""The bench API: bench entries, staffing requests (file, submit, withdraw, propose) and scaling
suggestions (list, accept, dismiss), with the pages' permissions. Reads through `bench.selectors`,
writes through `bench.services`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from bench import selectors
from bench.api.serializers import (
    BenchEntryCreateSerializer,
    BenchEntrySerializer,
    BenchEntryWriteSerializer,
    BenchRunSerializer,
    DismissSerializer,
    ProposeSerializer,
    RequestFilter,
    StaffingRequestCreateSerializer,
    StaffingRequestSerializer,
    SuggestionFilter,
    SuggestionSerializer,
)
from bench.models import BenchEntry, ScalingSuggestion, StaffingRequest
from bench.services import decisions as decision_services
from bench.services import entries as entry_services
from bench.services import requests as request_services
from bench.services.recompute import suggestions_recompute
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet


@extend_schema_view(
    list=extend_schema(responses=BenchEntrySerializer(many=True)),
    retrieve=extend_schema(responses=BenchEntrySerializer),
    create=extend_schema(request=BenchEntryCreateSerializer, responses={201: BenchEntrySerializer}),
    partial_update=extend_schema(request=BenchEntryWriteSerializer, responses=BenchEntrySerializer),
)
class BenchEntryViewSet(ApiViewSet):
    """People on the bench: hours offered, utilisation cap, availability, rate, status."""

    queryset = BenchEntry.objects.none()
    serializer_class = BenchEntrySerializer

    def _entry(self, pk: Any) -> BenchEntry:
        return get_or_404(selectors.bench_entry_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("bench.view")
        return self.paginated(selectors.bench_entry_list(organization=self.organization), BenchEntrySerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("bench.view")
        return Response(BenchEntrySerializer(self._entry(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("bench.manage_entries")
        data = self.validated(BenchEntryCreateSerializer).validated_data
        entry = entry_services.bench_entry_create(organization=self.organization, actor=request.user, **data)
        return Response(BenchEntrySerializer(self._entry(entry.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("bench.manage_entries")
        entry = self._entry(pk)
        data = self.validated(BenchEntryWriteSerializer, entry, partial=True).validated_data
        entry_services.bench_entry_update(organization=self.organization, actor=request.user, entry=entry, **data)
        return Response(BenchEntrySerializer(self._entry(entry.pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=[RequestFilter], responses=StaffingRequestSerializer(many=True)),
    retrieve=extend_schema(responses=StaffingRequestSerializer),
    create=extend_schema(request=StaffingRequestCreateSerializer, responses={201: StaffingRequestSerializer}),
)
class StaffingRequestViewSet(ApiViewSet):
    """Pods asking for skills at levels, hours and `[start, end)`; filed by the pod's lead."""

    queryset = StaffingRequest.objects.none()
    serializer_class = StaffingRequestSerializer

    def _request(self, pk: Any) -> StaffingRequest:
        return get_or_404(selectors.request_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("bench.view")
        f = self.query_params(RequestFilter)
        rows = selectors.request_list(organization=self.organization, status=f.get("status", ""),
                                      pod_id=f.get("pod"))
        return self.paginated(rows, StaffingRequestSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("bench.view")
        return Response(StaffingRequestSerializer(self._request(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("bench.file_request")
        data = self.validated(StaffingRequestCreateSerializer).validated_data
        self.check_rule("bench.file_request", data["pod"])
        r = request_services.staffing_request_file(organization=self.organization, actor=request.user, **data)
        return Response(StaffingRequestSerializer(self._request(r.pk)).data, status=status.HTTP_201_CREATED)

    def _move(self, pk: Any, service: Any) -> Response:
        r = self._request(pk)
        self.check_rule("bench.act_request", r)
        service(organization=self.organization, actor=self.request.user, request=r)
        return Response(StaffingRequestSerializer(self._request(r.pk)).data)

    @extend_schema(request=None, responses=StaffingRequestSerializer, description="Submit a draft for matching.")
    @action(detail=True, methods=["post"])
    def submit(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return self._move(pk, request_services.staffing_request_submit)

    @extend_schema(request=None, responses=StaffingRequestSerializer,
                   description="Withdraw the request; its open suggestions are withdrawn too.")
    @action(detail=True, methods=["post"])
    def withdraw(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return self._move(pk, request_services.staffing_request_withdraw)

    @extend_schema(request=ProposeSerializer, responses={201: SuggestionSerializer},
                   description="Propose a person by hand (the worker's hard filters and score apply).")
    @action(detail=True, methods=["post"])
    def propose(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        r = self._request(pk)
        self.check_rule("bench.act_request", r)
        data = self.validated(ProposeSerializer).validated_data
        s = request_services.staffing_request_propose(organization=self.organization, actor=request.user,
                                                      request=r, **data)
        return Response(SuggestionSerializer(s).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[SuggestionFilter], responses=SuggestionSerializer(many=True)),
    retrieve=extend_schema(responses=SuggestionSerializer),
)
class SuggestionViewSet(ApiViewSet):
    """The worker's scaling suggestions (add, release, rebalance): rationale, score and inputs."""

    queryset = ScalingSuggestion.objects.none()
    serializer_class = SuggestionSerializer

    def _suggestion(self, pk: Any) -> ScalingSuggestion:
        return get_or_404(selectors.suggestion_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("bench.view")
        f = self.query_params(SuggestionFilter)
        rows = selectors.suggestion_list(organization=self.organization, kind=f.get("kind", ""),
                                         status=f.get("status") or "open", skill_id=f.get("skill"),
                                         pod_ids=[f["pod"]] if f.get("pod") else None)
        if f.get("request"):
            rows = rows.filter(request_id=f["request"])
        return self.paginated(rows, SuggestionSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("bench.view")
        return Response(SuggestionSerializer(self._suggestion(pk)).data)

    @extend_schema(request=None, responses=SuggestionSerializer,
                   description="Accept: an `add` books the assignment (capacity re-checked under lock; "
                   "400 naming `person` when the hours went to someone else).")
    @action(detail=True, methods=["post"])
    def accept(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        s = self._suggestion(pk)
        self.check_rule("bench.decide_suggestion", s)
        decision_services.suggestion_accept(organization=self.organization, actor=request.user, suggestion=s)
        return Response(SuggestionSerializer(self._suggestion(s.pk)).data)

    @extend_schema(request=None, responses=BenchRunSerializer,
                   description="Recompute every suggestion of the organization now, as the nightly and on-write "
                   "runs do (admins); answers with the run, whose `finished_at` is the suggestions' \"as of\".")
    @action(detail=False, methods=["post"])
    def recompute(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("bench.recompute")
        run = suggestions_recompute(organization=self.organization)
        return Response(BenchRunSerializer(run).data)

    @extend_schema(request=DismissSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        s = self._suggestion(pk)
        self.check_rule("bench.decide_suggestion", s)
        data = self.validated(DismissSerializer).validated_data
        decision_services.suggestion_dismiss(organization=self.organization, actor=request.user,
                                               suggestion=s, **data)
        return Response(SuggestionSerializer(self._suggestion(s.pk)).data)
