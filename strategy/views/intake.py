"""The pod intake inbox: ask a pod, and the lead answers, routes or declines; with the measures
that show whether the lead absorbs the interruptions."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from pods import selectors as pod_selectors
from pods.models import Pod
from strategy import selectors
from strategy.forms import IntakeAnswerForm, IntakeAskForm, IntakeDeclineForm, IntakeRouteForm
from strategy.models import IntakeRequest, IntakeStatus
from strategy.services import intake as intake_services
from strategy.views import PER_PAGE, StrategyPage
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.forms import form_submit

MONTHS = 6


class IntakePage(StrategyPage):
    def pod(self, pk: Any) -> Pod:
        return get_or_404(pod_selectors.pod_lookup, organization=self.organization, pk=pk)

    def request_obj(self, pk: Any) -> IntakeRequest:
        return get_or_404(selectors.intake_get, organization=self.organization, viewer=self.membership, pk=pk)

    def detail_url(self, req: IntakeRequest) -> str:
        return reverse("strategy:intake_detail", args=[self.organization.slug, req.pk])


class PodInboxView(IntakePage):
    """A pod's inbox: ask it something; its lead sees every request, others their own."""

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self.render_page(self.pod(pk))

    def render_page(self, pod: Pod, form: IntakeAskForm | None = None, status: int = 200) -> HttpResponse:
        state = self.request.GET.get("status", "")
        state = state if state in IntakeStatus.values else ""
        rows = selectors.intake_list(organization=self.organization, viewer=self.membership, pod=pod, status=state)
        return render(self.request, "strategy/intake_inbox.html", {
            "pod": pod, "page": Paginator(rows, PER_PAGE).get_page(self.request.GET.get("page")),
            "status": state, "statuses": IntakeStatus.choices, "form": form or IntakeAskForm(),
            "measures": selectors.intake_measures(organization=self.organization, pod_ids=[pod.pk], months=MONTHS),
        }, status=status)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.pod(pk)
        self.require("strategy.ask_pod")
        form = IntakeAskForm(request.POST)
        done = form_submit(request, form, lambda d: intake_services.intake_ask(
            organization=self.organization, actor=request.user, asked_by=self.membership, pod=pod, **d),
            success="Asked. The pod lead will answer or find the right person.", redirect_to=self.detail_url)
        return done or self.render_page(pod, form=form, status=400)


class IntakeDetailView(IntakePage):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self.render_page(self.request_obj(pk))

    def people(self, req: IntakeRequest) -> Any:
        ids = [a.person_id for a in pod_selectors.pod_members(organization=self.organization, pod=req.pod)]
        return pod_selectors.pod_people_choices(organization=self.organization).filter(pk__in=ids)

    def render_page(self, req: IntakeRequest, status: int = 200, **forms: Any) -> HttpResponse:
        handle = can(self.membership, "strategy.handle_intake", req) and req.status == IntakeStatus.OPEN
        answer = can(self.membership, "strategy.answer_intake", req) and req.status in (
            IntakeStatus.OPEN, IntakeStatus.ROUTED)
        return render(self.request, "strategy/intake_detail.html", {
            "req": req, "pod": req.pod,
            "answer_form": forms.get("answer") or (IntakeAnswerForm() if answer else None),
            "route_form": forms.get("route") or (IntakeRouteForm(people=self.people(req)) if handle else None),
            "decline_form": forms.get("decline") or (IntakeDeclineForm() if handle else None),
        }, status=status)


ACTIONS: dict[str, tuple[str, Any, str]] = {
    "answer": ("strategy.answer_intake", IntakeAnswerForm, "Answered."),
    "route": ("strategy.handle_intake", IntakeRouteForm, "Routed."),
    "decline": ("strategy.handle_intake", IntakeDeclineForm, "Declined."),
}


class IntakeActionView(IntakeDetailView):
    http_method_names = ["post"]

    def post(self, request: OrgRequest, pk: int, action: str = "", **kw: Any) -> HttpResponse:
        if action not in ACTIONS:
            raise Http404
        req = self.request_obj(pk)
        rule, form_class, success = ACTIONS[action]
        self.require(rule, req)
        form = form_class(request.POST, people=self.people(req)) if action == "route" else form_class(request.POST)
        service = getattr(intake_services, f"intake_{action}")
        done = form_submit(request, form, lambda d: service(
            organization=self.organization, actor=request.user, request=req, **d),
            success=success, redirect_to=self.detail_url)
        return done or self.render_page(self.request_obj(pk), status=400, **{action: form})
