"""The Team API pages: a pod's Team API (type, how to reach it, services, working hours, its
interactions with other pods, added and ended inline with htmx) and the organization's
interaction map at a chosen date."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from pods import services, team_selectors, team_services
from pods.models import PodInteraction, TeamType
from pods.team_forms import InteractionEndForm, InteractionForm, TeamApiForm
from pods.views.pods import PodObjectMixin
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin, render_htmx
from tenancy.views.forms import form_submit


class TeamApiView(PodObjectMixin, View):
    """GET: the pod's Team API; POST: save its fields (type, contact, services, working hours)."""

    def context(self, **extra: Any) -> dict[str, Any]:
        pod = self.pod
        may_edit = can(self.membership, "pods.change_team_api", pod)
        today = timezone.localdate()
        rows = list(team_selectors.interaction_list(organization=self.organization, pod_id=pod.pk))
        ctx: dict[str, Any] = {
            "pod": pod, "may_edit": may_edit, "today": today,
            "current": [i for i in rows if i.end_date is None or i.end_date >= today],
            "past": [i for i in rows if i.end_date is not None and i.end_date < today],
        }
        if may_edit:
            ctx.setdefault("team_form", TeamApiForm(initial={
                "team_type": pod.team_type, "contact": pod.contact,
                "services_offered": pod.services_offered, "working_hours": pod.working_hours}))
            ctx.setdefault("interaction_form", InteractionForm(organization=self.organization, pod=pod))
        ctx.update(extra)
        return ctx

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        self.load_pod(pk)
        return render(request, "pods/team_api.html", self.context())

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        self.require("pods.change_team_api", pod)
        form = TeamApiForm(request.POST)
        done = form_submit(
            request, form,
            lambda data: services.pod_update(organization=self.organization, actor=request.user, pod=pod, **data),
            success="Team API saved.",
            redirect_to=reverse("pods:team_api", kwargs={"org_slug": self.organization.slug, "pk": pod.pk}),
        )
        return done or render(request, "pods/team_api.html", self.context(team_form=form), status=400)


class InteractionCreateView(TeamApiView):
    """POST: record an interaction with another pod; htmx swaps the interactions panel."""

    http_method_names = ["post"]

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        self.require("pods.change_team_api", pod)
        form = InteractionForm(request.POST, organization=self.organization, pod=pod)
        done = form_submit(
            request, form,
            lambda d: team_services.interaction_create(organization=self.organization, actor=request.user,
                                                       pod=pod, **d),
            success=None, respond=lambda _: self.answer("Interaction recorded."))
        return done or render_htmx(request, "pods/team_api.html", self.context(interaction_form=form),
                           partial="pods/_interactions.html", status=400)

    def answer(self, flash: str) -> HttpResponse:
        if self.request.htmx and not self.request.htmx.boosted:
            return render(self.request, "pods/_interactions.html", self.context(flash=flash))
        messages.success(self.request, flash)
        return HttpResponseRedirect(reverse("pods:team_api", kwargs={
            "org_slug": self.organization.slug, "pk": self.pod.pk}))


class InteractionEditView(InteractionCreateView):
    """POST `action=end` with an end date, or `action=delete` (for one entered by mistake)."""

    def post(self, request: OrgRequest, pk: int, interaction_pk: int = 0, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        try:
            interaction = team_selectors.interaction_get(organization=self.organization, pk=interaction_pk)
        except PodInteraction.DoesNotExist as exc:
            raise Http404("No such interaction.") from exc
        if pod.pk not in (interaction.pod_id, interaction.partner_id):
            raise Http404("No such interaction.")
        self.require("pods.change_team_api", pod)
        action = request.POST.get("action", "")
        if action == "delete":
            team_services.interaction_delete(organization=self.organization, actor=request.user,
                                             interaction=interaction)
            return self.answer("Interaction removed.")
        if action != "end":
            return render_htmx(request, "pods/team_api.html", self.context(flash_error="Unknown action."),
                               partial="pods/_interactions.html", status=400)
        form = InteractionEndForm(request.POST)
        done = form_submit(
            request, form,
            lambda d: team_services.interaction_update(organization=self.organization, actor=request.user,
                                                       interaction=interaction, end_date=d["end_date"]),
            success=None, respond=lambda _: self.answer("Interaction ended."))
        if done:
            return done
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return render_htmx(request, "pods/team_api.html", self.context(flash_error=f"Not ended: {errors}"),
                           partial="pods/_interactions.html", status=400)


class TeamMapView(OrgPageMixin, View):
    """The interaction map: who works with whom and how, today or at a chosen date."""

    permission_required = "pods.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        today = timezone.localdate()
        errors: list[str] = []
        on = today
        raw_on = request.GET.get("on", "").strip()
        if raw_on:
            try:
                on = datetime.date.fromisoformat(raw_on)
            except ValueError:
                errors.append("The date must look like 2026-03-31.")
        team_type = request.GET.get("type", "")
        if team_type and team_type not in TeamType.values:
            errors.append("Unknown team type.")
            team_type = ""
        only_connected = request.GET.get("connected") == "1"
        team_map = team_selectors.team_map(organization=self.organization, on=on, team_type=team_type,
                                           only_connected=only_connected)
        return render(request, "pods/team_map.html", {
            "map": team_map, "today": today, "on": on, "is_today": on == today, "team_type": team_type,
            "only_connected": only_connected, "types": TeamType.choices, "errors": errors,
        }, status=400 if errors else 200)
