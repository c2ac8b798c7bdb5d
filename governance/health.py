"""Governance's reason in pod health: open escalations older than their SLA."""

from __future__ import annotations

import datetime
from typing import Any

from pods.health import WARN, HealthReason
from tenancy.models import Organization


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
