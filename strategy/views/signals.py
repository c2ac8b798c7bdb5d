"""Signals: pods raise them, leaders triage them, grouped across pods."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pods.permissions import led_pods, member_pods
from strategy import selectors
from strategy.forms import SignalForm, SignalTriageForm
from strategy.models import SIGNAL_MOVES, Signal, SignalKind, SignalStatus
from strategy.services import signals as signal_services
from strategy.views import PER_PAGE, StrategyPage
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.forms import form_submit

STATUS_FILTERS = [("open", "Open (new or acknowledged)"), *SignalStatus.choices, ("all", "All")]


class SignalPage(StrategyPage):
    def signal(self, pk: Any) -> Signal:
        return get_or_404(selectors.signal_get, organization=self.organization, pk=pk)

    def signal_url(self, signal: Signal) -> str:
        return reverse("strategy:signal_detail", args=[self.organization.slug, signal.pk])

    def raise_pod_ids(self) -> set[int] | None:
        """Pods the viewer may raise signals for (None: every pod)."""
        return None if self.membership.is_admin else member_pods(self.membership) | led_pods(self.membership)


class SignalListView(SignalPage):
    """One row per group, untriaged and most overdue first."""

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        status = request.GET.get("status", "open")
        status = status if status in dict(STATUS_FILTERS) else "open"
        kind = request.GET.get("kind", "")
        kind = kind if kind in SignalKind.values else ""
        groups = selectors.signal_groups(organization=self.organization, status="" if status == "all" else status,
                                         kind=kind)
        page = Paginator(groups, PER_PAGE).get_page(request.GET.get("page"))
        return render(request, "strategy/signals.html", {
            "page": page, "status": status, "kind": kind, "status_filters": STATUS_FILTERS,
            "kinds": SignalKind.choices, "now": timezone.now(),
            "can_raise": can(self.membership, "strategy.raise_signal", None),
        })


class SignalCreateView(SignalPage):
    def form(self, data: Any = None) -> SignalForm:
        pod_ids = self.raise_pod_ids()
        initial = {"theme": self.request.GET.get("theme") or None,
                   "pod": next(iter(pod_ids)) if pod_ids and len(pod_ids) == 1 else None}  # their one pod
        return SignalForm(data, organization=self.organization, pod_ids=pod_ids, initial=initial)

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("strategy.raise_signal", None)
        return render(request, "strategy/signal_form.html", {"form": self.form()})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("strategy.raise_signal", None)
        form = self.form(request.POST)
        done = form_submit(request, form, lambda d: signal_services.signal_raise(
            organization=self.organization, actor=request.user, raised_by=self.membership, **d),
            success=lambda s: "Signal raised." + (" Other pods raised the same: it joined their group."
                                                  if s.group_id else ""),
            redirect_to=self.signal_url)
        return done or render(request, "strategy/signal_form.html", {"form": form}, status=400)


class SignalDetailView(SignalPage):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self.render_page(self.signal(pk))

    def triage_form(self, signal: Signal, data: Any = None) -> SignalTriageForm:
        quarter = selectors.current_quarter(organization=self.organization)
        return SignalTriageForm(data, current=signal.status,
                                quarters=[quarter, quarter.next(self.organization.quarter_start_month)])

    def render_page(self, signal: Signal, form: SignalTriageForm | None = None, status: int = 200) -> HttpResponse:
        members = list(selectors.signal_group_members(organization=self.organization, signal=signal))
        can_triage = can(self.membership, "strategy.triage_signal") and bool(SIGNAL_MOVES[signal.status])
        return render(self.request, "strategy/signal_detail.html", {
            "signal": signal, "members": members, "pod_count": len({m.pod_id for m in members}),
            "now": timezone.now(), "can_triage": can_triage,
            "form": form or (self.triage_form(signal) if can_triage else None),
        }, status=status)


class SignalTriageView(SignalDetailView):
    http_method_names = ["post"]

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        signal = self.signal(pk)
        self.require("strategy.triage_signal")
        form = self.triage_form(signal, request.POST)
        done = form_submit(request, form, lambda d: signal_services.signal_triage(
            organization=self.organization, actor=request.user, signal=signal, triaged_by=self.membership, **d),
            success=lambda s: f"Signal {s.get_status_display().lower()}.", redirect_to=self.signal_url)
        return done or self.render_page(self.signal(pk), form=form, status=400)
