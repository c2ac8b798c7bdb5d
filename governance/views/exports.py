"""CSV export of the escalations list, with its filters and the viewer's visibility."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.views import View

from governance import selectors
from governance.models import EscalationStatus
from tenancy.csv_export import csv_response
from tenancy.http import OrgRequest
from tenancy.views.base import OrgPageMixin

COLUMNS = ("id", "title", "pod", "decision_type", "risk_tier", "status", "outcome", "filed_by",
           "filed_at", "due_at", "decided_at")


class EscalationExportView(OrgPageMixin, View):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponseBase:
        status = request.GET.get("status", "")
        if status not in {"", "active", *EscalationStatus.values}:
            status = ""
        q = request.GET.get("q", "").strip()[:100]
        # The same rows the viewer finds in the list (leaders all; others led pods and routed ones).
        qs = selectors.escalation_list(organization=self.organization, viewer=self.membership,
                                       status=status, q=q)
        rows = ((e.pk, e.title, e.pod.name, e.decision_type.name, e.risk_tier.name, e.status, e.outcome,
                 e.filed_by.email if e.filed_by else "", e.filed_at, e.due_at, e.decided_at)
                for e in qs.iterator(500))
        return csv_response("escalations", COLUMNS, rows)
