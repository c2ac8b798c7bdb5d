"""CSV exports of the overview's lists that filter: the attention queue and the pods' scorecard
levels, with the page's filters applied, streamed, no row limit (what the page shows, as CSV)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.views import View

from dashboards import selectors
from dashboards.forms import FilterForm
from tenancy.csv_export import csv_response
from tenancy.http import OrgRequest
from tenancy.views.base import OrgPageMixin

ATTENTION_COLUMNS = ("source", "title", "detail", "url", "due_at", "overdue_hours", "pod_id", "as_of")
SCORECARD_COLUMNS = ("pod_id", "pod", "level", "checks_passed", "checks_total", "evaluated_on")
ATTENTION_EXPORT_LIMIT = 10_000  # every source stores at most ATTENTION_LIMIT items: this is all of them


class _Export(OrgPageMixin, View):
    permission_required = "dashboards.view_overview"

    def form(self) -> FilterForm | HttpResponse:
        form = FilterForm(self.request.GET or None, organization=self.organization)
        if form.errors:
            return HttpResponse("; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
                                status=400, content_type="text/plain; charset=utf-8")
        return form


class AttentionExportView(_Export):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponseBase:
        form = self.form()
        if isinstance(form, HttpResponse):
            return form
        queue = selectors.attention_queue(organization=self.organization, membership=self.membership,
                                          filters=form.filters(), limit=ATTENTION_EXPORT_LIMIT)
        rows = ((r.source_label, r.item.title, r.item.detail, request.build_absolute_uri(r.item.url),
                 r.item.due_at, round(r.overdue.total_seconds() / 3600, 1), r.item.pod_id, queue.as_of)
                for r in queue)
        return csv_response("attention", ATTENTION_COLUMNS, rows)


class ScorecardExportView(_Export):
    permission_required = "dashboards.view_scorecards"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponseBase:
        form = self.form()
        if isinstance(form, HttpResponse):
            return form
        names = {lv.rank: lv.name for lv in selectors.scorecard_levels(organization=self.organization)}
        day = selectors.scorecard_day(organization=self.organization)
        pods = selectors.pod_level_list(organization=self.organization, filters=form.filters())
        rows = ((p.pod_id, p.name, names.get(p.rank, "") if p.rank else "", p.passed, p.total, day)  # type: ignore[attr-defined]
                for p in pods.iterator(500))
        return csv_response("scorecards", SCORECARD_COLUMNS, rows)
