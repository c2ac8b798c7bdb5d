"""What the tenant-isolation walker needs from resources (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from typing import Any

from resources import services
from tests.factories import member, pod_lead
from tests.resources.helpers import soon


def build(victim: Any) -> None:
    """Org A's pool, quota, allocations (admitted and pending), budget and ledger entries."""
    org = victim.org
    admin = member(org, "admin").user
    lead, _person, pod = pod_lead(org, victim.pod)
    pool = services.pool_create(organization=org, actor=admin, name="zzvictim pool", capacity=4,
                                unit="zzvictim-unit", unit_cost=1)
    services.quota_set(organization=org, actor=admin, pool=pool, pod=pod, nominal=2)
    budget = services.budget_set(organization=org, actor=admin, pod=pod, quarter=services.quarter_of(soon()),
                                 category="compute", amount=100000)
    admitted = services.allocation_request(organization=org, actor=lead.user, pod=pod, pool=pool, amount=4,
                                           start=soon(), end=soon(2), idempotency_key="zzvictim-key")
    pending = services.allocation_request(organization=org, actor=lead.user, pod=pod, pool=pool, amount=2,
                                          start=soon(1), end=soon(3))
    hold = services.budget_hold(organization=org, actor=admin, pod=pod, category="compute", amount=5,
                                quarter=budget.quarter, reference="zzvictim-ref", memo="zzvictim memo")
    victim.extra.update(pool=pool, allocation=admitted, pending=pending, budget=budget, hold=hold)


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "resources:pool_detail": {"pk": lambda v: v.extra["pool"].pk},
    "resources:pool_edit": {"pk": lambda v: v.extra["pool"].pk},
    "resources:quota_edit": {"pk": lambda v: v.extra["pool"].pk},
    "resources:allocation_detail": {"pk": lambda v: v.extra["allocation"].pk},
    "resources:allocation_action": {"pk": lambda v: v.extra["pending"].pk},
    "resources:budget_detail": {"pk": lambda v: v.extra["budget"].pk},
    "resources:pod_panel": {"pk": lambda v: v.pod.pk},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "pool-": {"pk": lambda v: v.extra["pool"].pk},
    "quota-": {"pk": lambda v: v.extra["pool"].quotas.first().pk},
    "allocation-": {"pk": lambda v: v.extra["allocation"].pk},
    "budget-": {"pk": lambda v: v.extra["budget"].pk},
}
VICTIM_NAMES: list[str] = ["zzvictim pool", "zzvictim-unit", "zzvictim-key", "zzvictim-ref", "zzvictim memo"]
