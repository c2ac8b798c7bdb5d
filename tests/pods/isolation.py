"""What the tenant-isolation walker needs from the Team API (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from typing import Any

from pods import services, team_services
from tests.factories import PodFactory


def build(victim: Any) -> None:
    """Org A's pod gets Team API fields and an interaction with a second pod of org A."""
    org = victim.org
    actor = victim.membership.user
    services.pod_update(organization=org, actor=actor, pod=victim.pod, team_type="platform",
                        contact="zzvictim contact", services_offered="zzvictim service")
    partner = PodFactory(organization=org, name="zzvictim partner pod")
    interaction = team_services.interaction_create(
        organization=org, actor=actor, pod=victim.pod, partner=partner, mode="x_as_a_service",
        purpose="zzvictim purpose", start_date=victim.assignment.start_date)
    victim.extra.update(interaction=interaction, partner_pod=partner)


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "pods:team_api": {"pk": lambda v: v.pod.pk},
    "pods:interaction_create": {"pk": lambda v: v.pod.pk},
    "pods:interaction_edit": {"pk": lambda v: v.pod.pk, "interaction_pk": lambda v: v.extra["interaction"].pk},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "interaction-": {"pk": lambda v: v.extra["interaction"].pk},
}
VICTIM_NAMES = ["zzvictim contact", "zzvictim service", "zzvictim partner pod", "zzvictim purpose"]
