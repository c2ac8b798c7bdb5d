"""CSV export of the published lessons list, with its filters."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.views import View

from knowledge import selectors
from knowledge.forms import LessonFilterForm
from tenancy.csv_export import csv_response
from tenancy.http import OrgRequest
from tenancy.views.base import OrgPageMixin

COLUMNS = ("id", "title", "guild", "kind", "tags", "pod", "author", "published_at", "helpful_count")


class LessonExportView(OrgPageMixin, View):
    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponseBase:
        form = LessonFilterForm(request.GET or None, organization=self.organization)
        filters = form.filters()
        lessons = selectors.lesson_list(organization=self.organization, **filters)
        rows = ((x.pk, x.title, x.guild.name, x.kind, "; ".join(x.tags), x.pod.name if x.pod else "",
                 x.author.email if x.author else "", x.published_at, x.helpful_count)
                for x in lessons.iterator(500))
        return csv_response("lessons", COLUMNS, rows)
