"""Governance's reason in pod health: open escalations older than their SLA.

Registered with `tenancy.registry` in both forms: the batch reasons a page shows, and the SQL
twin `?health=` filters on (the same condition: active and past `due_at`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef, Q

from pods.health import WARN, HealthReason
from tenancy.cache import ESCALATIONS
from tenancy.models import Organization
from tenancy.registry import HealthCheck


def overdue_escalations_check(organization: Organization, pods: list[Any],
                              today: datetime.date) -> dict[int, list[HealthReason]]:
    """One query for the whole page of pods."""
    from governance.selectors import overdue_counts

    if not pods:
        return {}
    out: dict[int, list[HealthReason]] = {}
    for pod_id, (n, _oldest) in overdue_counts(organization=organization, pod_ids=[p.pk for p in pods]).items():
        out[pod_id] = [HealthReason("escalations", WARN,
                                    f"{n} open escalation{'' if n == 1 else 's'} past {'its' if n == 1 else 'their'} SLA.")]
    return out


def overdue_escalations_sql(organization: Organization, today: datetime.date) -> dict[str, Q]:
    """Pods with an open escalation past its SLA, as a condition on Pod (the batch check's twin)."""
    from governance.selectors import escalation_overdue_exists

    return {WARN: Q(escalation_overdue_exists(organization=organization, pod_ref=OuterRef("pk")))}


def overdue_escalations_until(organization: Organization, pod_ids: list[int],
                              now: datetime.datetime) -> dict[int, datetime.datetime]:
    """When each pod's reason changes with no write: its next escalation passing its SLA."""
    from governance.selectors import next_overdue_at

    return next_overdue_at(organization=organization, pod_ids=pod_ids, now=now)


OVERDUE_ESCALATIONS = HealthCheck(
    name="escalations", batch=overdue_escalations_check, sql=overdue_escalations_sql,
    scopes=(ESCALATIONS,), until=overdue_escalations_until,
)
