"""Writes for compute: pools, quotas and allocations. Each is one `org_write` (one transaction,
audited) that locks the pool row first, so concurrent requests on a pool are serialized and
can never overbook it. Admission itself is decided by the pure engine in `resources.admission`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from pods.models import Pod
from resources import admission as eng
from resources.models import Allocation, AllocationState, ComputePool, PoolStatus, Quota
from tenancy.audit import snapshot
from tenancy.models import Organization, User
from tenancy.writes import current_write, org_write

HOLDING = (AllocationState.ADMITTED,)
QUEUED = (AllocationState.PENDING, AllocationState.PREEMPTED)


def _lock_pool(organization: Organization, pool_id: int) -> ComputePool:
    return ComputePool.objects.for_org(organization).select_for_update().get(pk=pool_id)


def _state(organization: Organization, pool: ComputePool) -> eng.PoolState:
    quotas = {
        q.pod_id: eng.QuotaSpec(
            q.pod_id, q.nominal, q.borrowing_limit, q.lending_limit, q.reclaim, q.within_pod
        )
        for q in Quota.objects.for_org(organization).filter(pool=pool)
    }
    held = tuple(
        eng.Held(a.pk, a.pod_id, a.amount, a.start, a.end, a.priority, a.admitted_at, a.preemptible)
        for a in Allocation.objects.for_org(organization).filter(pool=pool, state__in=HOLDING)
    )
    return eng.PoolState(pool.capacity, quotas, held)


def _ask(a: Allocation) -> eng.Ask:
    return eng.Ask(a.pod_id, a.amount, a.start, a.end, a.priority, a.preemptible)


def _apply(a: Allocation, decision: eng.Decision, now: dt.datetime) -> None:
    """Record the engine's decision on a (new or queued) allocation, preempting its victims."""
    w = current_write()
    if decision.outcome in (eng.ADMIT, eng.PREEMPT):
        for victim in Allocation.objects.for_org(w.organization).filter(pk__in=decision.victims):
            victim.state = AllocationState.PREEMPTED
            victim.preempted_by = a
            victim.reason = f"preempted to admit allocation {a.pk} of pod {a.pod_id}"
            victim.save(update_fields=["state", "preempted_by", "reason", "updated_at"])
            w.audit("allocation.preempted", target=victim, after=snapshot(victim))
        a.state, a.borrowed, a.admitted_at = AllocationState.ADMITTED, decision.borrowed, now
        a.reason = f"borrows {decision.borrowed} (preemptible)" if decision.borrowed else ""
    elif decision.outcome == eng.PENDING:
        a.state, a.reason = AllocationState.PENDING, decision.reason
    else:
        a.state, a.reason = AllocationState.REJECTED, decision.reason


@org_write.service()
def pool_create(
    *,
    organization: Organization,
    actor: User | None,
    name: str,
    capacity: int,
    unit: str = "GPU",
    unit_cost: float = 0,
) -> ComputePool:
    if capacity <= 0:
        raise ValidationError({"capacity": "Capacity must be positive."})
    pool = ComputePool.objects.create(
        organization=organization, name=name, capacity=capacity, unit=unit, unit_cost=unit_cost
    )
    current_write().audit("pool.created", target=pool, after=snapshot(pool))
    return pool


@org_write.service()
def pool_update(
    *, organization: Organization, actor: User | None, pool: ComputePool, **changes: object
) -> ComputePool:
    pool = _lock_pool(organization, pool.pk)
    before = snapshot(pool)
    for field in ("name", "unit", "unit_cost", "capacity", "status"):
        if field in changes:
            setattr(pool, field, changes[field])
    nominals = Quota.objects.for_org(organization).filter(pool=pool).aggregate(s=Sum("nominal"))
    if (nominals["s"] or 0) > pool.capacity:
        raise ValidationError({"capacity": "Below the sum of the pods' nominal quotas."})
    if pool.status not in PoolStatus.values:
        raise ValidationError({"status": "Unknown status."})
    pool.save()
    current_write().audit("pool.updated", target=pool, before=before, after=snapshot(pool))
    if pool.status == PoolStatus.OPEN:
        _admit_locked(organization, pool)  # more capacity or reopened: admit what now fits
    return pool


@org_write.service()
def quota_set(
    *,
    organization: Organization,
    actor: User | None,
    pool: ComputePool,
    pod: Pod,
    nominal: int,
    borrowing_limit: int | None = None,
    lending_limit: int | None = None,
    reclaim: str = "never",
    within_pod: str = "never",
) -> Quota:
    w = current_write()
    w.same_org("pool", pool)
    w.same_org("pod", pod)
    pool = _lock_pool(organization, pool.pk)
    others = Quota.objects.for_org(organization).filter(pool=pool).exclude(pod=pod)
    if (others.aggregate(s=Sum("nominal"))["s"] or 0) + nominal > pool.capacity:
        raise ValidationError({"nominal": f"Nominal quotas would exceed the pool's {pool.capacity}."})
    if lending_limit is not None and lending_limit > nominal:
        raise ValidationError({"lending_limit": "Cannot lend more than the nominal quota."})
    quota, _ = Quota.objects.for_org(organization).update_or_create(
        organization=organization,
        pool=pool,
        pod=pod,
        defaults={
            "nominal": nominal,
            "borrowing_limit": borrowing_limit,
            "lending_limit": lending_limit,
            "reclaim": reclaim,
            "within_pod": within_pod,
        },
    )
    w.audit("quota.set", target=quota, after=snapshot(quota))
    if pool.status == PoolStatus.OPEN:
        _admit_locked(organization, pool)  # a quota change can free capacity for the queue
    return quota


@org_write.service()
def allocation_request(
    *,
    organization: Organization,
    actor: User | None,
    pod: Pod,
    pool: ComputePool,
    amount: int,
    start: dt.datetime,
    end: dt.datetime,
    priority: int = 0,
    preemptible: bool = True,
    idempotency_key: str = "",
) -> Allocation:
    w = current_write()
    w.same_org("pool", pool)
    w.same_org("pod", pod)
    if amount <= 0:
        raise ValidationError({"amount": "Amount must be positive."})
    if end <= start:
        raise ValidationError({"end": "End must be after start."})
    locked = _lock_pool(organization, pool.pk)
    if idempotency_key:
        first = Allocation.objects.for_org(organization).filter(idempotency_key=idempotency_key)
        if (found := first.first()) is not None:
            return found
    if locked.status != PoolStatus.OPEN:
        raise ValidationError({"pool": f"The pool is on {locked.status}: it admits nothing new."})
    a = Allocation(
        organization=organization,
        pool=locked,
        pod=pod,
        amount=amount,
        start=start,
        end=end,
        priority=priority,
        preemptible=preemptible,
        idempotency_key=idempotency_key,
    )
    decision = eng.decide(_state(organization, locked), _ask(a))
    if decision.outcome == eng.REFUSE:
        raise ValidationError({"amount": decision.reason})
    a.save()
    _apply(a, decision, timezone.now())
    a.save()
    w.audit(f"allocation.{a.state}", target=a, after=snapshot(a))
    return a


def _end(organization: Organization, allocation: Allocation, state: str, allowed: tuple[str, ...]) -> Allocation:
    w = current_write()
    w.same_org("allocation", allocation)
    _lock_pool(organization, allocation.pool_id)
    a = Allocation.objects.for_org(organization).get(pk=allocation.pk)
    if a.state not in allowed:
        raise ValidationError({"state": f"An allocation that is {a.state} cannot become {state}."})
    before = snapshot(a)
    a.state = state
    a.save(update_fields=["state", "updated_at"])
    w.audit(f"allocation.{state}", target=a, before=before, after=snapshot(a))
    _admit_locked(organization, a.pool)
    return a


@org_write.service()
def allocation_release(
    *, organization: Organization, actor: User | None, allocation: Allocation
) -> Allocation:
    return _end(organization, allocation, AllocationState.RELEASED, HOLDING)


@org_write.service()
def allocation_cancel(
    *, organization: Organization, actor: User | None, allocation: Allocation
) -> Allocation:
    allowed = (*QUEUED, AllocationState.NEEDS_APPROVAL)
    return _end(organization, allocation, AllocationState.CANCELLED, allowed)


def _admit_locked(organization: Organization, pool: ComputePool) -> list[Allocation]:
    """One worker pass over the pool's queue; the caller holds the pool's lock."""
    w = current_write()
    queued = {a.pk: a for a in Allocation.objects.for_org(organization).filter(pool=pool, state__in=QUEUED)}
    waiting = [eng.Waiting(a.pk, _ask(a), a.created_at) for a in queued.values()]
    now = timezone.now()
    admitted = []
    for item, decision in eng.admit_queue(_state(organization, pool), waiting, now):
        if decision.outcome not in (eng.ADMIT, eng.PREEMPT):
            continue
        a = queued[item.id]
        _apply(a, decision, now)
        a.save()
        w.audit("allocation.admitted", target=a, after=snapshot(a))
        admitted.append(a)
    return admitted


@org_write.service()
def pending_admit(
    *, organization: Organization, pool: ComputePool, actor: User | None = None
) -> list[Allocation]:
    """The worker step: admit what now fits, in queue order."""
    current_write().same_org("pool", pool)
    locked = _lock_pool(organization, pool.pk)
    if locked.status != PoolStatus.OPEN:
        return []
    return _admit_locked(organization, locked)
