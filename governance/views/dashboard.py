"""Approval cycle time for leaders (from the snapshot), guardrail exceptions and deployments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from governance import selectors
from governance.forms import PolicyForm, ResolveForm
from governance.models import MonitoringException, RiskTier
from governance.services import escalations as esc_services
from governance.services import guardrails as services
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_error_text, form_submit

CHART_W, CHART_H, PAD, TOP = 640, 200, 44, 12


def month_chart(months: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Bars of the monthly median with a p90 tick, laid out server-side as SVG coordinates.
    The y axis has two ticks (0 and the top of the scale), each labelled beside its tick."""
    months = [m for m in months if m.get("n")]
    if not months:
        return None
    top = max(m["p90_h"] for m in months) or 1
    plot_h = CHART_H - PAD - TOP
    axis_y = CHART_H - PAD
    slot = (CHART_W - PAD) / len(months)
    bars = []
    for i, m in enumerate(months):
        h = plot_h * m["median_h"] / top
        p = plot_h * m["p90_h"] / top
        x = PAD + i * slot
        bars.append({"x": round(x + slot * 0.15, 1), "w": round(slot * 0.7, 1),
                     "y": round(axis_y - h, 1), "h": round(h, 1),
                     "p90_y": round(axis_y - p, 1), "label": m["label"], "median": m["median_h"],
                     "p90": m["p90_h"], "n": m["n"], "tx": round(x + slot / 2, 1),
                     "show_label": i % max(1, -(-len(months) // 8)) == 0})
    return {"bars": bars, "w": CHART_W, "h": CHART_H, "axis_y": axis_y, "top": round(top, 1),
            "top_y": TOP, "pad": PAD, "tick_x": PAD - 4, "label_x": PAD - 6, "label_y": CHART_H - 10}


class DashboardView(OrgPageMixin, View):
    permission_required = "governance.view_dashboard"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        snap = selectors.cycle_time_snapshot(organization=self.organization)
        data = snap.data if snap else {}
        return render(request, "governance/dashboard.html", {
            "snap": snap, "data": data, "chart": month_chart(data.get("by_month", [])),
            "can_recompute": can(self.membership, "governance.edit_matrix"),
        })

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("governance.edit_matrix")
        esc_services.cycle_time_recompute(organization=self.organization)
        messages.success(request, "Cycle times recomputed.")
        return redirect("governance:dashboard", org_slug=self.organization.slug)


class GuardrailsView(OrgPageMixin, View):
    """Policies per risk tier, recent deployment reviews and their gates."""

    permission_required = "governance.view_matrix"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self.render_page()

    def render_page(self, form: PolicyForm | None = None, status: int = 200) -> HttpResponse:
        deployments = Paginator(selectors.deployment_list(organization=self.organization), 25).get_page(
            self.request.GET.get("page"))
        return render(self.request, "governance/guardrails.html", {
            "tiers": list(selectors.risk_tiers(organization=self.organization)),
            "policies": list(selectors.policy_list(organization=self.organization)),
            "page": deployments, "form": form or PolicyForm(),
            "can_edit": can(self.membership, "governance.edit_policies"),
            "can_see_deployments": can(self.membership, "governance.view_all"),
        }, status=status)

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("governance.edit_policies")
        form = PolicyForm(request.POST)
        try:
            tier = selectors.risk_tier_get(organization=self.organization,
                                           pk=int(request.POST.get("risk_tier") or ""))
        except (ValueError, RiskTier.DoesNotExist):
            tier = None
        if tier is None:
            form.add_error(None, "Choose a risk tier.")

        def save(d: dict[str, Any]) -> Any:
            assert tier is not None  # a missing tier is a form error, so this runs only with one
            return services.policy_set(organization=self.organization, actor=request.user,
                                       risk_tier=tier, **d)

        done = form_submit(
            request, form, save, success="Policy saved.",
            redirect_to=reverse("governance:guardrails", args=[self.organization.slug]))
        return done or self.render_page(form, status=400)


class ExceptionListView(OrgPageMixin, View):
    permission_required = "governance.view_exceptions"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        page = Paginator(selectors.exception_list(organization=self.organization), 25).get_page(
            request.GET.get("page"))
        return render(request, "governance/exceptions.html", {"page": page})


class ExceptionResolveView(OrgPageMixin, View):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        try:
            exc = selectors.exception_list(organization=self.organization, open_only=False).get(pk=pk)
        except MonitoringException.DoesNotExist as e:
            raise Http404 from e
        self.require("governance.resolve_exception", exc)
        form = ResolveForm(request.POST)
        back = reverse("governance:exceptions", args=[self.organization.slug])
        done = form_submit(
            request, form,
            lambda d: services.exception_resolve(organization=self.organization, actor=request.user,
                                                 exception=exc, note=d["note"]),
            success="Exception resolved.", redirect_to=back)
        if done:
            return done
        messages.error(request, form_error_text(form, "Say how the exception was resolved."))
        return redirect(back)
