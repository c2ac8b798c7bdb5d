"""Reads of budgets and their spend ledger: balances derived from the ledger in one query, the
refusal a hold would meet, and the decision-rights routing of a compute spend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from governance.models import DecisionTier, DecisionType, RiskTier
from governance.routing_selectors import routing_by_key
from resources.models import Allocation, Budget, BudgetCategory, LedgerEntry, LedgerKind
from resources.permissions import visible_pods
from tenancy.models import Membership, Organization


def budget_list(*, organization: Organization, viewer: Membership | None, quarter: str = "",
                pod_id: int | None = None) -> QuerySet[Budget]:
    """Budgets with held, posted and voided sums (derived from the ledger) in one query."""
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)

    def sum_of(kind: str) -> Any:
        return Coalesce(Sum("entries__amount", filter=Q(entries__kind=kind)), Value(Decimal(0)),
                        output_field=money)

    qs = (Budget.objects.for_org(organization).select_related("pod")
          .annotate(held=sum_of(LedgerKind.HOLD), spent=sum_of(LedgerKind.POST), voided=sum_of(LedgerKind.VOID),
                    earned=sum_of(LedgerKind.EARN)))
    visible = visible_pods(viewer)
    if visible is not None:
        qs = qs.filter(pod_id__in=visible)
    if quarter:
        qs = qs.filter(quarter=quarter)
    if pod_id:
        qs = qs.filter(pod_id=pod_id)
    return qs.order_by("-quarter", "pod__name", "category", "id")


def budget_balances_attach(budgets: Any) -> list[Budget]:
    out = list(budgets)
    for b in out:
        b.committed = b.held - b.spent - b.voided
        b.available = b.amount - (b.held - b.voided)
    return out


def budget_get(*, organization: Organization, viewer: Membership | None, pk: Any) -> Budget:
    return budget_list(organization=organization, viewer=viewer).get(pk=pk)


def ledger_list(*, organization: Organization, viewer: Membership | None,
                budget_id: int | None = None) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.for_org(organization).select_related("budget__pod", "actor")
    visible = visible_pods(viewer)
    if visible is not None:
        qs = qs.filter(budget__pod_id__in=visible)
    if budget_id:
        qs = qs.filter(budget_id=budget_id)
    return qs.order_by("-created_at", "-id")


def ledger_hold_get(*, organization: Organization, pk: Any) -> LedgerEntry:
    return LedgerEntry.objects.for_org(organization).get(pk=pk, kind=LedgerKind.HOLD)


CENT = Decimal("0.01")


def quarter_of(day: dt.date | dt.datetime) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def budget_figures(budget: Budget) -> dict[str, Decimal]:
    """held (all holds), voided, posted → committed (open holds) and spent."""
    sums = LedgerEntry.objects.for_org(budget.organization_id).filter(budget=budget).aggregate(
        held=Sum("amount", filter=Q(kind=LedgerKind.HOLD)),
        posted=Sum("amount", filter=Q(kind=LedgerKind.POST)),
        voided=Sum("amount", filter=Q(kind=LedgerKind.VOID)),
        earned=Sum("amount", filter=Q(kind=LedgerKind.EARN)),
    )
    held, posted, voided, earned = (sums[k] or Decimal(0) for k in ("held", "posted", "voided", "earned"))
    return {"budget": budget.amount, "spent": posted, "committed": held - posted - voided,
            "used": held - voided, "available": budget.amount - (held - voided), "earned": earned}


def budget_for(organization: Organization, pod_id: int, category: str, quarter: str,
               lock: bool = False) -> Budget | None:
    qs = Budget.objects.for_org(organization).filter(pod_id=pod_id, quarter=quarter, category=category)
    return (qs.select_for_update() if lock else qs).first()


def hold_refusal(budget: Budget, amount: Decimal) -> str | None:
    """Why holding `amount` more would break the budget, with the figures; None if it fits."""
    if budget.allow_overrun:
        return None
    figures = budget_figures(budget)
    if figures["used"] + amount <= budget.amount:
        return None
    return (f"{budget.get_category_display()} budget {budget.quarter} of pod {budget.pod_id}: "
            f"{amount} credits asked, {figures['available']} of {budget.amount} left "
            f"({figures['committed']} committed, {figures['spent']} spent).")


def allocation_cost(allocation: Allocation, unit_cost: Decimal, until: dt.datetime | None = None) -> Decimal:
    end = min(allocation.end, until) if until else allocation.end
    hours = max(0.0, (end - allocation.start).total_seconds() / 3600)
    return (Decimal(allocation.amount) * Decimal(str(hours)) * unit_cost).quantize(CENT)


def compute_hold_refusal(organization: Organization, allocation: Allocation, lock: bool = False) -> str | None:
    """Would admitting this allocation break its pod's compute budget? (No budget: no limit.)"""
    if allocation.estimated_cost <= 0:
        return None
    budget = budget_for(organization, allocation.pod_id, BudgetCategory.COMPUTE,
                        quarter_of(allocation.start), lock=lock)
    return hold_refusal(budget, allocation.estimated_cost) if budget is not None else None


SPEND_TYPE = "compute_spend"


@dataclass(frozen=True)
class SpendRouting:
    """The matrix's answer for one compute spend, with the cell it was read from."""

    allowed: bool
    message: str  # why not, when not allowed
    approval_tier: DecisionTier | None  # set when allowed only with a person's approval
    approvers: list[Membership]
    decision_type: DecisionType
    risk_tier: RiskTier


def spend_routing(*, organization: Organization, cost: Decimal) -> SpendRouting | None:
    """The matrix's routing for spending `cost` credits on compute (lowest risk tier), or None
    when the organization has no such decision type or no published matrix."""
    # From the matrix as cached for every admission (governance.routing_selectors): no query
    # while the matrix and the members' roles are unchanged.
    found = routing_by_key(organization=organization, decision_type_key=SPEND_TYPE, amount=cost)
    if found is None:
        return None
    routing, dtype, risk = found
    if routing.version is None:
        return None
    tier = routing.tier if routing.allowed and routing.tier is not None and routing.tier.needs_approval else None
    return SpendRouting(routing.allowed, routing.message, tier, routing.approvers, dtype, risk)
