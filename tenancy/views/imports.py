"""The one CSV import page: upload, the import's own service, every bad row listed, redirect.

Each import (people here; pods and assignments in pods) subclasses `CsvImportPage` with its
template, its service call and where to go after; the POST goes through `form_submit` like every
page form, and `ImportRejected` (a ValidationError) keeps the row-by-row report for the page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from tenancy.forms import CsvImportForm
from tenancy.http import OrgRequest
from tenancy.imports import ImportRejected, RowError
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit


class CsvImportPage(OrgPageMixin, View):
    permission_required = "tenancy.manage_people"
    template = ""

    def run(self, data: bytes) -> str:
        """Import `data` through the import's service; the success message."""
        raise NotImplementedError

    def done_url(self) -> str:
        raise NotImplementedError

    def extra_context(self) -> dict[str, Any]:
        return {}

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(CsvImportForm(), [], 200)

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = CsvImportForm(request.POST, request.FILES)
        rejected: list[RowError] = []

        def write(data: dict[str, Any]) -> str:
            try:
                return self.run(data["file"].read())
            except ImportRejected as exc:
                rejected.extend(exc.errors)
                raise

        done = form_submit(request, form, write, success=lambda message: message,
                           redirect_to=self.done_url())
        return done or self._render(form, rejected, 400)

    def _render(self, form: CsvImportForm, errors: list[RowError], status: int) -> HttpResponse:
        return render(self.request, self.template,
                      {"form": form, "errors": errors, **self.extra_context()}, status=status)
