"""Reads for the bench pages and API, scoped to an organization, in a constant number of queries."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bench import matching_selectors as ms
from bench.models import (
    BenchEntry,
    BenchRun,
    RequestSkill,
    RequestStatus,
    ScalingSuggestion,
    StaffingRequest,
    SuggestionStatus,
)
from pods.selectors import assignments_overlapping
from tenancy.models import Organization, PersonSkill

HORIZON_WEEKS = 12


def _today() -> datetime.date:
    return timezone.localdate()


# --- The bench --------------------------------------------------------------------------------------


def bench_entry_list(*, organization: Organization, with_time_off: bool = True) -> QuerySet[BenchEntry]:
    """Entries with their person and skills (and time off, unless the caller reads it otherwise)."""
    qs = (BenchEntry.objects.for_org(organization).select_related("person")
          .prefetch_related(Prefetch("person__skills", queryset=PersonSkill.objects.for_org(organization)
                                     .select_related("skill").order_by("-level", "skill__name"))))
    return qs.prefetch_related("time_off") if with_time_off else qs


def bench_entry_get(*, organization: Organization, pk: Any) -> BenchEntry:
    return bench_entry_list(organization=organization).get(pk=pk)


def bench_board(*, organization: Organization, skill_id: int | None = None, level: int | None = None,
                min_free: float | None = None, page: Any = None, per_page: int = 25,
                today: datetime.date | None = None) -> dict[str, Any]:
    """Who is free now and in each of the next 12 weeks, with their engagements; filtered by skill,
    level and free hours this week; one page of it (`page`, and its `rows` with their timelines).
    The timeline is built for the page's people only; a free-hours filter reads this week for
    everyone first. A constant number of queries whatever the bench's size."""
    today = today or _today()
    first = ms.week_of(today)
    weeks = [ms.week_start(w) for w in range(first, first + HORIZON_WEEKS)]
    qs = BenchEntry.objects.for_org(organization)
    if skill_id:
        qs = qs.filter(person__skills__skill_id=skill_id, person__skills__level__gte=level or 1).distinct()
    ids = list(qs.order_by("person__full_name", "id").values_list("pk", "person_id"))
    if min_free is not None:
        now = ms.people_weeks(organization=organization, person_ids=[p for _e, p in ids], first=first, last=first)
        ids = [(e, p) for e, p in ids
               if p in now and first not in now[p].off and max(0.0, now[p].free(first)) >= min_free]
    paged = Paginator(ids, per_page).get_page(page)
    person_ids = [p for _e, p in paged.object_list]
    by_pk = {e.pk: e for e in bench_entry_list(organization=organization, with_time_off=False)  # weeks say it
             .filter(pk__in=[e for e, _p in paged])}
    pw = ms.people_weeks(organization=organization, person_ids=person_ids, first=first,
                         last=first + HORIZON_WEEKS - 1)
    engagements: dict[int, list[Any]] = defaultdict(list)
    for a in assignments_overlapping(organization=organization, start=today, end=datetime.date.max,
                                     person_ids=person_ids).select_related("pod", "role"):
        engagements[a.person_id].append(a)
    rows = []
    for entry_id, _pid in paged.object_list:
        e = by_pk[entry_id]
        p = pw.get(e.person_id)
        cells: list[dict[str, Any]] = []
        for i, w in enumerate(range(first, first + HORIZON_WEEKS)):
            cap = p.cap.get(w, 0.0) if p else 0.0
            free = 0.0 if (p is None or w in p.off) else max(0.0, p.free(w))
            level_ = "off" if (p and w in p.off) or cap == 0 else (
                "free" if free >= cap * 0.5 else "some" if free > 0 else "full")
            cells.append({"week": weeks[i], "free": round(free, 1), "cap": round(cap, 1), "level": level_})
        rows.append({"entry": e, "cells": cells, "free_now": cells[0]["free"],
                     "engagements": engagements[e.person_id], "skills": list(e.person.skills.all())})
    return {"page": paged, "rows": rows, "weeks": weeks}


# --- Staffing requests -------------------------------------------------------------------------------


def request_list(*, organization: Organization, status: str = "", pod_id: int | None = None,
                 open_only: bool = False) -> QuerySet[StaffingRequest]:
    qs = (StaffingRequest.objects.for_org(organization)
          .select_related("pod", "role", "filed_by", "assignment__person")
          .prefetch_related(Prefetch("skills", queryset=RequestSkill.objects.for_org(organization)
                                     .select_related("skill").order_by("id"))))
    if status == "active":
        qs = qs.filter(status__in=(RequestStatus.DRAFT, RequestStatus.OPEN, RequestStatus.PROPOSED))
    elif status in RequestStatus.values:
        qs = qs.filter(status=status)
    if pod_id:
        qs = qs.filter(pod_id=pod_id)
    return qs.order_by("-created_at", "-id")


def request_get(*, organization: Organization, pk: Any) -> StaffingRequest:
    return request_list(organization=organization).get(pk=pk)


def suggestion_list(*, organization: Organization, kind: str = "", request: StaffingRequest | None = None,
                    status: str = SuggestionStatus.OPEN, pod_ids: Any = None,
                    skill_id: int | None = None) -> QuerySet[ScalingSuggestion]:
    """Suggestions, best first. They are keyed per pod, kind and skill: `pod_ids` and `skill_id`
    narrow to those keys (an `add`'s skill is its request's key skill)."""
    qs = ScalingSuggestion.objects.for_org(organization).select_related(
        "pod", "person", "request", "other_request", "other_request__pod", "skill")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if request is not None:
        qs = qs.filter(request=request)
    if pod_ids is not None:
        qs = qs.filter(pod_id__in=pod_ids)
    if skill_id is not None:
        qs = qs.filter(skill_id=skill_id)
    return qs.order_by("-score", "id")


def suggestion_get(*, organization: Organization, pk: Any) -> ScalingSuggestion:
    return suggestion_list(organization=organization, status="").get(pk=pk)


def last_run(*, organization: Organization) -> BenchRun | None:
    return BenchRun.objects.for_org(organization).order_by("-finished_at").first()


# --- Measures leaders see ---------------------------------------------------------------------------


def _quarter(day: datetime.date, start_month: int) -> str:
    shifted = (day.month - start_month) % 12
    year = day.year - (1 if day.month < start_month else 0)
    return f"{year}-Q{shifted // 3 + 1}"


def bench_measures(*, organization: Organization, today: datetime.date | None = None) -> dict[str, Any]:
    """Fill rate, median days from request to fill, bench utilisation this week, bench cost per pod
    and quarter, and the requests that match nobody with the skills they miss."""
    today = today or _today()
    decided = list(StaffingRequest.objects.for_org(organization).exclude(
        status__in=(RequestStatus.DRAFT, RequestStatus.OPEN, RequestStatus.PROPOSED)).values(
        "status", "created_at", "filled_at"))
    fill_times = [(r["created_at"], r["filled_at"]) for r in decided if r["filled_at"] is not None]
    days = [(filled_at - created).total_seconds() / 86400 for created, filled_at in fill_times]
    entries = list(BenchEntry.objects.for_org(organization).values("person_id", "rate_per_hour"))
    week = ms.week_of(today)
    pw = ms.people_weeks(organization=organization, person_ids=[e["person_id"] for e in entries],
                         first=week, last=week)
    cap = sum(p.cap.get(week, 0.0) for p in pw.values())
    used = sum(min(p.committed.get(week, 0.0), p.cap.get(week, 0.0)) for p in pw.values())
    rates = {e["person_id"]: e["rate_per_hour"] for e in entries}
    cost: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for a in assignments_overlapping(organization=organization, start=today - datetime.timedelta(days=366),
                                     end=today + datetime.timedelta(days=366), person_ids=list(rates)
                                     ).select_related("pod", "person"):
        end = a.end_date or today
        weeks = max(1, ((end - a.start_date).days + 1) // 7)
        hours = a.person.weekly_capacity_hours * a.allocation_percent / 100 * weeks
        key = (a.pod.name, _quarter(a.start_date, organization.quarter_start_month))
        cost[key] += Decimal(str(hours)) * rates[a.person_id]
    run = last_run(organization=organization)
    gaps: dict[str, int] = defaultdict(int)
    for miss in (run.unmatched if run else []):
        if miss.get("candidates", 0) == 0 and not miss.get("over_budget"):  # nobody, budget aside
            for name in miss["skills"]:
                gaps[name] += 1
    return {
        "fill_rate": round(100 * len(fill_times) / len(decided)) if decided else None,
        "decided": len(decided), "filled": len(fill_times),
        "median_days_to_fill": round(statistics.median(days), 1) if days else None,
        "utilisation": round(100 * used / cap) if cap else None,
        "cost": sorted(((pod, q, round(v)) for (pod, q), v in cost.items()), key=lambda x: (x[1], x[0])),
        "unmatched": [m for m in (run.unmatched if run else []) if m.get("candidates", 0) == 0],
        "skill_gaps": sorted(gaps.items(), key=lambda kv: (-kv[1], kv[0])),
        "run": run,
    }
