"""Stability and exposure of pods, from the assignment history (nothing is typed in).

The seeds promise pods that "stay intact" and "preserve context", with fewer rotating
contributors. Per pod and quarter:

- joins and leaves: a person's stay in a pod starts or ends in the quarter (the pod's founding
  members do not count as joins; back-to-back assignments of one person are one stay);
- mean size: person-days in the pod over the quarter's days (up to today for the running quarter);
- churn: (joins + leaves) / mean size;
- median tenure: days in the pod of those in it on the quarter's last day;
- exposure: distinct people who ever had access to the pod up to the quarter's end, and
  exposure per seat (that over the size on the last day: 1.0 means nobody ever rotated out).

Every figure is computed from one query of assignment rows and one of pod names.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from pods.selectors import assignment_list_for_export, pod_list
from strategy.quarters import Quarter, quarter_of
from tenancy.models import Organization

Stay = tuple[int, datetime.date, datetime.date | None]  # person_id, first day, last day (None: running)


@dataclass(frozen=True)
class PodStability:
    pod_id: int
    pod_name: str
    quarter: Quarter
    joins: int
    leaves: int
    mean_size: float
    churn: float | None  # None when the pod had nobody in the quarter
    median_tenure_days: float | None  # None when nobody was in it on the last day
    size_at_end: int
    people_in_quarter: int
    exposure: int
    exposure_per_seat: float | None


@dataclass(frozen=True)
class OrgStability:
    quarter: Quarter
    pods: int
    joins: int
    leaves: int
    mean_size: float
    churn: float | None
    median_tenure_days: float | None
    exposure: int  # summed over pods
    exposure_per_seat: float | None


def _merge(rows: list[tuple[int, datetime.date, datetime.date | None]]) -> list[Stay]:
    """One person's assignments in one pod, merged into stays (overlapping or back to back)."""
    stays: list[Stay] = []
    for person, start, end in sorted(rows, key=lambda r: r[1]):
        if stays:
            _p, first, last_end = stays[-1]
            if last_end is None or start <= last_end + datetime.timedelta(days=1):
                merged = None if last_end is None or end is None else max(last_end, end)
                stays[-1] = (person, first, merged)
                continue
        stays.append((person, start, end))
    return stays


def _stays_by_pod(organization: Organization, pod_ids: list[int] | None) -> dict[int, list[Stay]]:
    qs = assignment_list_for_export(organization=organization).select_related(None).order_by()
    if pod_ids is not None:
        qs = qs.filter(pod_id__in=pod_ids)
    grouped: dict[tuple[int, int], list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(list)
    for pod_id, person_id, start, end in qs.values_list("pod_id", "person_id", "start_date", "end_date"):
        grouped[(pod_id, person_id)].append((person_id, start, end))
    by_pod: dict[int, list[Stay]] = defaultdict(list)
    for (pod_id, _person), rows in grouped.items():
        by_pod[pod_id].extend(_merge(rows))
    return by_pod


def _window(quarter: Quarter, today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    last = min(quarter.end, today)
    return (quarter.start, last) if last >= quarter.start else None


def _pod_figures(pod_id: int, name: str, stays: list[Stay], quarter: Quarter,
                 today: datetime.date) -> PodStability | None:
    window = _window(quarter, today)
    if window is None or not stays:
        return None
    first, last = window
    founded = min(s for _p, s, _e in stays)
    days = (last - first).days + 1
    person_days = joins = leaves = 0
    in_quarter: set[int] = set()
    ever: set[int] = set()
    tenures: list[int] = []
    for person, start, end in stays:
        if start > last:
            continue
        ever.add(person)
        lo, hi = max(start, first), min(end or last, last)
        if hi < lo:
            continue
        in_quarter.add(person)
        person_days += (hi - lo).days + 1
        joins += first <= start <= last and start != founded
        leaves += end is not None and first <= end <= last and end < today
        if end is None or end >= last:
            tenures.append((last - start).days + 1)
    if not in_quarter:
        return None
    mean_size = person_days / days
    return PodStability(
        pod_id=pod_id, pod_name=name, quarter=quarter, joins=joins, leaves=leaves,
        mean_size=round(mean_size, 2), churn=round((joins + leaves) / mean_size, 3) if mean_size else None,
        median_tenure_days=float(statistics.median(tenures)) if tenures else None,
        size_at_end=len(tenures), people_in_quarter=len(in_quarter), exposure=len(ever),
        exposure_per_seat=round(len(ever) / len(tenures), 2) if tenures else None)


def _quarters(organization: Organization, today: datetime.date, count: int) -> list[Quarter]:
    q = quarter_of(today, organization.quarter_start_month)
    out = []
    for _ in range(max(count, 1)):
        out.append(q)
        q = q.previous(organization.quarter_start_month)
    return out


def pod_stability(*, organization: Organization, quarter: Quarter | None = None,
                  pod_ids: list[int] | None = None, today: datetime.date | None = None) -> list[PodStability]:
    """Each pod staffed in the quarter (default: the running one), by name. Two queries."""
    today = today or timezone.localdate()
    quarter = quarter or quarter_of(today, organization.quarter_start_month)
    by_pod = _stays_by_pod(organization, pod_ids)
    names = dict(pod_list(organization=organization).filter(pk__in=list(by_pod)).values_list("id", "name"))
    rows = [_pod_figures(pid, names.get(pid, ""), stays, quarter, today) for pid, stays in by_pod.items()]
    return sorted((r for r in rows if r is not None), key=lambda r: (r.pod_name.lower(), r.pod_id))


def pod_stability_history(*, organization: Organization, pod_id: int, quarters: int = 8,
                          today: datetime.date | None = None) -> list[PodStability]:
    """One pod's figures for its last `quarters` quarters, newest first (quarters it was empty
    are left out). Two queries."""
    today = today or timezone.localdate()
    stays = _stays_by_pod(organization, [pod_id]).get(pod_id, [])
    name = next(iter(pod_list(organization=organization).filter(pk=pod_id).values_list("name", flat=True)), "")
    rows = [_pod_figures(pod_id, name, stays, q, today) for q in _quarters(organization, today, quarters)]
    return [r for r in rows if r is not None]


def _summary(quarter: Quarter, rows: list[PodStability], tenures: list[float]) -> OrgStability:
    mean_size = sum(r.mean_size for r in rows)
    seats = sum(r.size_at_end for r in rows)
    exposure = sum(r.exposure for r in rows)
    return OrgStability(
        quarter=quarter, pods=len(rows), joins=sum(r.joins for r in rows), leaves=sum(r.leaves for r in rows),
        mean_size=round(mean_size, 2),
        churn=round(sum(r.joins + r.leaves for r in rows) / mean_size, 3) if mean_size else None,
        median_tenure_days=float(statistics.median(tenures)) if tenures else None,
        exposure=exposure, exposure_per_seat=round(exposure / seats, 2) if seats else None)


def org_stability(*, organization: Organization, quarters: int = 8,
                  today: datetime.date | None = None) -> list[OrgStability]:
    """The organization's figures for its last `quarters` quarters, newest first: churn over the
    summed mean sizes, the median tenure over every pod's members (not a median of medians).
    Two queries, whatever the number of quarters."""
    today = today or timezone.localdate()
    by_pod = _stays_by_pod(organization, None)
    names = dict(pod_list(organization=organization).values_list("id", "name"))
    out = []
    for q in _quarters(organization, today, quarters):
        rows = [r for pid, stays in by_pod.items()
                if (r := _pod_figures(pid, names.get(pid, ""), stays, q, today)) is not None]
        last = min(q.end, today)
        tenures = [float((last - s).days + 1) for stays in by_pod.values() for _p, s, e in stays
                   if s <= last and (e is None or e >= last)]
        out.append(_summary(q, rows, tenures))
    return out
