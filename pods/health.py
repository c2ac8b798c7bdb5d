"""Pod health, derived from the pod's data, never stored by hand.

The built-in checks read the figures `pods.health_selectors.pod_health_attach` attaches (one query
for a page of pods). Higher apps (governance: open escalations …) add their reasons by
registering a `tenancy.registry.HealthCheck` with both forms: a batch function that gives the
reasons for a page of pods, and its SQL twin that `?health=` filters on, so the filter and the
health shown cannot disagree. The lower app never imports them.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tenancy.models import Organization
from tenancy.registry import registry

OK, WARN, FAIL, NOT_ASSESSED = "ok", "warn", "fail", "na"
LEVEL_ORDER = {NOT_ASSESSED: -1, OK: 0, WARN: 1, FAIL: 2}
LEVEL_LABEL = {NOT_ASSESSED: "Not assessed", OK: "Healthy", WARN: "At risk", FAIL: "Unhealthy"}


@dataclass(frozen=True)
class HealthReason:
    check: str
    level: str
    message: str


@dataclass(frozen=True)
class PodHealth:
    level: str
    reasons: tuple[HealthReason, ...]

    @property
    def label(self) -> str:
        return LEVEL_LABEL[self.level]

    @property
    def problems(self) -> tuple[HealthReason, ...]:
        return tuple(r for r in self.reasons if r.level in (WARN, FAIL))


BatchCheck = Callable[[Organization, list[Any], datetime.date], dict[int, list[HealthReason]]]


def core_reasons(pod: Any, organization: Organization, today: datetime.date) -> list[HealthReason]:
    """Checks on the annotations member_count, lead_count, protected_count, charter_review."""
    reasons: list[HealthReason] = []
    lo, hi = organization.pod_size_min, organization.pod_size_max
    n = pod.member_count
    members = f"{n} member{'' if n == 1 else 's'}"
    if lo <= n <= hi:
        reasons.append(HealthReason("size", OK, f"{members}, within {lo}–{hi}."))
    else:
        reasons.append(HealthReason("size", WARN, f"{members}; the organization's bounds are {lo}–{hi}."))
    if pod.lead_count == 1:
        reasons.append(HealthReason("lead", OK, "Exactly one pod lead."))
    elif pod.lead_count == 0:
        reasons.append(HealthReason("lead", FAIL, "No pod lead."))
    else:
        reasons.append(HealthReason("lead", FAIL, f"{pod.lead_count} pod leads; a pod has exactly one."))
    threshold, target = organization.protected_time_threshold, organization.protected_share_target
    share = round(100 * pod.protected_count / n) if n else 0
    if n and share >= target:
        reasons.append(HealthReason(
            "protected_time", OK,
            f"{share}% of members have protected time (an allocation of {threshold}% or more); "
            f"the target of {target}% is met."))
    else:
        reasons.append(HealthReason(
            "protected_time", WARN,
            f"{share}% of members have protected time (an allocation of {threshold}% or more); "
            f"the target is {target}%."))
    review = pod.charter_review
    if review is None:
        reasons.append(HealthReason("charter", WARN, "No charter yet."))
    elif review < today:
        days = (today - review).days
        reasons.append(HealthReason("charter", WARN, f"Charter review overdue by {days} days."))
    else:
        reasons.append(HealthReason("charter", OK, f"Charter review due {review.isoformat()}."))
    return reasons


def health_inputs(organization: Organization) -> str:
    """What a snapshot row was derived under besides the pod's data: settings and checks."""
    o = organization
    raw = (f"{o.pod_size_min},{o.pod_size_max},{o.protected_time_threshold},{o.protected_share_target}|"
           + ",".join(sorted(c.name for c in registry.health_checks.all())))
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def attach_health(organization: Organization, pods: Iterable[Any], today: datetime.date) -> list[Any]:
    """Set `pod.health` on each annotated pod; registered checks run once for the whole batch."""
    pods = list(pods)
    extra: dict[int, list[HealthReason]] = {}
    for check in registry.health_checks.all():
        for pod_id, reasons in check.batch(organization, pods, today).items():
            extra.setdefault(pod_id, []).extend(reasons)
    for pod in pods:
        if getattr(pod, "status", "") == "sunset":
            # A retired pod is not expected to be staffed or chartered.
            reason = HealthReason("status", NOT_ASSESSED, "Sunset: health is no longer assessed.")
            pod.health = PodHealth(level=NOT_ASSESSED, reasons=(reason,))
            continue
        reasons = core_reasons(pod, organization, today) + extra.get(pod.pk, [])
        level = max((r.level for r in reasons), key=LEVEL_ORDER.__getitem__, default=OK)
        pod.health = PodHealth(level=level, reasons=tuple(reasons))
    return pods
