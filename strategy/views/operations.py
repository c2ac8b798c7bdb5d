"""Pod operations: whether pods stay intact (churn, tenure, exposure) and how soon new pods ship
(time to value), per pod and for the organization. Derived from what the apps record."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from strategy import selectors
from strategy.views import PER_PAGE, StrategyPage
from tenancy.http import OrgRequest

QUARTERS = 8


class OperationsView(StrategyPage):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        org, quarter = self.organization, self.quarter()
        start_month = org.quarter_start_month
        rows = selectors.pod_operations(organization=org, quarter=quarter)
        page = Paginator(rows, PER_PAGE * 2).get_page(request.GET.get("page"))
        return render(request, "strategy/operations.html", {
            "quarter": quarter, "prev": quarter.previous(start_month), "next": quarter.next(start_month),
            "is_current": quarter == selectors.current_quarter(organization=org),
            "org_rows": selectors.org_stability(organization=org, quarters=QUARTERS),
            "cohorts": selectors.cohort_time_to_value([r.time_to_value for r in rows])[:QUARTERS],
            "page": page,
        })
