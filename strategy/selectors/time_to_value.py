"""Time to value: "ship in weeks, not quarters", measured.

Per pod: days from the pod becoming active to its first production deployment that passed the
deployment gate. The first is in the audit trail (the first `pod.*` event that shows it active;
a pod made active without one, e.g. imported, counts from its creation); the second is a pod
milestone another app registers (`first_passed_gate`, governance's, read through the registry
so strategy depends on pods only). Without that milestone registered no pod has shipped.

Per quarter cohort of pods that became active in it: the median days of those that shipped, and
how many are still waiting (and for how long), since a median of only the fast ones flatters.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.utils import timezone

from pods.models import PodStatus
from pods.selectors import pod_list
from strategy.quarters import Quarter, quarter_of
from tenancy.models import Organization
from tenancy.registry import registry
from tenancy.selectors import audit_event_list

MILESTONE = "first_passed_gate"


@dataclass(frozen=True)
class PodTimeToValue:
    pod_id: int
    pod_name: str
    status: str
    active_on: datetime.date | None  # None: never active yet
    first_value_on: datetime.date | None  # None: no deployment has passed the gate yet
    days: int | None  # active → first value; None until both are known
    waiting_days: int | None  # active and not shipped yet: days so far
    cohort: Quarter | None  # the quarter it became active in


@dataclass(frozen=True)
class CohortTimeToValue:
    quarter: Quarter
    pods: int  # became active in the quarter
    shipped: int
    median_days: float | None  # over those that shipped
    waiting: int
    longest_wait_days: int | None


def _activation_days(organization: Organization, pod_ids: list[int]) -> dict[int, datetime.date]:
    events = (audit_event_list(organization=organization, action="pod.", target_type="pod")
              .filter(after__status=PodStatus.ACTIVE, target_id__in=[str(pk) for pk in pod_ids])
              .order_by("created_at", "id")
              .values_list("target_id", "created_at"))
    first: dict[int, datetime.date] = {}
    for target_id, at in events:
        first.setdefault(int(target_id), timezone.localdate(at))
    return first


def pod_time_to_value(*, organization: Organization, pod_ids: list[int] | None = None,
                      today: datetime.date | None = None) -> list[PodTimeToValue]:
    """Every pod (or the given ones), by name. Three queries (pods, audit trail, milestone)."""
    today = today or timezone.localdate()
    pods = pod_list(organization=organization)
    if pod_ids is not None:
        pods = pods.filter(pk__in=pod_ids)
    rows = list(pods.values_list("id", "name", "status", "created_at"))
    ids = [r[0] for r in rows]
    active = _activation_days(organization, ids) if ids else {}
    milestone = registry.pod_milestones.get(MILESTONE)
    shipped = {pk: timezone.localdate(at) for pk, at in milestone.dates(organization, ids).items()} \
        if milestone is not None and ids else {}
    out = []
    for pk, name, status, created in rows:
        active_on = active.get(pk) or (timezone.localdate(created) if status != PodStatus.FORMING else None)
        value_on = shipped.get(pk)
        days = max((value_on - active_on).days, 0) if active_on and value_on else None
        waiting = (today - active_on).days if active_on and value_on is None else None
        out.append(PodTimeToValue(
            pod_id=pk, pod_name=name, status=status, active_on=active_on, first_value_on=value_on, days=days,
            waiting_days=waiting,
            cohort=quarter_of(active_on, organization.quarter_start_month) if active_on else None))
    return out


def cohort_time_to_value(rows: list[PodTimeToValue]) -> list[CohortTimeToValue]:
    """Pods grouped by the quarter they became active in, newest first (no query)."""
    by_quarter: dict[Quarter, list[PodTimeToValue]] = {}
    for r in rows:
        if r.cohort is not None:
            by_quarter.setdefault(r.cohort, []).append(r)
    out = []
    for quarter in sorted(by_quarter, key=lambda q: q.start, reverse=True):
        members = by_quarter[quarter]
        days = [r.days for r in members if r.days is not None]
        waits = [r.waiting_days for r in members if r.waiting_days is not None]
        out.append(CohortTimeToValue(
            quarter=quarter, pods=len(members), shipped=len(days),
            median_days=float(statistics.median(days)) if days else None,
            waiting=len(waits), longest_wait_days=max(waits) if waits else None))
    return out


def time_to_value_by_cohort(*, organization: Organization,
                            today: datetime.date | None = None) -> list[CohortTimeToValue]:
    """The organization's quarter cohorts of new pods, newest first. Three queries."""
    return cohort_time_to_value(pod_time_to_value(organization=organization, today=today))
