"""What the tenant-isolation walker needs from the service marketplace (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from typing import Any

from resources.market import services
from tests.factories import PodFactory, member, pod_lead
from tests.market.helpers import later


def build(victim: Any) -> None:
    """Org A's offering (provided by the victim pod) and a request for it from another pod."""
    org = victim.org
    admin = member(org, "admin")
    lead, _person, pod = pod_lead(org, victim.pod)
    offering = services.offering_create(organization=org, actor=lead.user, provider=pod,
                                        name="zzvictim service", unit="zzvictim-unit", price=0,
                                        response_sla_hours=24, monthly_capacity=5,
                                        description="zzvictim offering text")
    other = PodFactory(organization=org, name="zzvictim requesting pod")
    request = services.request_create(organization=org, actor=admin.user, offering=offering, pod=other,
                                      quantity=1, needed_by=later(), note="zzvictim request note")
    victim.extra.update(offering=offering, service_request=request)


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "market:offering_detail": {"pk": lambda v: v.extra["offering"].pk},
    "market:offering_edit": {"pk": lambda v: v.extra["offering"].pk},
    "market:request_create": {"pk": lambda v: v.extra["offering"].pk},
    "market:request_action": {"pk": lambda v: v.extra["service_request"].pk},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "offering-": {"pk": lambda v: v.extra["offering"].pk},
    "service-request-": {"pk": lambda v: v.extra["service_request"].pk},
}
VICTIM_NAMES: list[str] = ["zzvictim service", "zzvictim offering text", "zzvictim request note"]
