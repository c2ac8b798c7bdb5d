"""Strategy test data through the services (so every row is what production would write)."""

from __future__ import annotations

import datetime
from typing import Any

from strategy import services
from strategy.models import Outcome, Theme
from strategy.quarters import quarter_of
from tests.factories import PodFactory, member, pod_lead


def theme(org: Any, owner: Any = None, *, title: str = "Improve customer retention",
          day: datetime.date | None = None) -> Theme:
    owner = owner or member(org, "leader")
    quarter = quarter_of(day or datetime.date.today(), org.quarter_start_month)
    return services.theme_create(organization=org, actor=owner.user, owner=owner, title=title, quarter=quarter)


def outcome(org: Any, the_theme: Theme | None = None, pod: Any = None, **kwargs: Any) -> Outcome:
    the_theme = the_theme or theme(org)
    pod = pod or PodFactory(organization=org)
    fields: dict[str, Any] = {"metric": "90-day retention", "unit": "%", "direction": "increase",
                              "baseline": 70.0, "target": 80.0}
    fields.update(kwargs)
    return services.outcome_create(organization=org, actor=None, theme=the_theme, pod=pod, **fields)


def led_outcome(org: Any, **kwargs: Any) -> tuple[Any, Outcome]:
    """An outcome of a pod, and the membership that leads the pod."""
    lead, _person, pod = pod_lead(org)
    return lead, outcome(org, pod=pod, **kwargs)
