"""Bench pages: the board of who is free, staffing requests, the suggestions and acting on them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from bench import selectors
from bench.forms import BenchEntryForm, DismissForm, ProposeForm, StaffingRequestForm, TimeOffForm
from bench.models import RequestStatus, SuggestionKind, SuggestionStatus
from bench.services import decisions as decision_services
from bench.services import entries as entry_services
from bench.services import requests as request_services
from bench.services.recompute import suggestions_recompute
from pods.permissions import led_pods
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.selectors import skill_choices
from tenancy.views.base import OrgPageMixin, render_htmx
from tenancy.views.forms import form_submit

PER_PAGE = 25


def _int(value: Any, lo: int, hi: int) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if lo <= n <= hi else None


class BenchHomeView(OrgPageMixin, View):
    """Who is free now and in each of the next 12 weeks; filters by skill, level and free hours."""

    permission_required = "bench.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        skill_id, level = _int(request.GET.get("skill"), 1, 2**31), _int(request.GET.get("level"), 1, 5)
        min_free = _int(request.GET.get("free"), 0, 80)
        board = selectors.bench_board(organization=self.organization, skill_id=skill_id, level=level,
                                      min_free=min_free, page=request.GET.get("page"), per_page=PER_PAGE)
        return render_htmx(request, "bench/bench.html", {
            "page": board["page"], "rows": board["rows"], "weeks": board["weeks"], "skills": skill_choices(organization=self.organization),
            "skill_id": skill_id, "level": level, "min_free": min_free, "levels": range(1, 6),
            "run": selectors.last_run(organization=self.organization),
            "may_manage": can(self.membership, "bench.manage_entries"),
            "may_file": can(self.membership, "bench.file_request"),
        }, partial="bench/_board.html")


class EntryFormView(OrgPageMixin, View):
    permission_required = "bench.manage_entries"

    def _entry(self, pk: Any) -> Any:
        return get_or_404(selectors.bench_entry_get, organization=self.organization, pk=pk) if pk else None

    def get(self, request: OrgRequest, pk: int | None = None, **kw: Any) -> HttpResponse:
        entry = self._entry(pk)
        initial = {f: getattr(entry, f) for f in entry_services.ENTRY_FIELDS} if entry else {}
        form = BenchEntryForm(organization=self.organization, editing=entry is not None, initial=initial)
        return self._render(entry, form, TimeOffForm())

    def _render(self, entry: Any, form: Any, off_form: Any, status: int = 200) -> HttpResponse:
        return render(self.request, "bench/entry_form.html", {"entry": entry, "form": form, "off_form": off_form},
                      status=status)

    def post(self, request: OrgRequest, pk: int | None = None, **kw: Any) -> HttpResponse:
        entry, org = self._entry(pk), self.organization
        home = reverse("bench:home", args=[org.slug])
        if entry is not None and request.POST.get("action") == "time_off":
            off_form = TimeOffForm(request.POST)
            done = form_submit(request, off_form, lambda d: entry_services.time_off_add(
                organization=org, actor=request.user, entry=entry, **d),
                success="Time off recorded.", redirect_to=reverse("bench:entry_edit", args=[org.slug, entry.pk]))
            return done or self._render(entry, BenchEntryForm(organization=org, editing=True), off_form, 400)
        form = BenchEntryForm(request.POST, organization=org, editing=entry is not None)
        if entry is None:
            done = form_submit(request, form, lambda d: entry_services.bench_entry_create(
                organization=org, actor=request.user, **d), success="Added to the bench.", redirect_to=home)
        else:
            done = form_submit(request, form, lambda d: entry_services.bench_entry_update(
                organization=org, actor=request.user, entry=entry, **d), success="Bench entry saved.",
                redirect_to=home)
        return done or self._render(entry, form, TimeOffForm(), 400)


class RequestListView(OrgPageMixin, View):
    permission_required = "bench.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        status = request.GET.get("status", "active")
        mine = request.GET.get("mine") == "1"
        qs = selectors.request_list(organization=self.organization, status=status)
        if mine:
            qs = qs.filter(pod_id__in=led_pods(self.membership))
        page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        return render_htmx(request, "bench/request_list.html", {
            "page": page, "status": status, "statuses": RequestStatus.choices, "mine": mine,
            "may_file": can(self.membership, "bench.file_request"),
        }, partial="bench/_request_table.html")


class RequestCreateView(OrgPageMixin, View):
    """A pod lead files for the pods they lead (an admin for any pod)."""

    def _form(self, data: Any = None) -> StaffingRequestForm:
        pod_ids = None if can(self.membership, "bench.manage_entries") else led_pods(self.membership)
        initial = {"pod": self.request.GET.get("pod")} if self.request.GET.get("pod", "").isdigit() else {}
        return StaffingRequestForm(data, organization=self.organization, pod_ids=pod_ids, initial=initial)

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("bench.file_request")
        return render(request, "bench/request_form.html", {"form": self._form()})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("bench.file_request")
        form = self._form(request.POST)
        org = self.organization

        def write(d: dict[str, Any]) -> Any:
            self.require("bench.file_request", d["pod"])
            return request_services.staffing_request_file(organization=org, actor=request.user, **d)

        done = form_submit(request, form, write, success="Staffing request filed; the worker is matching it.",
                           redirect_to=lambda r: reverse("bench:request_detail", args=[org.slug, r.pk]))
        return done or render(request, "bench/request_form.html", {"form": form}, status=400)


class RequestDetailView(OrgPageMixin, View):
    permission_required = "bench.view"

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self.render_detail(get_or_404(selectors.request_get, organization=self.organization, pk=pk))

    def render_detail(self, r: Any, status: int = 200, propose_form: Any = None) -> HttpResponse:
        may_act = can(self.membership, "bench.act_request", r)
        return render(self.request, "bench/request_detail.html", {
            "r": r, "suggestions": list(selectors.suggestion_list(organization=self.organization, request=r)),
            "past": list(selectors.suggestion_list(organization=self.organization, request=r, status="")
                         .exclude(status=SuggestionStatus.OPEN)[:20]),
            "may_act": may_act, "is_open": r.status in (RequestStatus.OPEN, RequestStatus.PROPOSED),
            "propose_form": propose_form or ProposeForm(organization=self.organization),
            "dismiss_form": DismissForm(), "run": selectors.last_run(organization=self.organization),
        }, status=status)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        r = get_or_404(selectors.request_get, organization=self.organization, pk=pk)
        self.require("bench.act_request", r)
        org, action = self.organization, request.POST.get("action", "")
        back = reverse("bench:request_detail", args=[org.slug, r.pk])
        if action == "propose":
            form = ProposeForm(request.POST, organization=org)
            done = form_submit(request, form, lambda d: request_services.staffing_request_propose(
                organization=org, actor=request.user, request=r, **d), success="Proposed.", redirect_to=back)
            return done or self.render_detail(r, 400, propose_form=form)
        services = {"submit": request_services.staffing_request_submit,
                    "withdraw": request_services.staffing_request_withdraw}
        if action not in services:
            messages.error(request, "Unknown action.")
            return self.render_detail(r, 400)
        try:
            services[action](organization=org, actor=request.user, request=r)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return self.render_detail(r, 400)
        messages.success(request, "Request submitted." if action == "submit" else "Request withdrawn.")
        return redirect(back)


class SuggestionListView(OrgPageMixin, View):
    permission_required = "bench.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        kind = request.GET.get("kind", "")
        kind = kind if kind in SuggestionKind.values else ""
        skill_id = _int(request.GET.get("skill"), 1, 2**31)
        qs = selectors.suggestion_list(organization=self.organization, kind=kind, skill_id=skill_id)
        page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        return render_htmx(request, "bench/suggestion_list.html", {
            "page": page, "kind": kind, "kinds": SuggestionKind.choices, "skill_id": skill_id,
            "skills": skill_choices(organization=self.organization),
            "run": selectors.last_run(organization=self.organization),
            "may_recompute": can(self.membership, "bench.recompute"),
        }, partial="bench/_suggestion_table.html")


class SuggestionDetailView(OrgPageMixin, View):
    """Why this person, which skills matched, what it displaced, what it was computed from; accept or
    dismiss (with a reason)."""

    permission_required = "bench.view"

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self.render_detail(get_or_404(selectors.suggestion_get, organization=self.organization, pk=pk))

    def render_detail(self, s: Any, status: int = 200, dismiss_form: Any = None) -> HttpResponse:
        return render(self.request, "bench/suggestion_detail.html", {
            "s": s, "may_decide": can(self.membership, "bench.decide_suggestion", s) and s.status == "open",
            "dismiss_form": dismiss_form or DismissForm(),
        }, status=status)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        s = get_or_404(selectors.suggestion_get, organization=self.organization, pk=pk)
        self.require("bench.decide_suggestion", s)
        org, action = self.organization, request.POST.get("action", "")
        back = (reverse("bench:request_detail", args=[org.slug, s.request_id]) if s.request_id
                else reverse("bench:suggestions", args=[org.slug]))
        if action == "dismiss":
            form = DismissForm(request.POST)
            done = form_submit(request, form, lambda d: decision_services.suggestion_dismiss(
                organization=org, actor=request.user, suggestion=s, **d), success="Dismissed.", redirect_to=back)
            return done or self.render_detail(s, 400, dismiss_form=form)
        if action != "accept":
            messages.error(request, "Unknown action.")
            return self.render_detail(s, 400)
        try:
            decision_services.suggestion_accept(organization=org, actor=request.user, suggestion=s)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return self.render_detail(get_or_404(selectors.suggestion_get, organization=org, pk=pk), 400)
        messages.success(request, "Accepted: " + s.summary)
        return redirect(back)


class RecomputeView(OrgPageMixin, View):
    permission_required = "bench.recompute"

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        run = suggestions_recompute(organization=self.organization)
        messages.success(request, f"Recomputed in {run.seconds:g} s: {run.created} new, {run.withdrawn} withdrawn.")
        return redirect("bench:suggestions", org_slug=self.organization.slug)


class MeasuresView(OrgPageMixin, View):
    permission_required = "bench.view_measures"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return render(request, "bench/measures.html", {"m": selectors.bench_measures(organization=self.organization)})
