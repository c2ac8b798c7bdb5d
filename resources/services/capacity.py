"""Capacity snapshots, recomputed by a worker (the dashboards read these, never raw allocations).

Per pool per day, in average units held over the day: within nominal, borrowed, lent (borrowed
beyond the pool's unassigned capacity, so taken from some pod's idle nominal), pending demand and
free; per pod per week (Monday-based) the people in FTE and the compute units held; and per
expert per week the hours offered and booked (`resources.experts.snapshot_services`). One
recompute replaces an organization's snapshots in one transaction, so a killed worker
leaves the last good set; `CapacityRun` says when ("as of"). Linear in the allocations that
overlap the window.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from pods.models import Assignment
from resources.experts.models import ExpertWeekSnapshot
from resources.experts.snapshot_services import expert_week_rows
from resources.models import (
    Allocation,
    AllocationState,
    CapacityRun,
    CapacitySnapshot,
    ComputePool,
    PodWeekSnapshot,
    Quota,
)
from tenancy.models import Organization

DAYS_BACK, DAYS_AHEAD = 30, 30
USED = (AllocationState.ADMITTED, AllocationState.FINISHED, AllocationState.RELEASED,
        AllocationState.PREEMPTED)
DEMAND = (AllocationState.PENDING, AllocationState.PREEMPTED, AllocationState.NEEDS_APPROVAL)


def _spread(into: dict[dt.date, float], start: dt.datetime, end: dt.datetime, units: float,
            lo: dt.datetime, hi: dt.datetime) -> None:
    """Add `units` held over [start, end) to each day's average, clipped to [lo, hi)."""
    start, end = max(start, lo), min(end, hi)
    while start < end:
        day_end = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        stop = min(end, day_end)
        into[start.date()] += units * (stop - start).total_seconds() / 86400
        start = stop


def capacity_recompute(*, organization: Organization, today: dt.date | None = None) -> CapacityRun:
    began = time.monotonic()
    today = today or timezone.now().astimezone(dt.UTC).date()
    lo = dt.datetime.combine(today - dt.timedelta(days=DAYS_BACK), dt.time(), tzinfo=dt.UTC)
    hi = dt.datetime.combine(today + dt.timedelta(days=DAYS_AHEAD + 1), dt.time(), tzinfo=dt.UTC)
    pools = list(ComputePool.objects.for_org(organization).order_by("pk"))
    nominal = dict(Quota.objects.for_org(organization).values("pool_id").annotate(s=Sum("nominal"))
                   .values_list("pool_id", "s"))
    within: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    borrowed: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    pending: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    # Pod weeks cover whole weeks around the same window.
    week_lo = lo - dt.timedelta(days=lo.weekday())
    week_hi = hi + dt.timedelta(days=(7 - hi.weekday()) % 7)
    pod_held: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    pod_borrowed: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    rows = (Allocation.objects.for_org(organization)
            .filter(Q(state__in=USED) | Q(state__in=DEMAND), start__lt=week_hi, end__gt=week_lo)
            .values_list("pool_id", "pod_id", "state", "amount", "borrowed", "start", "end", "ended_at",
                         "admitted_at"))
    count = 0
    for pool_id, pod_id, state, amount, borrow, start, end, ended_at, admitted_at in rows.iterator(
            chunk_size=5000):
        count += 1
        if state in USED and admitted_at is not None:
            stop = min(end, ended_at) if ended_at else end
            _spread(within[pool_id], start, stop, amount - borrow, lo, hi)
            _spread(borrowed[pool_id], start, stop, borrow, lo, hi)
            _spread(pod_held[pod_id], start, stop, amount, week_lo, week_hi)
            _spread(pod_borrowed[pod_id], start, stop, borrow, week_lo, week_hi)
        if state in DEMAND:
            _spread(pending[pool_id], start, end, amount, lo, hi)
    snapshots = []
    for pool in pools:
        nom = nominal.get(pool.pk) or 0
        unassigned = pool.capacity - nom
        day = lo.date()
        while day < hi.date():
            w, b = within[pool.pk][day], borrowed[pool.pk][day]
            snapshots.append(CapacitySnapshot(
                organization=organization, pool=pool, day=day, capacity=pool.capacity, nominal=nom,
                within_nominal=round(w, 3), borrowed=round(b, 3), lent=round(max(0.0, b - unassigned), 3),
                pending=round(pending[pool.pk][day], 3), free=round(max(0.0, pool.capacity - w - b), 3)))
            day += dt.timedelta(days=1)
    weeks = _pod_weeks(organization, week_lo.date(), week_hi.date(), pod_held, pod_borrowed)
    expert_weeks = expert_week_rows(organization, week_lo.date(), week_hi.date())
    with transaction.atomic():
        CapacitySnapshot.objects.for_org(organization).delete()
        CapacitySnapshot.objects.bulk_create(snapshots, batch_size=2000)
        PodWeekSnapshot.objects.for_org(organization).delete()
        PodWeekSnapshot.objects.bulk_create(weeks, batch_size=2000)
        ExpertWeekSnapshot.objects.for_org(organization).delete()
        ExpertWeekSnapshot.objects.bulk_create(expert_weeks, batch_size=2000)
        run = CapacityRun.objects.create(organization=organization, computed_at=timezone.now(),
                                         seconds=0, allocations=count)
        CapacityRun.objects.for_org(organization).filter(pk__lt=run.pk).delete()
        run.seconds = round(time.monotonic() - began, 3)
        run.save(update_fields=["seconds"])
    return run


def _pod_weeks(organization: Organization, lo: dt.date, hi: dt.date, held: dict[int, dict[dt.date, float]],
               borrowed: dict[int, dict[dt.date, float]]) -> list[PodWeekSnapshot]:
    """One row per pod and week in [lo, hi) (lo a Monday) with people or compute: FTE is Σ
    allocation % / 100 × days the assignment runs in the week / 7 (its end date included);
    compute is the week's average of the daily average units held."""
    fte: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    assignments = (Assignment.objects.for_org(organization)
                   .filter(Q(end_date__isnull=True) | Q(end_date__gte=lo), start_date__lt=hi)
                   .values_list("pod_id", "allocation_percent", "start_date", "end_date"))
    for pod_id, percent, start, end in assignments.iterator(chunk_size=5000):
        first, last = max(start, lo), min(end or hi, hi - dt.timedelta(days=1))
        day = first
        while day <= last:
            week = day - dt.timedelta(days=day.weekday())
            week_end = min(week + dt.timedelta(days=6), last)
            fte[pod_id][week] += percent / 100 * ((week_end - day).days + 1) / 7
            day = week_end + dt.timedelta(days=1)
    out = []
    for pod_id in sorted(set(fte) | set(held)):
        week = lo
        while week < hi:
            days = [week + dt.timedelta(days=i) for i in range(7)]
            units = sum(held[pod_id][d] for d in days) / 7 if pod_id in held else 0.0
            borrow = sum(borrowed[pod_id][d] for d in days) / 7 if pod_id in borrowed else 0.0
            people = fte[pod_id][week] if pod_id in fte else 0.0
            if people or units:
                out.append(PodWeekSnapshot(organization=organization, pod_id=pod_id, week=week,
                                           fte=round(people, 3), compute_units=round(units, 3),
                                           borrowed_units=round(borrow, 3)))
            week += dt.timedelta(days=7)
    return out
