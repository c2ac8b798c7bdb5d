"""Reads of resources, scoped to an organization (and, for allocations, the viewer).

Lists run a constant number of queries whatever the data size (annotations, not per-row reads);
the capacity dashboard reads the snapshots the worker computed, never raw allocations.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from resources import admission as eng
from resources.budget_selectors import (
    allocation_cost,
    budget_balances_attach,
    budget_list,
    compute_hold_refusal,
    quarter_of,
    spend_routing,
)
from resources.models import (
    Allocation,
    AllocationEvent,
    AllocationState,
    CapacityRun,
    CapacitySnapshot,
    ComputePool,
    PodWeekSnapshot,
    Quota,
)
from resources.permissions import visible_pods
from tenancy.models import Membership, Organization

HOLDING = (AllocationState.ADMITTED,)
QUEUED = (AllocationState.PENDING, AllocationState.PREEMPTED)


def reclaim_notice() -> dt.timedelta:
    """How long before a forecast reclaim the borrower's leads hear of it (and the overview shows it)."""
    return dt.timedelta(hours=getattr(settings, "PODIUM_RECLAIM_NOTICE_HOURS", 24))


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
    visible = visible_pods(viewer)
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


def allocation_list(*, organization: Organization, viewer: Membership | None, pod_id: int | None = None,
                    pool_id: int | None = None, state: str = "") -> QuerySet[Allocation]:
    qs = Allocation.objects.for_org(organization).select_related("pod", "pool", "preempted_by__pod")
    visible = visible_pods(viewer)
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


def pod_compute(*, organization: Organization, pod: Any, viewer: Membership | None) -> dict[str, Any]:
    """The pod page's compute panel: quotas, active allocations, this quarter's budgets."""
    now = timezone.now()
    return {
        "quotas": list(quota_list(organization=organization, pod_id=pod.pk)),
        "allocations": list(Allocation.objects.for_org(organization).filter(
            pod=pod, state__in=(*HOLDING, *QUEUED, AllocationState.NEEDS_APPROVAL), end__gt=now)
            .select_related("pool").order_by("start", "id")[:10]),
        "budgets": budget_balances_attach(budget_list(organization=organization, viewer=None, pod_id=pod.pk,
                                             quarter=quarter_of(now))),
        "weeks": pod_weeks(organization=organization, pod_id=pod.pk, around=now.date()),
        "this_week": week_of(now.astimezone(dt.UTC).date()),
    }
