"""Approval cycle time: filed → decided, split into approver time and pod time, by group.

Computed into one `CycleTimeSnapshot` per organization (the dashboard reads the snapshot)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.models import ACTIVE_STATUSES, CycleTimeSnapshot, Escalation
from tenancy.models import Organization


def _stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
    hours = sorted(r["cycle"] / 3600 for r in rows)
    if not hours:
        return {"n": 0}
    p90 = hours[min(len(hours) - 1, max(0, int(round(0.9 * len(hours) + 0.5)) - 1))]
    return {
        "n": len(hours),
        "median_h": round(statistics.median(hours), 1),
        "p90_h": round(p90, 1),
        "approver_median_h": round(statistics.median(r["approver"] / 3600 for r in rows), 1),
        "pod_median_h": round(statistics.median(r["pod"] / 3600 for r in rows), 1),
        "breaches": sum(1 for r in rows if r["breached"]),
    }


def cycle_time_compute(*, organization: Organization) -> dict[str, Any]:
    """Median and p90 of filed → decided, split into approver and pod time, by group."""
    rows: list[dict[str, Any]] = []
    qs = (Escalation.objects.for_org(organization)
          .filter(self_decided=False, decided_at__isnull=False)
          .values("filed_at", "decided_at", "pod_wait_seconds", "breach_count", "current_tier__level",
                  "current_tier__name", "decision_type__name", "decided_by__full_name", "decided_by__email"))
    for r in qs.iterator(chunk_size=2000):
        decided = r["decided_at"]
        if decided is None:  # excluded by the filter; says so to the type checker
            continue
        cycle = max(0, int((decided - r["filed_at"]).total_seconds()))
        rows.append({
            "cycle": cycle, "pod": min(cycle, r["pod_wait_seconds"]),
            "approver": max(0, cycle - r["pod_wait_seconds"]), "breached": r["breach_count"] > 0,
            "tier": f"Tier {r['current_tier__level']} · {r['current_tier__name']}",
            "type": r["decision_type__name"],
            "approver_name": r["decided_by__full_name"] or r["decided_by__email"] or "—",
            "month": decided.strftime("%Y-%m"),
        })
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {k: defaultdict(list) for k in
                                                           ("tier", "type", "approver_name", "month")}
    for row in rows:
        for key, bucket in groups.items():
            bucket[row[key]].append(row)
    breaches_total = Escalation.objects.for_org(organization).filter(breach_count__gt=0).count()
    open_breached = Escalation.objects.for_org(organization).filter(
        status__in=ACTIVE_STATUSES, due_at__lt=timezone.now()).count()
    return {
        "overall": _stats(rows),
        "by_tier": [{"label": k, **_stats(v)} for k, v in sorted(groups["tier"].items())],
        "by_type": [{"label": k, **_stats(v)} for k, v in sorted(groups["type"].items())],
        "by_approver": sorted(({"label": k, **_stats(v)} for k, v in groups["approver_name"].items()),
                              key=lambda s: -s["n"]),
        "by_month": [{"label": k, **_stats(v)} for k, v in sorted(groups["month"].items())][-24:],
        "breaches_total": breaches_total,
        "open_past_sla": open_breached,
    }


def cycle_time_recompute(*, organization: Organization) -> CycleTimeSnapshot:
    """Recompute in one transaction, so a killed worker leaves the last good snapshot."""
    with transaction.atomic():
        data = cycle_time_compute(organization=organization)
        snap, _ = CycleTimeSnapshot.objects.update_or_create(
            organization=organization, defaults={"data": data, "computed_at": timezone.now()})
    return snap
