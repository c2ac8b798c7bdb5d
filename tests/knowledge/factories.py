"""Knowledge fixtures built through the services, so search documents and counters are real."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from knowledge import services
from knowledge.models import Guild, Lesson
from tenancy.models import Membership, Organization
from tests.factories import member


def guild(org: Organization, name: str = "Evaluation guild", steward: Membership | None = None,
          **kw: Any) -> Guild:
    steward = steward or member(org, "leader")
    return services.guild_create(organization=org, actor=steward.user, name=name, **kw)


def lesson(org: Organization, g: Guild, author: Membership | None = None, *,
           title: str = "Pin your eval set", body: str = "Freeze the **evaluation** set.",
           publish: bool = True, **kw: Any) -> Lesson:
    if author is None:
        author = member(org)
        services.guild_join(organization=org, actor=author.user, guild=g)
    return services.lesson_create(organization=org, actor=author.user, guild=g, title=title,
                                  body=body, publish=publish, **kw)


def incident(org: Organization, actor: Membership, **kw: Any) -> Any:
    now = timezone.now()
    defaults = {"title": "Drift in churn model", "system": "churn-model-v3",
                "started_at": now - datetime.timedelta(hours=5),
                "detected_at": now - datetime.timedelta(hours=3), "tags": ["model-failure"]}
    defaults.update(kw)
    return services.incident_create(organization=org, actor=actor.user, **defaults)
