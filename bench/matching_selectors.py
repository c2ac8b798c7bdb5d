"""Reads for matching: weeks, each person's free hours per week, and the candidate pairs, chosen in
SQL (a request's every required skill at or above its level), never person × request in Python."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from bench.models import OPEN_REQUEST_STATES, BenchEntry, BenchStatus, StaffingRequest, TimeOff
from pods.selectors import assignments_overlapping
from tenancy.models import Organization, Person, PersonSkill

EPOCH = datetime.date(2000, 1, 3)  # a Monday: week indexes count from here


def week_of(day: datetime.date) -> int:
    return (day - EPOCH).days // 7


def week_start(index: int) -> datetime.date:
    return EPOCH + datetime.timedelta(days=7 * index)


def window_weeks(start: datetime.date, end: datetime.date) -> range:
    """The weeks touching `[start, end)`."""
    return range(week_of(start), week_of(end - datetime.timedelta(days=1)) + 1)


def allocation_for(hours: float | None, percent: int | None, capacity: int) -> int | None:
    """The assignment's allocation % for a need of `hours` (or `percent`) from a person of
    `capacity` hours; None when it does not fit in one person's week."""
    if percent:
        return int(percent)
    if not hours or capacity <= 0:
        return None
    pct = math.ceil(hours * 100 / capacity - 1e-9)
    return pct if pct <= 100 else None


def need_hours(request: StaffingRequest, capacity: int) -> float | None:
    """Hours a week the request takes from this person (from the rounded allocation, as booked)."""
    pct = allocation_for(request.hours_per_week, request.allocation_percent, capacity)
    return None if pct is None else round(pct * capacity / 100, 2)


@dataclass
class PersonWeeks:
    """One person's weekly picture over a horizon of weeks."""

    person_id: int
    capacity: int  # the person's weekly hours (100% allocation)
    cap: dict[int, float] = field(default_factory=dict)  # hours that may be committed
    committed: dict[int, float] = field(default_factory=dict)
    off: set[int] = field(default_factory=set)
    rate: Decimal = Decimal(0)
    on_bench: bool = False

    # free(week), memoised: the recompute asks it for every candidate pair and week (millions of
    # times at scale); cap and committed are complete once `people_weeks` returns.
    _free: dict[int, float] = field(default_factory=dict, repr=False, compare=False)

    def free(self, week: int) -> float:
        value = self._free.get(week)
        if value is None:
            value = self._free[week] = round(self.cap.get(week, 0.0) - self.committed.get(week, 0.0), 2)
        return value


def people_weeks(*, organization: Organization, person_ids: Any, first: int, last: int,
                 lock: bool = False) -> dict[int, PersonWeeks]:
    """Cap, committed hours and time off per week `first..last` for each person, in 3 queries.

    A bench person's cap is their offered hours × utilisation cap inside their availability; anyone
    else's is their weekly capacity. An assignment touching a week counts for that whole week."""
    start, end = week_start(first), week_start(last + 1)
    people = Person.objects.for_org(organization).filter(pk__in=person_ids, is_active=True)
    if lock:  # person-first lock order, as pods' assignment services take it
        people = people.select_for_update(of=("self",)).order_by("pk")
    out = {p.pk: PersonWeeks(person_id=p.pk, capacity=p.weekly_capacity_hours)
           for p in people.only("pk", "weekly_capacity_hours")}
    entries = {e.person_id: e for e in BenchEntry.objects.for_org(organization).filter(person_id__in=out)}
    weeks = range(first, last + 1)
    for pid, pw in out.items():
        e = entries.get(pid)
        if e is None:
            pw.cap = {w: float(pw.capacity) for w in weeks}
            continue
        pw.on_bench, pw.rate = True, e.rate_per_hour
        if e.status == BenchStatus.OFF:
            continue
        lo, hi = week_of(e.available_from), week_of(e.available_to) if e.available_to else last
        pw.cap = {w: min(e.cap_hours, float(pw.capacity)) for w in weeks if lo <= w <= hi}
    for t in TimeOff.objects.for_org(organization).filter(
            entry__person_id__in=out, end_date__gt=start, start_date__lt=end).values("entry__person_id",
                                                                                     "start_date", "end_date"):
        out[t["entry__person_id"]].off.update(window_weeks(t["start_date"], t["end_date"]))
    for a in assignments_overlapping(organization=organization, start=start, end=end,
                                     person_ids=list(out)).values("person_id", "allocation_percent",
                                                                  "start_date", "end_date"):
        pw = out[a["person_id"]]
        hours = pw.capacity * a["allocation_percent"] / 100
        a_end = (a["end_date"] + datetime.timedelta(days=1)) if a["end_date"] else end
        for w in window_weeks(max(a["start_date"], start), min(a_end, end)):
            pw.committed[w] = pw.committed.get(w, 0.0) + hours
    return out


def open_requests(*, organization: Organization) -> list[StaffingRequest]:
    return list(StaffingRequest.objects.for_org(organization).filter(status__in=OPEN_REQUEST_STATES)
                .select_related("pod").prefetch_related("skills__skill").order_by("pk"))


_PAIRS_SQL = """
SELECT rs.request_id, ps.person_id
FROM bench_requestskill rs
JOIN tenancy_personskill ps
  ON ps.organization_id = rs.organization_id AND ps.skill_id = rs.skill_id AND ps.level >= rs.min_level
JOIN tenancy_person p ON p.id = ps.person_id AND p.organization_id = rs.organization_id AND p.is_active
LEFT JOIN bench_benchentry be ON be.organization_id = rs.organization_id AND be.person_id = ps.person_id
WHERE rs.organization_id = %s AND rs.request_id = ANY(%s) AND (be.status IS NULL OR be.status <> 'off')
GROUP BY rs.request_id, ps.person_id
HAVING count(*) = (SELECT count(*) FROM bench_requestskill r2
                   WHERE r2.organization_id = %s AND r2.request_id = rs.request_id)
ORDER BY rs.request_id, ps.person_id
"""


def candidate_pairs(*, organization: Organization, request_ids: list[int]) -> dict[int, list[int]]:
    """{request id: [person ids]} holding EVERY required skill at or above its level, in one query:
    the join counts matched skills per (request, person) and keeps those matching all."""
    if not request_ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(_PAIRS_SQL, [organization.pk, list(request_ids), organization.pk])
        rows = cur.fetchall()
    out: dict[int, list[int]] = defaultdict(list)
    for rid, pid in rows:
        out[rid].append(pid)
    return dict(out)


def skill_levels(*, organization: Organization, person_ids: Any, skill_ids: Any) -> dict[tuple[int, int], int]:
    return {(r["person_id"], r["skill_id"]): r["level"] for r in PersonSkill.objects.for_org(organization)
            .filter(person_id__in=person_ids, skill_id__in=skill_ids).values("person_id", "skill_id", "level")}


def pod_history(*, organization: Organization, pod_ids: Any, since: datetime.date) -> set[tuple[int, int]]:
    """(pod, person) pairs with an assignment in the pod since `since`: continuity."""
    return {(a["pod_id"], a["person_id"]) for a in assignments_overlapping(
        organization=organization, start=since, end=datetime.date.max, pod_ids=pod_ids)
        .values("pod_id", "person_id")}


def max_bench_rate(*, organization: Organization) -> Decimal:
    top = BenchEntry.objects.for_org(organization).order_by("-rate_per_hour").values_list(
        "rate_per_hour", flat=True).first()
    return top or Decimal(0)
