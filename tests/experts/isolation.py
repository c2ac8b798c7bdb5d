"""What the tenant-isolation walker needs from expert time (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from resources.experts import services
from tests.experts.helpers import slot_at
from tests.factories import PersonFactory, member, pod_lead
from tests.knowledge.factories import guild


def build(victim: Any) -> None:
    """Org A's expert, office hours hosted in a guild, and a booking."""
    org = victim.org
    admin = member(org, "admin")
    lead, _person, pod = pod_lead(org, victim.pod)
    g = guild(org, name="zzvictim office guild", steward=admin)
    expert = services.expert_profile_set(organization=org, actor=admin.user, hours_per_week=10,
                                         person=PersonFactory(organization=org, full_name="zzvictim expert"),
                                         topics="zzvictim-topic")
    start, end = slot_at(3, 10)
    hours = services.office_hours_create(organization=org, actor=admin.user, expert=expert,
                                         weekday=start.weekday(), start_time=dt.time(9), end_time=dt.time(12),
                                         slot_minutes=60, guild=g)
    booking = services.booking_create(organization=org, actor=lead.user, expert=expert, pod=pod,
                                      topic="zzvictim booking topic", start=start, end=end)
    victim.extra.update(expert=expert, office_hours=hours, booking=booking, guild_hosting=g)


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "experts:expert_detail": {"pk": lambda v: v.extra["expert"].pk},
    "experts:book": {"pk": lambda v: v.extra["expert"].pk},
    "experts:office_hours_add": {"pk": lambda v: v.extra["expert"].pk},
    "experts:office_hours_delete": {"pk": lambda v: v.extra["office_hours"].pk},
    "experts:booking_ics": {"pk": lambda v: v.extra["booking"].pk},
    "experts:booking_cancel": {"pk": lambda v: v.extra["booking"].pk},
    "experts:guild_panel": {"pk": lambda v: v.extra["guild_hosting"].pk},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "expert-": {"pk": lambda v: v.extra["expert"].pk},
    "office-hours-": {"pk": lambda v: v.extra["office_hours"].pk},
    "booking-": {"pk": lambda v: v.extra["booking"].pk},
}
VICTIM_NAMES: list[str] = ["zzvictim expert", "zzvictim-topic", "zzvictim booking topic"]
