"""Pools: the list, one pool (capacity timeline, quotas, queue), creating and editing pools and
quotas (admins), the capacity dashboard (snapshots only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from resources import charts, selectors, services
from resources.forms import PoolForm, QuotaForm
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit


def _pool_url(view: OrgPageMixin, pool: Any) -> str:
    return reverse("resources:pool_detail", kwargs={"org_slug": view.organization.slug, "pk": pool.pk})


class PoolListView(OrgPageMixin, View):
    permission_required = "resources.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        pools = list(selectors.pool_list(organization=self.organization))
        for p in pools:
            p.utilisation = round(100 * p.in_use / p.capacity) if p.capacity else 0
        return render(request, "resources/pool_list.html", {
            "pools": pools, "may_manage": can(self.membership, "resources.manage_pools"),
            "may_request": can(self.membership, "resources.request"),
        })


class PoolCreateView(OrgPageMixin, View):
    permission_required = "resources.manage_pools"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return render(request, "resources/pool_form.html", {"form": PoolForm(organization=self.organization)})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = PoolForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda d: services.pool_create(
            organization=self.organization, actor=request.user, **d),
            success="Pool created.", redirect_to=lambda pool: _pool_url(self, pool))
        return done or render(request, "resources/pool_form.html", {"form": form}, status=400)


class PoolEditView(OrgPageMixin, View):
    permission_required = "resources.manage_pools"

    def _pool(self, pk: int) -> Any:
        return get_or_404(selectors.pool_get, organization=self.organization, pk=pk)

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pool = self._pool(pk)
        form = PoolForm(organization=self.organization, initial={
            f: getattr(pool, f) for f in ("name", "unit", "capacity", "unit_cost", "status")})
        return render(request, "resources/pool_form.html", {"form": form, "pool": pool})

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pool = self._pool(pk)
        form = PoolForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda d: services.pool_update(
            organization=self.organization, actor=request.user, pool=pool, **d),
            success="Pool saved.", redirect_to=lambda p: _pool_url(self, p))
        return done or render(request, "resources/pool_form.html", {"form": form, "pool": pool}, status=400)


class PoolDetailView(OrgPageMixin, View):
    permission_required = "resources.view"

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pool = get_or_404(selectors.pool_get, organization=self.organization, pk=pk)
        now = timezone.now()
        return render(request, "resources/pool_detail.html", {
            "pool": pool,
            "quotas": selectors.quota_rows(organization=self.organization, pool=pool, now=now),
            "queue": selectors.pool_queue(organization=self.organization, pool=pool, viewer=self.membership,
                                          now=now),
            "chart": charts.timeline(selectors.pool_timeline(organization=self.organization, pool=pool),
                                     today=now.date()),
            "as_of": selectors.capacity_as_of(organization=self.organization),
            "recent": selectors.allocation_list(organization=self.organization, viewer=self.membership,
                                                pool_id=pool.pk)[:15],
            "may_manage": can(self.membership, "resources.manage_pools"),
            "may_quota": can(self.membership, "resources.set_quota"),
            "may_request": can(self.membership, "resources.request"),
        })


class QuotaEditView(OrgPageMixin, View):
    """Set one pod's quota on a pool (creates it the first time)."""

    permission_required = "resources.set_quota"

    def _render(self, pool: Any, form: QuotaForm, status: int = 200) -> HttpResponse:
        return render(self.request, "resources/quota_form.html", {"pool": pool, "form": form}, status=status)

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pool = get_or_404(selectors.pool_get, organization=self.organization, pk=pk)
        initial: dict[str, Any] = {}
        pod = request.GET.get("pod", "")
        if pod.isdigit():
            quota = selectors.quota_list(organization=self.organization, pool=pool, pod_id=int(pod)).first()
            initial["pod"] = int(pod)
            if quota is not None:
                initial.update({f: getattr(quota, f) for f in
                                ("nominal", "borrowing_limit", "lending_limit", "reclaim", "within_pod")})
        return self._render(pool, QuotaForm(organization=self.organization, initial=initial))

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pool = get_or_404(selectors.pool_get, organization=self.organization, pk=pk)
        form = QuotaForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda d: services.quota_set(
            organization=self.organization, actor=request.user, pool=pool, **d),
            success="Quota saved.", redirect_to=_pool_url(self, pool))
        return done or self._render(pool, form, status=400)


class CapacityView(OrgPageMixin, View):
    """The capacity dashboard: snapshots only (a constant number of queries), with "as of"."""

    permission_required = "resources.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        overview = selectors.capacity_overview(organization=self.organization)
        series = selectors.capacity_series(organization=self.organization)
        today = overview["day"]
        for row in overview["pools"]:
            row.chart = charts.timeline(series.get(row.pool_id, []), today=today)
            row.utilisation_pct = round(100 * row.utilisation)
        return render(request, "resources/capacity.html", {
            "o": overview, "pods_week": selectors.pods_week(organization=self.organization, day=today)})
