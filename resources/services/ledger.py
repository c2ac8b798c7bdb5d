"""Budgets and the two-phase spend ledger.

A hold reserves credits on a pod's budget for a quarter and category; posts record what was
spent against the hold; a void frees the rest. Entries are only ever inserted (the table's
triggers refuse UPDATE and DELETE); balances are sums over them (`resources.selectors`).

Invariant: for every budget, holds − voids (what is committed or spent) never exceed the amount
unless an admin allowed overrun for that budget. `budget_hold` locks the budget's row, so two
concurrent holds cannot both pass the check.

Other apps (the elastic bench, the service marketplace) use the same three calls:

    hold = budget_hold(organization=org, actor=user, pod=pod, category="services",
                       amount=Decimal("1200"), reference="bench:staffing:42", memo="…")
    budget_post(organization=org, actor=user, hold=hold, amount=Decimal("800"))
    budget_void(organization=org, actor=user, hold=hold)      # frees what was not posted
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from pods.models import Pod
from resources.budget_selectors import allocation_cost, budget_figures, budget_for, hold_refusal, quarter_of
from resources.models import (
    Allocation,
    AllocationState,
    Budget,
    BudgetCategory,
    ComputePool,
    LedgerEntry,
    LedgerKind,
)
from tenancy.audit import snapshot
from tenancy.cache import COMPUTE
from tenancy.models import Organization, User
from tenancy.writes import current_write, org_write

CENT = Decimal("0.01")
SETTLES = (LedgerKind.POST, LedgerKind.VOID)


def _valid_quarter(quarter: str) -> str:
    q = (quarter or "").strip().upper()
    if len(q) != 6 or not q[:4].isdigit() or q[4] != "Q" or q[5] not in "1234":
        raise ValidationError({"quarter": "Write the quarter as YYYYQn, e.g. 2026Q4."})
    return q


def _money(value: Decimal | int | float | str, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError({field: "Give an amount in credits."}) from exc
    if not amount.is_finite():
        raise ValidationError({field: "Give an amount in credits."})
    return amount


@org_write.service(COMPUTE)
def budget_set(
    *,
    organization: Organization,
    actor: User | None,
    pod: Pod,
    quarter: str,
    category: str,
    amount: Decimal | int | str,
    allow_overrun: bool = False,
) -> Budget:
    w = current_write()
    w.same_org("pod", pod)
    quarter = _valid_quarter(quarter)
    if category not in BudgetCategory.values:
        raise ValidationError({"category": f"Use one of: {', '.join(BudgetCategory.values)}."})
    value = _money(amount)
    if value < 0:
        raise ValidationError({"amount": "A budget cannot be negative."})
    existing = (Budget.objects.for_org(organization).select_for_update()
                .filter(pod=pod, quarter=quarter, category=category).first())
    if existing is not None:
        figures = budget_figures(existing)
        if value < figures["used"] and not allow_overrun:
            raise ValidationError({"amount": f"{figures['used']} credits are already committed or spent "
                                             f"on this budget; it cannot go below that."})
        before = snapshot(existing)
        existing.amount, existing.allow_overrun = value, allow_overrun
        existing.save()
        w.audit("budget.updated", target=existing, before=before, after=snapshot(existing))
        return existing
    budget = Budget.objects.create(organization=organization, pod=pod, quarter=quarter, category=category,
                                   amount=value, allow_overrun=allow_overrun)
    w.audit("budget.created", target=budget, after=snapshot(budget))
    return budget


@org_write.service(COMPUTE)
def budget_hold(
    *,
    organization: Organization,
    actor: User | None,
    pod: Pod,
    category: str,
    amount: Decimal | int | str,
    quarter: str = "",
    reference: str = "",
    memo: str = "",
    allocation: Allocation | None = None,
) -> LedgerEntry:
    """Reserve credits on the pod's budget (this quarter's, unless named). Refused, with the
    figures, when it would exceed the budget and no overrun is allowed."""
    w = current_write()
    w.same_org("pod", pod)
    w.same_org("allocation", allocation)
    value = _money(amount)
    if value <= 0:
        raise ValidationError({"amount": "A hold must be positive."})
    quarter = _valid_quarter(quarter) if quarter else quarter_of(timezone.localdate())
    budget = budget_for(organization, pod.pk, category, quarter, lock=True)
    if budget is None:
        raise ValidationError({"budget": f"Pod {pod} has no {category} budget for {quarter}."})
    refusal = hold_refusal(budget, value)
    if refusal:
        raise ValidationError({"amount": refusal})
    entry = LedgerEntry.objects.create(organization=organization, budget=budget, kind=LedgerKind.HOLD,
                                       amount=value, allocation=allocation, reference=reference[:100],
                                       memo=memo[:300], actor=actor)
    w.audit("ledger.hold", target=entry, after=snapshot(entry))
    return entry


def _locked_hold(organization: Organization, hold: LedgerEntry) -> tuple[LedgerEntry, Decimal]:
    current_write().same_org("hold", hold)
    if hold.kind != LedgerKind.HOLD:
        raise ValidationError({"hold": "Posts and voids settle a hold."})
    Budget.objects.for_org(organization).select_for_update().filter(pk=hold.budget_id).first()
    return hold, hold_remaining(organization, hold)


def hold_remaining(organization: Organization, hold: LedgerEntry) -> Decimal:
    """What the hold still reserves: its amount less what was posted or voided against it (an
    `earn` entry that names it is the provider's income, not a settlement)."""
    settled = (LedgerEntry.objects.for_org(organization).filter(hold=hold, kind__in=SETTLES)
               .aggregate(s=Sum("amount"))["s"] or Decimal(0))
    return hold.amount - settled


@org_write.service(COMPUTE)
def budget_post(
    *, organization: Organization, actor: User | None, hold: LedgerEntry, amount: Decimal | int | str,
    memo: str = "", idempotency_key: str = "",
) -> LedgerEntry:
    """Record spend against a hold (at most what the hold still reserves)."""
    hold, remaining = _locked_hold(organization, hold)
    value = _money(amount)
    if value <= 0:
        raise ValidationError({"amount": "A posting must be positive."})
    if value > remaining:
        raise ValidationError({"amount": f"Only {remaining} credits remain on this hold; "
                                         "place another hold for more."})
    entry = LedgerEntry.objects.create(organization=organization, budget_id=hold.budget_id,
                                       kind=LedgerKind.POST, amount=value, hold=hold,
                                       allocation_id=hold.allocation_id, reference=hold.reference,
                                       memo=memo[:300], actor=actor, idempotency_key=idempotency_key[:100])
    current_write().audit("ledger.post", target=entry, after=snapshot(entry))
    return entry


@org_write.service(COMPUTE)
def budget_void(
    *, organization: Organization, actor: User | None, hold: LedgerEntry, memo: str = "",
    amount: Decimal | int | str | None = None,
) -> LedgerEntry | None:
    """Free what a hold still reserves, or `amount` of it (the hold stays open with the rest). None
    when nothing is left to free: safe to call twice."""
    hold, remaining = _locked_hold(organization, hold)
    value = remaining if amount is None else min(_money(amount), remaining)
    if value <= 0:
        return None
    entry = LedgerEntry.objects.create(organization=organization, budget_id=hold.budget_id,
                                       kind=LedgerKind.VOID, amount=value, hold=hold,
                                       allocation_id=hold.allocation_id, reference=hold.reference,
                                       memo=memo[:300], actor=actor)
    current_write().audit("ledger.void", target=entry, after=snapshot(entry))
    return entry


@org_write.service(COMPUTE)
def budget_credit(
    *, organization: Organization, actor: User | None, pod: Pod, category: str, source: LedgerEntry,
    amount: Decimal | int | str, memo: str = "",
) -> LedgerEntry:
    """Credit `pod` (a provider) with `amount` earned from the spend held by `source` (another
    pod's hold, already posted): an `earn` entry on the pod's budget of that category for this
    quarter. Earned credits are income shown beside the budget; they do not raise what the pod
    may commit (an admin sets budgets). A pod without such a budget gets one of 0 credits, so the
    income has somewhere to land."""
    w = current_write()
    w.same_org("pod", pod)
    w.same_org("source", source)
    if source.kind != LedgerKind.HOLD:
        raise ValidationError({"source": "A credit names the hold whose spend it passes on."})
    value = _money(amount)
    if value <= 0:
        raise ValidationError({"amount": "A credit must be positive."})
    quarter = quarter_of(timezone.localdate())
    budget = budget_for(organization, pod.pk, category, quarter, lock=True)
    if budget is None:
        budget = budget_set(organization=organization, actor=actor, pod=pod, quarter=quarter,
                            category=category, amount=0)
    entry = LedgerEntry.objects.create(organization=organization, budget=budget, kind=LedgerKind.EARN,
                                       amount=value, hold=source, reference=source.reference,
                                       memo=memo[:300], actor=actor)
    w.audit("ledger.earn", target=entry, after=snapshot(entry))
    return entry


# --- Compute allocations: a hold on admission, posted and voided when it stops -------------------


def compute_hold(organization: Organization, actor: User | None, allocation: Allocation) -> None:
    if allocation.estimated_cost <= 0:
        return
    budget = budget_for(organization, allocation.pod_id, BudgetCategory.COMPUTE, quarter_of(allocation.start))
    if budget is None:
        return
    budget_hold(organization=organization, actor=actor, pod=allocation.pod, category=BudgetCategory.COMPUTE,
                amount=allocation.estimated_cost, quarter=budget.quarter,
                reference=f"allocation:{allocation.pk}", memo="admitted", allocation=allocation)


def compute_settle(organization: Organization, actor: User | None, allocation: Allocation,
                   unit_cost: Decimal, until: dt.datetime, why: str) -> None:
    """Post what the allocation used up to `until` against its open hold; void the rest. Usage
    pushed through the API is the metered truth: when there is some, only the rest is voided."""
    hold = _open_compute_hold(organization, allocation)
    if hold is None:
        return
    metered = LedgerEntry.objects.for_org(organization).filter(hold=hold, kind=LedgerKind.POST).exists()
    used = min(hold_remaining(organization, hold), allocation_cost(allocation, unit_cost, until))
    if used > 0 and not metered:
        budget_post(organization=organization, actor=actor, hold=hold, amount=used, memo=why)
    budget_void(organization=organization, actor=actor, hold=hold, memo=why)


def _open_compute_hold(organization: Organization, allocation: Allocation) -> LedgerEntry | None:
    for hold in (LedgerEntry.objects.for_org(organization)
                 .filter(allocation=allocation, kind=LedgerKind.HOLD).order_by("-id")):
        if hold_remaining(organization, hold) > 0:
            return hold
    return None


@org_write.service(COMPUTE)
def usage_report(
    *, organization: Organization, actor: User | None, allocation: Allocation, amount: Decimal | int | str,
    idempotency_key: str = "", memo: str = "",
) -> tuple[LedgerEntry, bool]:
    """Post metered usage (`amount` in credits) of a running allocation against its compute hold: the entry,
    and whether it replays an earlier push with the same key (then nothing more is posted). At
    its end only the rest of the hold is voided; without pushes the estimate is posted instead."""
    w = current_write()
    w.same_org("allocation", allocation)
    # The pool's lock orders a push against the release, preemption or finish that settles the hold.
    ComputePool.objects.for_org(organization).select_for_update().get(pk=allocation.pool_id)
    if idempotency_key:
        first = (LedgerEntry.objects.for_org(organization).filter(idempotency_key=idempotency_key)
                 .select_related("actor").first())
        if first is not None:
            if first.allocation_id != allocation.pk:
                raise ValidationError({"idempotency_key": "This key was used for another allocation's usage."})
            return first, True
    a = Allocation.objects.for_org(organization).get(pk=allocation.pk)
    if a.state != AllocationState.ADMITTED:
        raise ValidationError({"state": f"Usage is posted while an allocation is admitted; this one is "
                                        f"{a.get_state_display().lower()} and its hold is settled."})
    hold = _open_compute_hold(organization, a)
    if hold is None:
        raise ValidationError({"amount": "This allocation has no open compute hold (no compute budget "
                                          "for its pod and quarter, or no cost): nothing to post against."})
    post = budget_post(organization=organization, actor=actor, hold=hold, amount=amount,
                       memo=memo or "usage pushed through the API", idempotency_key=idempotency_key)
    return post, False
