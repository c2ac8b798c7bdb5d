"""The incident database: incidents, their blameless post-mortems and action items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from knowledge import selectors, services
from knowledge.forms import ActionItemForm, IncidentForm, PostMortemForm, ToLessonForm
from knowledge.models import INCIDENT_TAXONOMY, Incident, IncidentStatus, Severity
from knowledge.views.common import get_or_404, kurl
from knowledge.views.guilds import _my_guilds
from tenancy.cache import KNOWLEDGE, PEOPLE, PODS, cached_fragment
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin, render_htmx
from tenancy.views.forms import form_error_text, form_submit

INCIDENTS_PER_PAGE = 25


class IncidentListView(OrgPageMixin, View):
    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        g = request.GET
        filters: dict[str, Any] = {"q": g.get("q", "")[:100], "severity": g.get("severity", ""),
                   "status": g.get("status", ""), "tag": g.get("tag", "")[:40]}
        filters = {k: v for k, v in filters.items() if v}
        page_no, today = g.get("page", "1"), timezone.localdate()

        def render_list() -> str:
            incidents = selectors.incident_list(organization=self.organization, **filters)
            page = Paginator(incidents, INCIDENTS_PER_PAGE).get_page(page_no)
            return render_to_string("knowledge/_incident_list.html", {
                "page": page, "filtered": bool(filters), "organization": self.organization,
                "request": request})

        # The same for every member: one fragment per org data version, filters, page and day.
        html = cached_fragment(self.organization, "incident_list",
                               (sorted(filters.items()), page_no, today), render_list,
                               scopes=(KNOWLEDGE, PEOPLE, PODS))
        return render_htmx(request, "knowledge/incident_list.html", {
            "incident_list_html": mark_safe(html), "filters": filters,  # noqa: S308
            "severities": Severity.choices, "statuses": IncidentStatus.choices,
            "taxonomy": INCIDENT_TAXONOMY,
            "overdue": selectors.overdue_action_items(organization=self.organization,
                                                      today=today).count(),
        }, partial="knowledge/_incident_list_wrap.html")


class IncidentFormMixin(OrgPageMixin):
    incident: Incident | None = None

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        title = f"Edit {self.incident.title}" if self.incident else "Report an incident"
        cancel = (kurl(self.organization, "incident_detail", self.incident.pk) if self.incident
                  else kurl(self.organization, "incident_list"))
        return render(self.request, "knowledge/form.html", {
            "form": form, "title": title, "submit": "Save" if self.incident else "Report incident",
            "cancel": cancel, "intro": "Blameless: describe systems and decisions, not people."},
            status=status)


class IncidentCreateView(IncidentFormMixin, View):
    permission_required = "knowledge.report_incident"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        now = timezone.now().replace(second=0, microsecond=0)
        return self._render(IncidentForm(organization=self.organization,
                                         initial={"started_at": now, "detected_at": now}))

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = IncidentForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.incident_create(organization=self.organization, actor=request.user,
                                                  **data),
            success="Incident recorded.",
            redirect_to=lambda incident: kurl(self.organization, "incident_detail", incident.pk))
        return done or self._render(form, status=400)


class IncidentObjectMixin(IncidentFormMixin):
    def load_incident(self, pk: Any) -> Incident:
        self.incident = get_or_404(selectors.incident_get, organization=self.organization, pk=pk)
        return self.incident


class IncidentPageMixin(IncidentObjectMixin):
    """What the incident page shows; POST views re-render it with a form's errors."""

    def context(self, pk: Any, action_form: Any = None) -> dict[str, Any]:
        incident = self.load_incident(pk)
        org = self.organization
        pm = selectors.postmortem_for(organization=org, incident=incident)
        may_change = can(self.membership, "knowledge.change_incident", incident)
        return {
            "incident": incident, "pm": pm, "may_change": may_change,
            "today": timezone.localdate(),
            "action_form": action_form or (ActionItemForm(organization=org) if pm and may_change else None),
            "lesson_form": ToLessonForm(organization=org, guilds=_my_guilds(self))
            if pm and pm.is_published else None,
            "lessons": list(incident.lessons.filter(status="published").only("id", "title")),
        }


class IncidentDetailView(IncidentPageMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return render(request, "knowledge/incident_detail.html", self.context(pk))


class IncidentEditView(IncidentObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        incident = self.load_incident(pk)
        self.require("knowledge.change_incident", incident)
        initial = {f: getattr(incident, f) for f in (
            "title", "system", "severity", "status", "started_at", "detected_at", "resolved_at",
            "impact", "tags")}
        initial["pod"] = incident.pod_id
        return self._render(IncidentForm(organization=self.organization, initial=initial))

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        incident = self.load_incident(pk)
        self.require("knowledge.change_incident", incident)
        form = IncidentForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.incident_update(organization=self.organization, actor=request.user,
                                                  incident=incident, **data),
            success="Incident saved.", redirect_to=kurl(self.organization, "incident_detail", incident.pk))
        return done or self._render(form, status=400)


class PostMortemEditView(IncidentObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        incident = self.load_incident(pk)
        self.require("knowledge.change_incident", incident)
        pm = selectors.postmortem_for(organization=self.organization, incident=incident)
        initial: dict[str, Any] = {}
        if pm is not None:
            initial = {f: getattr(pm, f) for f in ("summary", "contributing_factors",
                                                   "root_cause", "went_well")}
            initial["timeline"] = "\n".join(f"{r['at']} | {r['entry']}" for r in pm.timeline)
            initial["publish"] = pm.is_published
        return self._pm_render(PostMortemForm(initial=initial))

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        incident = self.load_incident(pk)
        self.require("knowledge.change_incident", incident)
        form = PostMortemForm(request.POST)
        done = form_submit(
            request, form,
            lambda data: services.postmortem_save(
                organization=self.organization, actor=request.user, incident=incident,
                publish=data.pop("publish", False), **data),
            success="Post-mortem saved.", redirect_to=kurl(self.organization, "incident_detail", incident.pk))
        return done or self._pm_render(form, status=400)

    def _pm_render(self, form: Any, status: int = 200) -> HttpResponse:
        assert self.incident is not None
        return render(self.request, "knowledge/form.html", {
            "form": form, "title": f"Post-mortem: {self.incident.title}", "submit": "Save",
            "cancel": kurl(self.organization, "incident_detail", self.incident.pk),
            "intro": "Blameless by design: what happened, why the system allowed it, what changes."},
            status=status)


class ActionItemCreateView(IncidentPageMixin, View):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        incident = self.load_incident(pk)
        self.require("knowledge.change_incident", incident)
        pm = selectors.postmortem_for(organization=self.organization, incident=incident)
        if pm is None:
            raise Http404("Write the post-mortem first.")
        form = ActionItemForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.action_item_create(organization=self.organization,
                                                     actor=request.user, postmortem=pm, **data),
            success="Action item added.", redirect_to=kurl(self.organization, "incident_detail", incident.pk))
        if done:
            return done
        return render(request, "knowledge/incident_detail.html", self.context(pk, form), status=400)


class ActionItemStatusView(IncidentObjectMixin, View):
    def post(self, request: OrgRequest, pk: int, item_pk: int, **kw: Any) -> HttpResponse:
        incident = self.load_incident(pk)
        item = get_or_404(selectors.action_item_get, organization=self.organization,
                          incident=incident, pk=item_pk)
        if not (can(self.membership, "knowledge.change_incident", incident)
                or can(self.membership, "knowledge.update_action", item)):
            self.require("knowledge.update_action", item)
        try:
            services.action_item_set_status(organization=self.organization, actor=request.user,
                                            item=item, status=request.POST.get("status", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("knowledge:incident_detail", org_slug=self.organization.slug, pk=incident.pk)


class PostMortemToLessonView(IncidentObjectMixin, View):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        incident = self.load_incident(pk)
        pm = selectors.postmortem_for(organization=self.organization, incident=incident)
        if pm is None:
            raise Http404
        form = ToLessonForm(request.POST, organization=self.organization, guilds=_my_guilds(self))

        def to_lesson(data: dict[str, Any]) -> Any:
            self.require("knowledge.post_lesson", data["guild"])
            return services.postmortem_to_lesson(organization=self.organization, actor=request.user,
                                                 postmortem=pm, guild=data["guild"])

        done = form_submit(
            request, form, to_lesson,
            success="A draft lesson was written from the post-mortem: review it and publish.",
            redirect_to=lambda lesson: kurl(self.organization, "lesson_edit", lesson.pk))
        if done:
            return done
        # The form is a single select on the incident page: its problem is told as a message.
        messages.error(request, form_error_text(form, "Choose a guild you belong to."))
        return redirect("knowledge:incident_detail", org_slug=self.organization.slug, pk=incident.pk)
