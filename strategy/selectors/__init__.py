"""Reads for strategy, scoped to an organization, in a constant number of queries.

Progress and status are computed from the outcome rows themselves (each carries its latest
reading), so a quarter's themes with every outcome's progress is two queries.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from strategy.models import CheckIn, Measurement, Outcome, Theme
from strategy.progress import STATUSES, outcome_state, theme_progress
from strategy.quarters import Quarter, quarter_of

# Pod operations, read by the overview's tiles and the strategy pages (stable names and types).
from strategy.selectors.intake import IntakeMonth as IntakeMonth
from strategy.selectors.intake import intake_get as intake_get
from strategy.selectors.intake import intake_list as intake_list
from strategy.selectors.intake import intake_measures as intake_measures
from strategy.selectors.operations import PodOperations as PodOperations
from strategy.selectors.operations import pod_operations as pod_operations
from strategy.selectors.signals import signal_get as signal_get
from strategy.selectors.signals import signal_group_members as signal_group_members
from strategy.selectors.signals import signal_groups as signal_groups
from strategy.selectors.signals import signal_list as signal_list
from strategy.selectors.signals import signals_past_sla as signals_past_sla
from strategy.selectors.stability import OrgStability as OrgStability
from strategy.selectors.stability import PodStability as PodStability
from strategy.selectors.stability import org_stability as org_stability
from strategy.selectors.stability import pod_stability as pod_stability
from strategy.selectors.stability import pod_stability_history as pod_stability_history
from strategy.selectors.time_to_value import CohortTimeToValue as CohortTimeToValue
from strategy.selectors.time_to_value import PodTimeToValue as PodTimeToValue
from strategy.selectors.time_to_value import cohort_time_to_value as cohort_time_to_value
from strategy.selectors.time_to_value import pod_time_to_value as pod_time_to_value
from strategy.selectors.time_to_value import time_to_value_by_cohort as time_to_value_by_cohort
from tenancy.models import Organization


def current_quarter(*, organization: Organization, today: datetime.date | None = None) -> Quarter:
    return quarter_of(today or timezone.localdate(), organization.quarter_start_month)


def theme_list(*, organization: Organization, quarter: Quarter | None = None) -> QuerySet[Theme]:
    qs = Theme.objects.for_org(organization).select_related("owner__user")
    if quarter is not None:
        qs = qs.filter(quarter_start=quarter.start)
    return qs


def theme_get(*, organization: Organization, pk: Any) -> Theme:
    return theme_list(organization=organization).get(pk=pk)


def outcome_list(*, organization: Organization, theme: Any = None, pod: Any = None,
                 themes: Any = None) -> QuerySet[Outcome]:
    qs = Outcome.objects.for_org(organization).select_related("pod", "theme")
    if theme is not None:
        qs = qs.filter(theme=theme)
    if themes is not None:
        qs = qs.filter(theme__in=themes)
    if pod is not None:
        qs = qs.filter(pod=pod)
    return qs


def outcome_get(*, organization: Organization, pk: Any) -> Outcome:
    return outcome_list(organization=organization).get(pk=pk)


def outcome_state_attach(outcomes: Any, now: datetime.datetime | None = None) -> list[Outcome]:
    """The outcomes, each with `.state` (progress, pace, stale, status); no query."""
    now = now or timezone.now()
    rows = list(outcomes)
    for o in rows:
        o.state = outcome_state(o, now)
    return rows


def _attach(themes: list[Theme], outcomes: list[Outcome]) -> list[Theme]:
    by_theme: dict[int, list[Outcome]] = {t.pk: [] for t in themes}
    for o in outcomes:
        by_theme.setdefault(o.theme_id, []).append(o)
    for t in themes:
        rows = by_theme[t.pk]
        t.outcome_rows = rows  # type: ignore[attr-defined]
        t.outcome_count = len(rows)  # type: ignore[attr-defined]
        t.progress = theme_progress(rows, {o.pk: o.state for o in rows})  # type: ignore[attr-defined]
        counts = Counter(o.state.status for o in rows)  # type: ignore[attr-defined]
        t.status_counts = {s: counts.get(s, 0) for s in STATUSES}  # type: ignore[attr-defined]
    return themes


def themes_with_progress(*, organization: Organization, quarter: Quarter | None = None,
                         themes: Any = None, now: datetime.datetime | None = None) -> list[Theme]:
    """Themes (of the quarter, or the given rows) with `.outcome_rows` (each with `.state`),
    `.progress` (weighted mean) and `.status_counts`. Two queries."""
    themes = list(themes if themes is not None else theme_list(organization=organization, quarter=quarter))
    outcomes = outcome_state_attach(outcome_list(organization=organization, themes=[t.pk for t in themes]), now) \
        if themes else []
    return _attach(themes, outcomes)


def outcome_status_by_theme(*, organization: Organization, quarter: Quarter | None = None,
                            now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """For dashboards: the quarter's themes (default: the current one) with their progress and
    how many outcomes are on track / behind / at risk / stale. Two queries."""
    quarter = quarter or current_quarter(organization=organization)
    return [
        {"theme_id": t.pk, "title": t.title, "status": t.status, "owner": str(t.owner.user),
         "progress": t.progress, "outcomes": len(t.outcome_rows), **t.status_counts}  # type: ignore[attr-defined]
        for t in themes_with_progress(organization=organization, quarter=quarter, now=now)
    ]


def quarters_with_themes(*, organization: Organization) -> list[Quarter]:
    """Quarters that have themes, newest first, plus the current and next one."""
    start_month = organization.quarter_start_month
    starts = set(Theme.objects.for_org(organization).values_list("quarter_start", flat=True).distinct())
    current = current_quarter(organization=organization)
    quarters = {quarter_of(s, start_month) for s in starts} | {current, current.next(start_month)}
    return sorted(quarters, key=lambda q: q.start, reverse=True)


def measurement_list(*, organization: Organization, outcome: Outcome) -> QuerySet[Measurement]:
    return Measurement.objects.for_org(organization).filter(outcome=outcome).select_related("recorded_by")


def check_in_list(*, organization: Organization, outcome: Outcome) -> QuerySet[CheckIn]:
    return CheckIn.objects.for_org(organization).filter(outcome=outcome).select_related("author")


def pod_outcomes(*, organization: Organization, pod: Any) -> list[Outcome]:
    """The pod's outcomes of active themes, with their state (one query)."""
    return outcome_state_attach(outcome_list(organization=organization, pod=pod)
                      .filter(theme__status="active").order_by("due_date", "id"))
