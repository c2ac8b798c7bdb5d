"""Reads of resources, scoped to an organization (and, for allocations, the viewer).

Lists run a constant number of queries whatever the data size (annotations, not per-row reads);
the capacity dashboard reads the snapshots the worker computed, never raw allocations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance import selectors as gov
from governance.models import DecisionTier, DecisionType, RiskTier
from pods.permissions import led_pods
from resources import admission as eng
from resources.models import (
    Allocation,
    AllocationEvent,
    AllocationState,
    Budget,
    BudgetCategory,
    CapacityRun,
    CapacitySnapshot,
    ComputePool,
    LedgerEntry,
    LedgerKind,
    PodWeekSnapshot,
    Quota,
)
from tenancy.models import Membership, Organization
from tenancy.permissions import can

HOLDING = (AllocationState.ADMITTED,)
QUEUED = (AllocationState.PENDING, AllocationState.PREEMPTED)


def organizations_with_pools() -> list[int]:
    # unscoped: the beat task fans out to every organization that has compute pools.
    return list(ComputePool.unscoped.order_by().values_list("organization_id", flat=True).distinct())


# --- Pools and quotas ------------------------------------------------------------------------------


def pool_state(organization: Organization, pool: ComputePool, since: dt.datetime | None = None) -> eng.PoolState:
    """The admission engine's view of a pool: quotas and the admitted allocations (ending after `since`)."""
    quotas = {
        q.pod_id: eng.QuotaSpec(q.pod_id, q.nominal, q.borrowing_limit, q.lending_limit, q.reclaim, q.within_pod)
        for q in Quota.objects.for_org(organization).filter(pool=pool)
    }
    rows = Allocation.objects.for_org(organization).filter(pool=pool, state__in=HOLDING)
    if since is not None:
        rows = rows.filter(end__gt=since)
    held = tuple(
        eng.Held(a.pk, a.pod_id, a.amount, a.start, held_until(a), a.priority, a.admitted_at, a.preemptible)
        for a in rows.only("pk", "pod_id", "amount", "start", "end", "priority", "admitted_at", "preemptible",
                           "reclaim_at", "preempted_by_id")
    )
    return eng.PoolState(pool.capacity, quotas, held)


def held_until(a: Allocation) -> dt.datetime:
    """When an admitted allocation stops holding capacity: its end, or the time a lender's
    reservation reclaims it (a time-based reclaim is scheduled: `preempted_by` and `reclaim_at`)."""
    if a.preempted_by_id is not None and a.reclaim_at is not None:
        return min(a.end, a.reclaim_at)
    return a.end


if TYPE_CHECKING:  # WithAnnotations takes its second argument only for the type checker
    from django_stubs_ext import WithAnnotations

    class _PoolFigures(TypedDict):
        nominal_total: int
        in_use: int  # units held now
        borrowed_now: int
        queued: int
        quota_count: int

    PoolWithFigures = WithAnnotations[ComputePool, _PoolFigures]


def pool_list(*, organization: Organization, now: dt.datetime | None = None) -> QuerySet[PoolWithFigures]:
    """Pools with their nominal total, units held now (and borrowed) and queue length: one query."""
    now = now or timezone.now()
    allocs = Allocation.objects.for_org(organization).filter(pool=OuterRef("pk")).order_by().values("pool")
    running = allocs.filter(state__in=HOLDING, start__lte=now, end__gt=now)
    quotas = Quota.objects.for_org(organization).filter(pool=OuterRef("pk")).order_by().values("pool")

    def total(qs: Any, field: str) -> Any:
        return Coalesce(Subquery(qs.annotate(s=Sum(field)).values("s")[:1], output_field=IntegerField()),
                        Value(0))

    return (ComputePool.objects.for_org(organization)
            .annotate(nominal_total=total(quotas, "nominal"), in_use=total(running, "amount"),
                      borrowed_now=total(running, "borrowed"),
                      queued=Coalesce(Subquery(allocs.filter(state__in=QUEUED).annotate(n=Count("pk"))
                                               .values("n")[:1], output_field=IntegerField()), Value(0)),
                      quota_count=Coalesce(Subquery(quotas.annotate(n=Count("pk")).values("n")[:1],
                                                    output_field=IntegerField()), Value(0)))
            .order_by("name", "id"))


def pool_get(*, organization: Organization, pk: Any) -> PoolWithFigures:
    return pool_list(organization=organization).get(pk=pk)


def pool_choices(*, organization: Organization) -> QuerySet[ComputePool]:
    return ComputePool.objects.for_org(organization).order_by("name", "id")


def quota_list(*, organization: Organization, pool: ComputePool | None = None,
               pod_id: int | None = None) -> QuerySet[Quota]:
    qs = Quota.objects.for_org(organization).select_related("pod", "pool")
    if pool is not None:
        qs = qs.filter(pool=pool)
    if pod_id is not None:
        qs = qs.filter(pod_id=pod_id)
    return qs.order_by("pool__name", "pod__name", "id")


def quota_get(*, organization: Organization, pk: Any) -> Quota:
    return quota_list(organization=organization).get(pk=pk)


def quota_rows(*, organization: Organization, pool: ComputePool, now: dt.datetime | None = None) -> list[Quota]:
    """Each pod's quota with what it uses now, borrows, and lends (its idle lendable nominal that
    the cohort's borrowing takes, beyond the pool's unassigned capacity, shared pro rata)."""
    now = now or timezone.now()
    quotas = list(quota_list(organization=organization, pool=pool))
    usage = dict(
        (row["pod_id"], (row["u"], row["b"]))
        for row in Allocation.objects.for_org(organization)
        .filter(pool=pool, state__in=HOLDING, start__lte=now, end__gt=now)
        .values("pod_id").annotate(u=Sum("amount"), b=Sum("borrowed")).order_by()
    )
    unassigned = pool.capacity - sum(q.nominal for q in quotas)
    borrowed_total = sum(b for _u, b in usage.values())
    for q in quotas:
        q.used, q.borrowed_now = usage.get(q.pod_id, (0, 0))
        idle = max(0, q.nominal - q.used)
        q.lendable = idle if q.lending_limit is None else min(idle, q.lending_limit)
    lendable_total = sum(q.lendable for q in quotas)
    from_nominal = max(0, borrowed_total - max(0, unassigned))
    for q in quotas:
        q.lent = round(from_nominal * q.lendable / lendable_total, 1) if lendable_total else 0
    return quotas


def pool_queue(*, organization: Organization, pool: ComputePool, viewer: Membership | None = None,
               now: dt.datetime | None = None) -> list[Allocation]:
    """The pool's pending queue in admission order, each with its `position`."""
    now = now or timezone.now()
    rows = {a.pk: a for a in Allocation.objects.for_org(organization)
            .filter(pool=pool, state__in=QUEUED, end__gt=now).select_related("pod")}
    if not rows:
        return []
    state = pool_state(organization, pool, since=now)
    waiting = [eng.Waiting(a.pk, eng.Ask(a.pod_id, a.amount, max(a.start, now), a.end, a.priority,
                                          a.preemptible), a.created_at) for a in rows.values()]
    ordered = [rows[w.id] for w in eng.queue_order(state, waiting)]
    visible = _visible_pods(viewer)
    for i, a in enumerate(ordered, start=1):
        a.position = i
        a.visible = visible is None or a.pod_id in visible
    return ordered


def queue_position(*, organization: Organization, allocation: Allocation) -> int | None:
    if allocation.state not in QUEUED:
        return None
    for a in pool_queue(organization=organization, pool=allocation.pool):
        if a.pk == allocation.pk:
            return a.position
    return None


# --- Allocations -------------------------------------------------------------------------------------


def _visible_pods(viewer: Membership | None) -> set[int] | None:
    """None: every pod (leaders, admins); else the pods the viewer leads."""
    if viewer is None or can(viewer, "resources.view_all"):
        return None
    return led_pods(viewer)


def allocation_list(*, organization: Organization, viewer: Membership | None, pod_id: int | None = None,
                    pool_id: int | None = None, state: str = "") -> QuerySet[Allocation]:
    qs = Allocation.objects.for_org(organization).select_related("pod", "pool", "preempted_by__pod")
    visible = _visible_pods(viewer)
    if visible is not None:
        qs = qs.filter(pod_id__in=visible)
    if pod_id:
        qs = qs.filter(pod_id=pod_id)
    if pool_id:
        qs = qs.filter(pool_id=pool_id)
    if state == "active":
        qs = qs.filter(state__in=(*HOLDING, *QUEUED, AllocationState.NEEDS_APPROVAL))
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def allocation_get(*, organization: Organization, viewer: Membership | None, pk: Any) -> Allocation:
    return allocation_list(organization=organization, viewer=viewer).select_related(
        "requested_by__user", "escalation").get(pk=pk)


def allocation_events(*, organization: Organization, allocation: Allocation) -> QuerySet[AllocationEvent]:
    return (AllocationEvent.objects.for_org(organization).filter(allocation=allocation)
            .select_related("actor", "by_allocation__pod").order_by("at", "id"))


def allocation_by_key(*, organization: Organization, idempotency_key: str) -> Allocation | None:
    return Allocation.objects.for_org(organization).filter(idempotency_key=idempotency_key).first()


# --- Preview: what a request would get, before it is made -------------------------------------------


def request_preview(*, organization: Organization, pod: Any, pool: ComputePool, amount: int,
                    start: dt.datetime, end: dt.datetime, priority: int = 0,
                    preemptible: bool = True) -> dict[str, Any]:
    """The admission answer the request would get now (nothing is written or locked)."""
    now = timezone.now()
    if end <= max(start, now):
        return {"outcome": "refused", "reason": "This window has already passed." if end <= now
                else "End must be after start."}
    if pool.status != "open":
        return {"outcome": "refused", "reason": f"The pool is on {pool.status}: it admits nothing new."}
    ask = eng.Ask(pod.pk, amount, max(start, now), end, priority, preemptible)
    state = pool_state(organization, pool, since=now)
    decision = eng.decide(state, ask)
    probe = Allocation(organization=organization, pod=pod, pool=pool, amount=amount, start=ask.start, end=end)
    cost = allocation_cost(probe, pool.unit_cost)
    out: dict[str, Any] = {"outcome": decision.outcome, "borrowed": decision.borrowed, "reason": decision.reason,
                           "cost": cost, "victims": len(decision.victims), "unit": pool.unit}
    if decision.outcome == eng.REFUSE:
        return out
    routing = spend_routing(organization=organization, cost=cost)
    if routing is not None and routing.approval_tier is not None:
        out.update(outcome="needs_approval", tier=routing.approval_tier, approvers=routing.approvers)
        return out
    if routing is not None and not routing.allowed:
        out.update(outcome="refused", reason=routing.message)
        return out
    probe.estimated_cost = cost
    refusal = compute_hold_refusal(organization, probe)
    if refusal and decision.outcome in (eng.ADMIT, eng.PREEMPT):
        out.update(outcome="pending", reason=f"Waiting for budget: {refusal}")
    elif decision.outcome == eng.PENDING:
        out["position"] = 1 + sum(1 for a in pool_queue(organization=organization, pool=pool, now=now)
                                  if _ahead(state, a, ask))
    return out


def _ahead(state: eng.PoolState, queued: Allocation, ask: eng.Ask) -> bool:
    mine = eng.Waiting(0, ask, timezone.now())
    other = eng.Waiting(queued.pk, eng.Ask(queued.pod_id, queued.amount, queued.start, queued.end,
                                           queued.priority, queued.preemptible), queued.created_at)
    return eng.queue_order(state, [mine, other])[0] is other


# --- Capacity snapshots (what dashboards read) -------------------------------------------------------


def capacity_as_of(*, organization: Organization) -> dt.datetime | None:
    run = CapacityRun.objects.for_org(organization).order_by("-computed_at").first()
    return run.computed_at if run else None


def pool_timeline(*, organization: Organization, pool: ComputePool) -> list[CapacitySnapshot]:
    return list(CapacitySnapshot.objects.for_org(organization).filter(pool=pool).order_by("day"))


def capacity_overview(*, organization: Organization, day: dt.date | None = None) -> dict[str, Any]:
    """Today's figures per pool and in total, from the snapshots: utilisation is Σ used / Σ capacity
    (never a mean of percentages), borrowed share is borrowed / used. For the dashboards app."""
    day = day or timezone.now().astimezone(dt.UTC).date()
    rows = list(CapacitySnapshot.objects.for_org(organization).filter(day=day).select_related("pool")
                .order_by("pool__name", "pool_id"))
    cap = sum(r.capacity for r in rows)
    used = sum(r.within_nominal + r.borrowed for r in rows)
    borrowed = sum(r.borrowed for r in rows)
    return {
        "day": day, "pools": rows, "capacity": cap, "used": used, "borrowed": borrowed,
        "pending": sum(r.pending for r in rows),
        "utilisation": used / cap if cap else 0.0,
        "borrowed_share": borrowed / used if used else 0.0,
        "as_of": capacity_as_of(organization=organization),
    }


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def pod_weeks(*, organization: Organization, pod_id: int, around: dt.date | None = None,
              span: int = 4) -> list[PodWeekSnapshot]:
    """A pod's weekly snapshots from `span` weeks before the week of `around` to `span` after."""
    week = week_of(around or timezone.now().astimezone(dt.UTC).date())
    return list(PodWeekSnapshot.objects.for_org(organization)
                .filter(pod_id=pod_id, week__gte=week - dt.timedelta(weeks=span),
                        week__lte=week + dt.timedelta(weeks=span)).order_by("week"))


def pods_week(*, organization: Organization, day: dt.date | None = None) -> list[PodWeekSnapshot]:
    """Every pod's snapshot for the week of `day` (people FTE, compute units), by pod name."""
    week = week_of(day or timezone.now().astimezone(dt.UTC).date())
    return list(PodWeekSnapshot.objects.for_org(organization).filter(week=week).select_related("pod")
                .order_by("pod__name", "pod_id"))


def capacity_series(*, organization: Organization) -> dict[int, list[CapacitySnapshot]]:
    """Every pool's daily snapshots (the overview's charts), in one query."""
    out: dict[int, list[CapacitySnapshot]] = {}
    for s in CapacitySnapshot.objects.for_org(organization).order_by("pool_id", "day"):
        out.setdefault(s.pool_id, []).append(s)
    return out


# --- Budgets and ledger ------------------------------------------------------------------------------


def budget_list(*, organization: Organization, viewer: Membership | None, quarter: str = "",
                pod_id: int | None = None) -> QuerySet[Budget]:
    """Budgets with held, posted and voided sums (derived from the ledger) in one query."""
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)

    def sum_of(kind: str) -> Any:
        return Coalesce(Sum("entries__amount", filter=Q(entries__kind=kind)), Value(Decimal(0)),
                        output_field=money)

    qs = (Budget.objects.for_org(organization).select_related("pod")
          .annotate(held=sum_of(LedgerKind.HOLD), spent=sum_of(LedgerKind.POST), voided=sum_of(LedgerKind.VOID)))
    visible = _visible_pods(viewer)
    if visible is not None:
        qs = qs.filter(pod_id__in=visible)
    if quarter:
        qs = qs.filter(quarter=quarter)
    if pod_id:
        qs = qs.filter(pod_id=pod_id)
    return qs.order_by("-quarter", "pod__name", "category", "id")


def with_balances(budgets: Any) -> list[Budget]:
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
    visible = _visible_pods(viewer)
    if visible is not None:
        qs = qs.filter(budget__pod_id__in=visible)
    if budget_id:
        qs = qs.filter(budget_id=budget_id)
    return qs.order_by("-created_at", "-id")


def ledger_hold_get(*, organization: Organization, pk: Any) -> LedgerEntry:
    return LedgerEntry.objects.for_org(organization).get(pk=pk, kind=LedgerKind.HOLD)


def pod_compute(*, organization: Organization, pod: Any, viewer: Membership | None) -> dict[str, Any]:
    """The pod page's compute panel: quotas, active allocations, this quarter's budgets."""
    now = timezone.now()
    return {
        "quotas": list(quota_list(organization=organization, pod_id=pod.pk)),
        "allocations": list(Allocation.objects.for_org(organization).filter(
            pod=pod, state__in=(*HOLDING, *QUEUED, AllocationState.NEEDS_APPROVAL), end__gt=now)
            .select_related("pool").order_by("start", "id")[:10]),
        "budgets": with_balances(budget_list(organization=organization, viewer=None, pod_id=pod.pk,
                                             quarter=quarter_of(now))),
        "weeks": pod_weeks(organization=organization, pod_id=pod.pk, around=now.date()),
        "this_week": week_of(now.astimezone(dt.UTC).date()),
    }


CENT = Decimal("0.01")


def quarter_of(day: dt.date | dt.datetime) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def budget_figures(budget: Budget) -> dict[str, Decimal]:
    """held (all holds), voided, posted → committed (open holds) and spent."""
    sums = LedgerEntry.objects.for_org(budget.organization_id).filter(budget=budget).aggregate(
        held=Sum("amount", filter=Q(kind=LedgerKind.HOLD)),
        posted=Sum("amount", filter=Q(kind=LedgerKind.POST)),
        voided=Sum("amount", filter=Q(kind=LedgerKind.VOID)),
    )
    held, posted, voided = (sums[k] or Decimal(0) for k in ("held", "posted", "voided"))
    return {"budget": budget.amount, "spent": posted, "committed": held - posted - voided,
            "used": held - voided, "available": budget.amount - (held - voided)}


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
    dtype = gov.decision_types(organization=organization).filter(key=SPEND_TYPE).first()
    risk = gov.risk_tiers(organization=organization).order_by("rank", "id").first()
    if dtype is None or risk is None:
        return None
    routing = gov.routing_for(organization=organization, decision_type=dtype, risk_tier=risk, amount=cost)
    if routing.version is None:
        return None
    tier = routing.tier if routing.allowed and routing.tier is not None and routing.tier.needs_approval else None
    return SpendRouting(routing.allowed, routing.message, tier, routing.approvers, dtype, risk)
