"""A hand-built organization for the overview's tests: three pods with known health, sponsors,
escalations with known cycle times and lessons, built through the apps' services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from governance.models import Escalation
from governance.services.escalations import escalation_decide
from governance.services.matrix import governance_seed_defaults
from pods.models import Pod
from tests.factories import AssignmentFactory, CharterFactory, PodFactory, member, pod_lead, role
from tests.governance.helpers import file
from tests.knowledge.factories import guild, lesson


@dataclass
class World:
    org: Any
    leader: Any
    other_sponsor: Any
    admin: Any
    healthy: Pod
    at_risk: Pod
    unhealthy: Pod
    lead: Any  # (membership, person, pod) of the healthy pod's lead
    escalations: list[Any] = field(default_factory=list)


def staffed(org: Any, pod: Pod, n: int) -> None:
    for _ in range(n):
        AssignmentFactory(organization=org, pod=pod, role=role(org, "ml_engineer"))


def decided(world: World, hours: float, *, days_ago: float = 1, breached: bool = False,
            lead: Any = None) -> Escalation:
    """An escalation filed by `lead` and approved `hours` after filing, `days_ago` days ago."""
    esc = file(world.org, lead or world.lead, title=f"Decided in {hours} h")
    escalation_decide(organization=world.org, actor=world.leader.user, escalation=esc, outcome="approved")
    decided_at = timezone.now() - datetime.timedelta(days=days_ago)
    Escalation.objects.for_org(world.org).filter(pk=esc.pk).update(
        filed_at=decided_at - datetime.timedelta(hours=hours), decided_at=decided_at,
        breach_count=1 if breached else 0, due_at=decided_at - datetime.timedelta(hours=1))
    world.escalations.append(esc)
    return esc


def world(org: Any) -> World:
    governance_seed_defaults(organization=org)
    leader, other_sponsor, admin = member(org, "leader"), member(org, "leader"), member(org, "admin")
    healthy = PodFactory(organization=org, name="Healthy pod", sponsor=leader)
    at_risk = PodFactory(organization=org, name="At-risk pod", sponsor=other_sponsor)
    unhealthy = PodFactory(organization=org, name="Unhealthy pod", sponsor=leader)
    lead = pod_lead(org, healthy)
    staffed(org, healthy, 2)
    CharterFactory(organization=org, pod=healthy)
    pod_lead(org, at_risk)
    staffed(org, at_risk, 2)  # no charter: at risk
    staffed(org, unhealthy, 3)  # no lead: unhealthy
    return World(org=org, leader=leader, other_sponsor=other_sponsor, admin=admin, healthy=healthy,
                 at_risk=at_risk, unhealthy=unhealthy, lead=lead)


def lessons(world: World, pod: Pod, n: int) -> None:
    g = guild(world.org, name=f"Guild for {pod.name}")
    for i in range(n):
        lesson(world.org, g, title=f"Lesson {i} of {pod.name}", pod=pod)
