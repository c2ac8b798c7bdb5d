"""Budgets per pod, quarter and category: budget, committed (open holds), spent (posted), left;
admins set them. Figures are sums over the append-only ledger, never typed."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from resources import budget_selectors, services
from resources.forms import BudgetForm
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin

PER_PAGE = 50


class BudgetListView(OrgPageMixin, View):
    permission_required = "resources.view_budgets"

    def _render(self, form: BudgetForm | None, status: int = 200) -> HttpResponse:
        request = self.request
        quarter = request.GET.get("quarter", "").strip().upper()[:7]
        qs = budget_selectors.budget_list(organization=self.organization, viewer=self.membership, quarter=quarter)
        page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = budget_selectors.budget_balances_attach(page.object_list)
        may_manage = can(self.membership, "resources.manage_budgets")
        if may_manage and form is None:
            form = BudgetForm(organization=self.organization,
                              initial={"quarter": services.quarter_of(timezone.localdate()), "category": "compute"})
        return render(request, "resources/budgets.html", {
            "page": page, "quarter": quarter, "form": form if may_manage else None}, status=status)

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(None)

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        from tenancy.views.forms import form_submit

        self.require("resources.manage_budgets")
        form = BudgetForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda d: services.budget_set(
            organization=self.organization, actor=request.user, **d),
            success="Budget saved.", redirect_to=reverse("resources:budgets", kwargs={"org_slug": self.organization.slug}))
        return done or self._render(form, status=400)


class BudgetDetailView(OrgPageMixin, View):
    """One budget and its ledger entries (holds, postings, voids)."""

    permission_required = "resources.view_budgets"

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        budget = get_or_404(budget_selectors.budget_get, organization=self.organization, viewer=self.membership, pk=pk)
        budget_selectors.budget_balances_attach([budget])
        entries = budget_selectors.ledger_list(organization=self.organization, viewer=self.membership, budget_id=budget.pk)
        page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
        return render(request, "resources/budget_detail.html", {"budget": budget, "page": page})
