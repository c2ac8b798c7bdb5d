"""Set-ups shared by the expert-time tests (built through the services, like real data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from resources.experts import services
from tests.factories import PersonFactory, member, pod_lead


def slot_at(days: int = 3, hour: int = 10, minutes: int = 60) -> tuple[dt.datetime, dt.datetime]:
    """[hour:00, +minutes) UTC, `days` from today: outside the default 24 h notice when days ≥ 2."""
    day = (timezone.now() + dt.timedelta(days=days)).astimezone(dt.UTC).date()
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
    return start, start + dt.timedelta(minutes=minutes)


@dataclass
class Experts:
    org: Any
    admin: Any
    expert: Any  # ExpertProfile
    expert_member: Any  # the expert's own membership
    lead: Any  # membership of the pod's lead
    pod: Any

    def book(self, days: int = 3, hour: int = 10, *, actor: Any = None, pod: Any = None,
             topic: str = "Eval design", minutes: int = 60, expert: Any = None) -> Any:
        start, end = slot_at(days, hour, minutes)
        return services.booking_create(organization=self.org, actor=(actor or self.lead).user,
                                       expert=expert or self.expert, pod=pod or self.pod, topic=topic,
                                       start=start, end=end)


def experts_setup(org: Any, hours_per_week: int = 20, **office: Any) -> Experts:
    """An expert with office hours every day 08:00–18:00 UTC in 60-minute slots (24 h notice),
    and a pod lead who books for their pod."""
    admin = member(org, "admin")
    mine = member(org)
    person = PersonFactory(organization=org, user=mine.user, full_name="Ada Expert", email=mine.user.email)
    expert = services.expert_profile_set(organization=org, actor=admin.user, person=person,
                                         hours_per_week=hours_per_week, topics="RAG, evaluation")
    for weekday in range(7):
        services.office_hours_create(organization=org, actor=admin.user, expert=expert, weekday=weekday,
                                     start_time=dt.time(8), end_time=dt.time(18),
                                     **{"slot_minutes": 60, "min_notice_hours": 24, **office})
    lead, _person, pod = pod_lead(org)
    return Experts(org, admin, expert, mine, lead, pod)
