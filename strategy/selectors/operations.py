"""Pod operations in one table: each pod's stability in a quarter beside its time to value."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from strategy.quarters import Quarter, quarter_of
from strategy.selectors.stability import PodStability, pod_stability
from strategy.selectors.time_to_value import PodTimeToValue, pod_time_to_value
from tenancy.models import Organization


@dataclass(frozen=True)
class PodOperations:
    pod_id: int
    pod_name: str
    quarter: Quarter
    stability: PodStability | None  # None: nobody was in the pod in the quarter
    time_to_value: PodTimeToValue


def pod_operations(*, organization: Organization, quarter: Quarter | None = None,
                   today: datetime.date | None = None) -> list[PodOperations]:
    """Every pod, by name, with its stability in the quarter (default: the running one) and its
    time to value. Five queries, whatever the number of pods."""
    today = today or timezone.localdate()
    quarter = quarter or quarter_of(today, organization.quarter_start_month)
    stability = {r.pod_id: r for r in pod_stability(organization=organization, quarter=quarter, today=today)}
    return [PodOperations(pod_id=t.pod_id, pod_name=t.pod_name, quarter=quarter, stability=stability.get(t.pod_id),
                          time_to_value=t)
            for t in pod_time_to_value(organization=organization, today=today)]
