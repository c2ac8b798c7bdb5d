"""What time does to allocations, run by the worker every minute (`compute_tick`).

- An admitted allocation whose end has passed is `finished` (its hold posted and closed).
- A queued or unapproved request whose window has passed without capacity is `rejected`.
- Each open pool's queue is admitted again (capacity freed by expiry, or a start now reached).
- Every borrowed allocation gets its reclaim forecast; its pod's lead is notified once when the
  forecast comes within the lead time (settings.PODIUM_RECLAIM_NOTICE_HOURS, default 24).
Each pool is one short transaction under its row lock, so ticks and requests serialize per pool.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from resources import admission as eng
from resources.models import Allocation, AllocationState, ComputePool, PoolStatus
from resources.selectors import reclaim_notice
from resources.services import ledger
from resources.services.compute import (
    HOLDING,
    QUEUED,
    _admit_locked,
    _ask,
    _lock_pool,
    _recompute_soon,
    _state,
    allocation_preempt,
    allocation_transition,
    notify_leads,
)
from tenancy.cache import COMPUTE
from tenancy.models import Organization
from tenancy.writes import org_write

WAITING = (*QUEUED, AllocationState.NEEDS_APPROVAL)


def _notice() -> dt.timedelta:
    return reclaim_notice()


def compute_tick(*, organization: Organization, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"finished": 0, "rejected": 0, "reclaimed": 0, "admitted": 0, "notified": 0}
    pool_ids = list(ComputePool.objects.for_org(organization).order_by("pk").values_list("pk", flat=True))
    for pool_id in pool_ids:  # one transaction per pool, locks in pk order
        with org_write(organization, None, COMPUTE):
            pool = _lock_pool(organization, pool_id)
            changed = _expire_locked(organization, pool, now, counts)
            if pool.status == PoolStatus.OPEN:
                admitted = _admit_locked(organization, pool, now)
                counts["admitted"] += len(admitted)
                changed = changed or bool(admitted)
            counts["notified"] += _forecast_locked(organization, pool, now)
            if changed:
                _recompute_soon()
    return counts


def _expire_locked(organization: Organization, pool: ComputePool, now: dt.datetime,
                   counts: dict[str, int]) -> bool:
    rows = (Allocation.objects.for_org(organization).filter(pool=pool, end__lte=now)
            .filter(state__in=(*HOLDING, *WAITING)).select_related("pod").order_by("pk"))
    changed = False
    reclaimed = (Allocation.objects.for_org(organization)
                 .filter(pool=pool, state__in=HOLDING, preempted_by__isnull=False, reclaim_at__lte=now, end__gt=now)
                 .select_related("pod", "preempted_by__pod").order_by("pk"))
    for a in reclaimed:  # time-based reclaims that are due
        by, at = a.preempted_by, a.reclaim_at
        if by is None or at is None:  # the query asked for both; this tells the type checker
            continue
        changed = True
        allocation_preempt(a, by, f"Reclaimed at {at:%Y-%m-%d %H:%M} UTC by allocation #{by.pk} of {by.pod} "
                       "(its reservation of lent capacity began); requeued for the rest of the window",
                at, pool)
        counts["reclaimed"] += 1
    for a in rows:
        changed = True
        if a.state in HOLDING:
            ledger.compute_settle(organization, None, a, pool.unit_cost, a.end, "finished")
            allocation_transition(a, AllocationState.FINISHED, "Finished at its end", now=now)
            counts["finished"] += 1
        else:
            allocation_transition(a, AllocationState.REJECTED,
                       f"Its window ended while {a.get_state_display().lower()}: no capacity was admitted",
                       now=now)
            counts["rejected"] += 1
    return changed


def _forecast_locked(organization: Organization, pool: ComputePool, now: dt.datetime) -> int:
    """Store each borrowed allocation's reclaim forecast; notify leads within the notice."""
    borrowers = list(Allocation.objects.for_org(organization)
                     .filter(Q(borrowed__gt=0) | Q(preempted_by__isnull=False), pool=pool, state__in=HOLDING,
                             end__gt=now).select_related("pod"))
    if not borrowers:
        return 0
    state = _state(organization, pool, since=now)
    claims = [_ask(a, now) for a in Allocation.objects.for_org(organization)
              .filter(pool=pool, state__in=QUEUED, end__gt=now)]
    due: list[Allocation] = []
    for a in borrowers:
        if a.preempted_by_id is None:  # no reclaim scheduled: forecast from the lenders' queue
            held = next((h for h in state.held if h.id == a.pk), None)
            forecast = eng.reclaim_forecast(state, held, claims, now) if held else None
            if forecast != a.reclaim_at:
                a.reclaim_at = forecast
                if forecast is None:
                    a.reclaim_notified_at = None
                a.save(update_fields=["reclaim_at", "reclaim_notified_at", "updated_at"])
        if a.reclaim_at is not None and a.reclaim_notified_at is None and a.reclaim_at - now <= _notice():
            due.append(a)
    if not due:
        return 0
    notify_leads(organization, due, "resources.reclaim_forecast", lambda a: (
        f"Borrowed {pool.unit} on {pool.name} may be reclaimed {a.reclaim_at:%Y-%m-%d %H:%M} UTC",
        f"Allocation #{a.pk} borrows {a.borrowed} {pool.unit}; a lending pod has asked for its "
        "nominal quota back from then."))
    for a in due:
        a.reclaim_notified_at = now
        a.save(update_fields=["reclaim_notified_at", "updated_at"])
    return len(due)
