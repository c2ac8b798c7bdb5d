"""The strategy tiles and the theme filter, from strategy's selectors: outcomes by status (on track,
behind, at risk, stale), time to value (active → first deployment through the gate) and stability
(churn of the running quarter); the outcomes scorecard measure."""

from __future__ import annotations

import datetime

from django.utils import timezone

from strategy.progress import STATUSES
from strategy.selectors import current_quarter, outcome_list, outcome_state_attach, theme_list
from strategy.selectors.stability import pod_stability
from strategy.selectors.time_to_value import pod_time_to_value
from tenancy.models import Organization
from tenancy.registry import (
    Fact,
    OverviewTile,
    PodDimension,
    ScorecardMeasure,
    TileFigure,
)

OUTCOME = "strategy.outcome"  # gauge, per outcome of the running quarter: its status's index in STATUSES
TIME_TO_VALUE = "pod.time_to_value"  # per pod, on the day of its first passed gate: days since it went active
CHURN = "pod.churn"  # gauge, per pod: the running quarter's churn so far, in %


def _now_for(end: datetime.date) -> datetime.datetime | None:
    """A state read "now" belongs only to today (or yesterday, still being recomputed)."""
    today = timezone.localdate()
    return timezone.now() if end >= today - datetime.timedelta(days=1) else None


def outcome_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """Each outcome of the running quarter's themes with its status, as of `end` (two queries)."""
    now = _now_for(end)
    if now is None:
        return []
    quarter = current_quarter(organization=organization, today=end)
    themes = theme_list(organization=organization, quarter=quarter).values("pk")
    return [Fact(OUTCOME, end, float(STATUSES.index(o.state.status)), o.pod_id)  # type: ignore[attr-defined]
            for o in outcome_state_attach(outcome_list(organization=organization, themes=themes), now)]


def value_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """Time to value of the pods that shipped first in [start, end]; stability as of `end`."""
    facts = [Fact(TIME_TO_VALUE, r.first_value_on, float(r.days), r.pod_id)
             for r in pod_time_to_value(organization=organization, today=end)
             if r.days is not None and r.first_value_on is not None and start <= r.first_value_on <= end]
    if _now_for(end) is not None:
        facts += [Fact(CHURN, end, round(100 * r.churn, 1), r.pod_id)
                  for r in pod_stability(organization=organization, today=end) if r.churn is not None]
    return facts


def theme_values(organization: Organization) -> dict[int, list[str]]:
    """The pods with outcomes under each theme of the running quarter."""
    quarter = current_quarter(organization=organization)
    out: dict[int, list[str]] = {}
    for pod_id, theme_id in (outcome_list(organization=organization,
                                          themes=theme_list(organization=organization, quarter=quarter).values("pk"))
                             .values_list("pod_id", "theme_id").distinct()):
        if pod_id is not None:
            out.setdefault(pod_id, []).append(str(theme_id))
    return out


def theme_choices(organization: Organization) -> list[tuple[str, str]]:
    quarter = current_quarter(organization=organization)
    return [(str(pk), title) for pk, title in theme_list(organization=organization, quarter=quarter)
            .order_by("title", "pk").values_list("pk", "title")]


OUTCOMES_TILE = OverviewTile(
    key="outcomes", title="Outcomes", url_name="strategy:home", metrics=(OUTCOME,), gauges=(OUTCOME,),
    figures=tuple(TileFigure(label, OUTCOME, f"latest:{STATUSES.index(status)}", "outcomes",
                             better="up" if i == 0 else "down")
                  for i, (status, label) in enumerate(zip(STATUSES, ("On track", "Behind", "At risk", "Stale"),
                                                          strict=True))),
    trend=TileFigure("On track", OUTCOME, f"latest:{STATUSES.index(STATUSES[0])}", "outcomes"),
    collect=outcome_facts, order=60)

VALUE_TILE = OverviewTile(
    key="time_to_value", title="Time to value and stability", url_name="strategy:home",
    metrics=(TIME_TO_VALUE, CHURN), gauges=(CHURN,),
    figures=(TileFigure("Median time to value", TIME_TO_VALUE, "median", "days", better="down"),
             TileFigure("Pods that shipped first", TIME_TO_VALUE, "count", "pods"),
             TileFigure("Churn this quarter", CHURN, "avg", "%", better="down")),
    trend=TileFigure("Median time to value", TIME_TO_VALUE, "median", "days", better="down"),
    collect=value_facts, order=70)

THEME = PodDimension(key="theme", label="Theme", values=theme_values, choices=theme_choices, order=10)


def outcomes_off_track_values(organization: Organization, pod_ids: list[int], today: datetime.date) -> dict[int, float]:
    """Per pod: its outcomes of active themes that are at risk or stale (0 for a pod with none); one query."""
    off = {STATUSES[2], STATUSES[3]}
    counts = dict.fromkeys(pod_ids, 0.0)
    for o in outcome_state_attach(outcome_list(organization=organization).filter(theme__status="active", pod_id__in=pod_ids)):
        if o.state.status in off:  # type: ignore[attr-defined]
            counts[o.pod_id] = counts.get(o.pod_id, 0.0) + 1
    return counts


OUTCOMES_MEASURE = ScorecardMeasure(
    "strategy.outcomes_off_track", "Outcomes at risk or stale", "outcomes", outcomes_off_track_values)

