"""Set-ups shared by the resources tests (built through the services, like real data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from resources import services
from tests.factories import member, pod_lead


def soon(hours: float = 0) -> dt.datetime:
    """A whole hour in the future (windows that have passed are refused), plus `hours`."""
    base = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    return base + dt.timedelta(hours=hours)


@dataclass
class Compute:
    org: Any
    admin: Any
    pool: Any
    lead_a: Any  # membership of pod A's lead
    pod_a: Any
    lead_b: Any
    pod_b: Any

    def ask(self, pod: Any = None, amount: int = 1, start: float = 0, end: float = 4, **kw: Any) -> Any:
        pod = pod or self.pod_a
        actor = (self.lead_a if pod == self.pod_a else self.lead_b).user
        return services.allocation_request(organization=self.org, actor=actor, pod=pod, pool=self.pool,
                                           amount=amount, start=soon(start), end=soon(end), **kw)


def compute_setup(org: Any, capacity: int = 8, name: str = "H100 80GB", unit_cost: Any = 0) -> Compute:
    """A pool shared by pods A (nominal 4, reclaims) and B (nominal 4), each with its lead."""
    admin = member(org, "admin")
    lead_a, _pa, pod_a = pod_lead(org)
    lead_b, _pb, pod_b = pod_lead(org)
    pool = services.pool_create(organization=org, actor=admin.user, name=name, capacity=capacity,
                                unit_cost=unit_cost)
    services.quota_set(organization=org, actor=admin.user, pool=pool, pod=pod_a, nominal=capacity // 2,
                       reclaim="any")
    services.quota_set(organization=org, actor=admin.user, pool=pool, pod=pod_b, nominal=capacity // 2)
    return Compute(org, admin, pool, lead_a, pod_a, lead_b, pod_b)
