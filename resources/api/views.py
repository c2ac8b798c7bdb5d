"""The compute API: pools and quotas (admins write), allocations (a pod's lead requests, with an
idempotency key; release and cancel; metered usage), budgets (admins set) and the ledger (read).
Same rules as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from resources import budget_selectors, selectors, services
from resources.api.serializers import (
    AllocationCreateSerializer,
    AllocationEventSerializer,
    AllocationFilter,
    AllocationSerializer,
    BudgetFilter,
    BudgetSerializer,
    BudgetSetSerializer,
    LedgerEntrySerializer,
    LedgerFilter,
    PoolSerializer,
    PoolUpdateSerializer,
    QuotaFilter,
    QuotaSerializer,
    UsageSerializer,
)
from resources.models import Allocation, Budget, ComputePool, LedgerEntry, Quota
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet
from tenancy.permissions import can


@extend_schema_view(
    list=extend_schema(responses=PoolSerializer(many=True)),
    retrieve=extend_schema(responses=PoolSerializer),
    create=extend_schema(request=PoolSerializer, responses={201: PoolSerializer}),
    partial_update=extend_schema(request=PoolUpdateSerializer, responses=PoolSerializer),
)
class PoolViewSet(ApiViewSet):
    """Compute pools: capacity, unit cost per unit-hour, status (open, hold, drain)."""

    queryset = ComputePool.objects.none()
    serializer_class = PoolSerializer

    def _pool(self, pk: Any) -> ComputePool:
        return get_or_404(selectors.pool_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.view")
        return self.paginated(selectors.pool_list(organization=self.organization), PoolSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("resources.view")
        return Response(PoolSerializer(self._pool(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.manage_pools")
        data = self.validated(PoolSerializer).validated_data
        pool = services.pool_create(organization=self.organization, actor=request.user, **data)
        return Response(PoolSerializer(self._pool(pool.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("resources.manage_pools")
        pool = self._pool(pk)
        data = self.validated(PoolUpdateSerializer, partial=True).validated_data
        services.pool_update(organization=self.organization, actor=request.user, pool=pool, **data)
        return Response(PoolSerializer(self._pool(pool.pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=[QuotaFilter], responses=QuotaSerializer(many=True)),
    retrieve=extend_schema(responses=QuotaSerializer),
    create=extend_schema(request=QuotaSerializer, responses={200: QuotaSerializer, 201: QuotaSerializer}),
)
class QuotaViewSet(ApiViewSet):
    """Each pod's quota on a pool (after Kueue): nominal, borrowing and lending limits, and the
    reclaim / within-pod preemption policies. POST sets a pod's quota (creating it the first time)."""

    queryset = Quota.objects.none()
    serializer_class = QuotaSerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.view")
        params = self.query_params(QuotaFilter)
        qs = selectors.quota_list(organization=self.organization, pod_id=params.get("pod"))
        if "pool" in params:
            qs = qs.filter(pool_id=params["pool"])
        return self.paginated(qs, QuotaSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("resources.view")
        return Response(QuotaSerializer(get_or_404(selectors.quota_get, organization=self.organization,
                                                   pk=pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.set_quota")
        data = self.validated(QuotaSerializer).validated_data
        existed = selectors.quota_list(organization=self.organization, pool=data["pool"],
                                       pod_id=data["pod"].pk).exists()
        quota = services.quota_set(organization=self.organization, actor=request.user, **data)
        return Response(QuotaSerializer(quota).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[AllocationFilter], responses=AllocationSerializer(many=True)),
    retrieve=extend_schema(responses=AllocationSerializer),
    create=extend_schema(request=AllocationCreateSerializer,
                         responses={200: AllocationSerializer, 201: AllocationSerializer}),
)
class AllocationViewSet(ApiViewSet):
    """Time-boxed claims [start, end) on a pool. POST answers with the state at once: admitted
    (with the `borrowed` part), pending (with the `reason` it waits), needs_approval (with the
    linked `escalation`), or a 400 when it can never fit. Poll `GET …/allocations/<id>/`."""

    queryset = Allocation.objects.none()
    serializer_class = AllocationSerializer

    def _allocation(self, pk: Any) -> Allocation:
        return get_or_404(selectors.allocation_get, organization=self.organization, viewer=self.membership, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.view")
        params = self.query_params(AllocationFilter)
        qs = selectors.allocation_list(organization=self.organization, viewer=self.membership,
                                       pod_id=params.get("pod"), pool_id=params.get("pool"),
                                       state=params.get("state", ""))
        return self.paginated(qs, AllocationSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        a = self._allocation(pk)
        data = AllocationSerializer(a).data
        data["events"] = AllocationEventSerializer(
            selectors.allocation_events(organization=self.organization, allocation=a), many=True).data
        data["queue_position"] = selectors.queue_position(organization=self.organization, allocation=a)
        return Response(data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.request")
        data = self.validated(AllocationCreateSerializer).validated_data
        self.check_rule("resources.request", data["pod"])
        a = services.allocation_request(organization=self.organization, actor=request.user, **data)
        replayed = a.replayed
        if replayed and not can(self.membership, "resources.view_allocation", a):
            raise PermissionDenied("This idempotency key was used for another request.")
        a = self._allocation(a.pk)
        return Response(AllocationSerializer(a).data, status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED)

    def _end(self, pk: Any, service: Any) -> Response:
        a = self._allocation(pk)
        self.check_rule("resources.end_allocation", a)
        service(organization=self.organization, actor=self.request.user, allocation=a)
        return Response(AllocationSerializer(self._allocation(a.pk)).data)

    @extend_schema(request=None, responses=AllocationSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """End an admitted allocation now; its capacity goes to the queue."""
        return self._end(pk, services.allocation_release)

    @extend_schema(request=UsageSerializer, responses={200: LedgerEntrySerializer, 201: LedgerEntrySerializer})
    @action(detail=True, methods=["post"])
    def usage(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Post metered usage (credits) against the allocation's compute hold: 201 with the ledger
        entry, 200 with the first one when the idempotency key repeats. Once pushed, the end of the
        allocation voids the rest of the hold instead of posting the estimate."""
        a = self._allocation(pk)
        self.check_rule("resources.report_usage", a)
        data = self.validated(UsageSerializer).validated_data
        entry, replayed = services.usage_report(organization=self.organization, actor=request.user,
                                                allocation=a, **data)
        return Response(LedgerEntrySerializer(entry).data,
                        status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AllocationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Withdraw a pending, preempted or needs-approval request."""
        return self._end(pk, services.allocation_cancel)


@extend_schema_view(
    list=extend_schema(parameters=[BudgetFilter], responses=BudgetSerializer(many=True)),
    retrieve=extend_schema(responses=BudgetSerializer),
    create=extend_schema(request=BudgetSetSerializer, responses={200: BudgetSerializer, 201: BudgetSerializer}),
)
class BudgetViewSet(ApiViewSet):
    """Budgets per pod, quarter and category, with committed / spent / available from the ledger.
    POST sets a pod's budget for a quarter and category (admins; created the first time, 201)."""

    queryset = Budget.objects.none()
    serializer_class = BudgetSerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.view_budgets")
        params = self.query_params(BudgetFilter)
        qs = budget_selectors.budget_list(organization=self.organization, viewer=self.membership,
                                   quarter=params.get("quarter", ""), pod_id=params.get("pod"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(BudgetSerializer(budget_selectors.budget_balances_attach(page), many=True).data)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("resources.view_budgets")
        budget = get_or_404(budget_selectors.budget_get, organization=self.organization, viewer=self.membership, pk=pk)
        return Response(BudgetSerializer(budget_selectors.budget_balances_attach([budget])[0]).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.manage_budgets")
        data = self.validated(BudgetSetSerializer).validated_data
        existed = budget_selectors.budget_list(organization=self.organization, viewer=self.membership,
                                        quarter=data["quarter"], pod_id=data["pod"].pk).filter(
            category=data["category"]).exists()
        budget = services.budget_set(organization=self.organization, actor=request.user, **data)
        budget = budget_selectors.budget_get(organization=self.organization, viewer=self.membership, pk=budget.pk)
        return Response(BudgetSerializer(budget_selectors.budget_balances_attach([budget])[0]).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[LedgerFilter], responses=LedgerEntrySerializer(many=True)))
class LedgerViewSet(ApiViewSet):
    """The append-only spend ledger: holds, postings against them, voids."""

    queryset = LedgerEntry.objects.none()
    serializer_class = LedgerEntrySerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("resources.view_budgets")
        params = self.query_params(LedgerFilter)
        qs = budget_selectors.ledger_list(organization=self.organization, viewer=self.membership,
                                   budget_id=params.get("budget"))
        return self.paginated(qs, LedgerEntrySerializer)



