"""Ending allocations early: release (admitted) and cancel (queued or waiting for approval).

A released allocation may have scheduled time-based reclaims (borrowers told to give capacity
back when it starts). Those are called off when nothing else needs the capacity they would
keep: the borrower keeps its whole window, its lead hears so if warned, and the worker forecasts
afresh. Otherwise the reclaim stays and the freed capacity goes to the queue as usual.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from resources import admission as eng
from resources.models import Allocation, AllocationState, ComputePool, PoolStatus
from resources.services import ledger
from resources.services.compute import (
    AUDIT_FIELDS,
    HOLDING,
    QUEUED,
    _admit_locked,
    _lock_pool,
    _recompute_soon,
    _state,
    allocation_event_record,
    allocation_transition,
    notify_leads,
)
from tenancy.audit import snapshot
from tenancy.cache import COMPUTE
from tenancy.models import Organization, User
from tenancy.writes import current_write, org_write


def _end(organization: Organization, allocation: Allocation, state: str, allowed: tuple[str, ...],
         why: str) -> Allocation:
    w = current_write()
    w.same_org("allocation", allocation)
    pool = _lock_pool(organization, allocation.pool_id)
    a = Allocation.objects.for_org(organization).select_related("pod").get(pk=allocation.pk)
    if a.state not in allowed:
        raise ValidationError({"state": f"An allocation that is {a.get_state_display().lower()} cannot be "
                                        f"{AllocationState(state).label.lower()}."})
    now = timezone.now()
    was_holding = a.state in HOLDING
    if was_holding:
        a.ended_at = min(now, a.end)
        ledger.compute_settle(organization, w.actor, a, pool.unit_cost, a.ended_at, state)
    allocation_transition(a, state, why, now=now)
    if was_holding:
        call_off_reclaims(organization, pool, a, now)
    if pool.status == PoolStatus.OPEN:
        _admit_locked(organization, pool)
    _recompute_soon()
    return a


def call_off_reclaims(organization: Organization, pool: ComputePool, by: Allocation, now: dt.datetime) -> int:
    """Call off the reclaims `by` scheduled and has not carried out, for each borrower whose rest
    of the window [reclaim, end) fits the pool again without preempting anyone (checked at every
    instant by the engine, the borrowers taken in admission order). The caller holds the pool's lock."""
    w = current_write()
    victims = list(Allocation.objects.for_org(organization)
                   .filter(pool=pool, preempted_by=by, state__in=HOLDING, reclaim_at__gt=now)
                   .select_related("pod").order_by("admitted_at", "pk"))
    kept: list[Allocation] = []
    for v in victims:
        assert v.reclaim_at is not None  # the query asked for it
        rest = eng.Ask(v.pod_id, v.amount, v.reclaim_at, v.end, v.priority, v.preemptible)
        decision = eng.decide(_state(organization, pool, since=now), rest)
        if decision.outcome != eng.ADMIT:
            continue  # the capacity went elsewhere meanwhile: the reclaim stands
        warned, at = v.reclaim_notified_at is not None, v.reclaim_at
        v.preempted_by, v.reclaim_at, v.reclaim_notified_at = None, None, None
        v.borrowed = max(v.borrowed, decision.borrowed)
        v.save(update_fields=["preempted_by", "reclaim_at", "reclaim_notified_at", "borrowed", "updated_at"])
        allocation_event_record(v, AllocationState.ADMITTED, f"Reclaim of {at:%Y-%m-%d %H:%M} UTC called off: allocation #{by.pk} "
                                           f"of {by.pod} was released", by=by, at=now)
        w.audit("allocation.reclaim_called_off", target=v, after=snapshot(v, AUDIT_FIELDS))
        if warned:
            kept.append(v)
    notify_leads(organization, kept, "resources.reclaim_called_off", lambda v: (
        f"Reclaim called off: allocation #{v.pk} keeps its {pool.unit} on {pool.name}",
        f"The lending pod released allocation #{by.pk}; yours runs to its end {v.end:%Y-%m-%d %H:%M} UTC."))
    return len(victims)


@org_write.service(COMPUTE)
def allocation_release(
    *, organization: Organization, actor: User | None, allocation: Allocation
) -> Allocation:
    """End an admitted allocation early; reclaims it scheduled are called off where the capacity
    allows, and the rest goes to the queue at once."""
    return _end(organization, allocation, AllocationState.RELEASED, HOLDING, "Released before its end")


@org_write.service(COMPUTE)
def allocation_cancel(
    *, organization: Organization, actor: User | None, allocation: Allocation
) -> Allocation:
    """Withdraw a request that is queued or waiting for approval."""
    allowed = (*QUEUED, AllocationState.NEEDS_APPROVAL)
    return _end(organization, allocation, AllocationState.CANCELLED, allowed, "Cancelled by the requester")
