"""CSV exports of the pod list, the people directory and assignments, with the page's filters.

The columns of people match the people import (tenancy/imports.py), so an export can be edited
and imported into another organization. Every member may export what the list shows them.
"""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views import View

from pods import selectors
from pods.forms import PeopleFilterForm, PodFilterForm
from pods.imports import ASSIGNMENT_COLUMNS, POD_COLUMNS, assignments_import_csv, pods_import_csv
from tenancy.csv_export import csv_response
from tenancy.http import OrgRequest
from tenancy.views.base import OrgPageMixin
from tenancy.views.imports import CsvImportPage

CHUNK = 500


class PodsExportView(OrgPageMixin, View):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponseBase:
        form = PodFilterForm(request.GET or None)
        filters = form.filters()
        pods = selectors.pod_list(organization=self.organization, today=timezone.localdate(), **filters)
        rows = ((p.name, p.status, p.mission, p.sponsor.user.email if p.sponsor else "")
                for p in pods.select_related("sponsor__user").order_by("name", "id").iterator(CHUNK))
        return csv_response("pods", ("name", "status", "mission", "sponsor_email"), rows)


class PeopleExportView(OrgPageMixin, View):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponseBase:
        form = PeopleFilterForm(request.GET or None, organization=self.organization)
        filters = form.filters()
        people = selectors.people_with_allocation(organization=self.organization, **filters)
        rows = ((p.full_name, p.email, p.title, p.kind, p.weekly_capacity_hours,
                 "; ".join(f"{s.skill.name}:{s.level}" for s in p.skills.all()), p.total_allocation)
                for p in people.iterator(CHUNK))
        return csv_response("people", ("full_name", "email", "title", "kind", "weekly_capacity_hours",
                                       "skills", "running_allocation_percent"), rows)


class AssignmentsExportView(OrgPageMixin, View):
    """Every assignment (running and ended), or those of one pod with `?pod=<id>`."""

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponseBase:
        qs = selectors.assignment_list_for_export(organization=self.organization)
        pod = request.GET.get("pod", "")
        if pod.isdigit():
            qs = qs.filter(pod_id=int(pod))
        rows = ((a.pod.name, a.person.email, a.person.full_name, a.role.key, a.allocation_percent,
                 a.start_date, a.end_date or "")
                for a in qs.order_by("pod__name", "start_date", "id").iterator(CHUNK))
        return csv_response("assignments", ("pod", "person_email", "person_name", "role",
                                             "allocation_percent", "start_date", "end_date"), rows)


class CsvImportView(CsvImportPage):
    """Import pods or assignments: all-or-nothing, with the bad rows listed (admins)."""

    template = "pods/csv_import.html"
    what = "pods"

    def run(self, data: bytes) -> str:
        run = pods_import_csv if self.what == "pods" else assignments_import_csv
        count = run(organization=self.organization, actor=self.request.user, data=data)
        return f"Imported {count} {self.what}."

    def done_url(self) -> str:
        name = "pods:org_home" if self.what == "pods" else "pods:people"
        return reverse(name, kwargs={"org_slug": self.organization.slug})

    def extra_context(self) -> dict[str, Any]:
        columns = POD_COLUMNS if self.what == "pods" else ASSIGNMENT_COLUMNS
        return {"what": self.what, "columns": ",".join(columns)}
