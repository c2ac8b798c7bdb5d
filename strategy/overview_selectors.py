"""What strategy contributes to the overview's attention queue (registered in `StrategyConfig.ready`):
signal groups waiting for triage past their SLA, and outcomes of active themes gone stale. Reads
strategy's own tables; dashboards stores what these return in its attention snapshot."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from strategy.selectors import outcome_list
from strategy.selectors.signals import signals_past_sla
from tenancy.models import Organization
from tenancy.registry import ATTENTION_LIMIT, AttentionItem


def signals_waiting(organization: Organization, now: datetime.datetime,
                    until: datetime.datetime) -> list[AttentionItem]:
    """Signal groups still new past their triage due time (or reaching it before `until`); the
    source is for those who triage. One query."""
    return [AttentionItem(source="signals_waiting", title=f"Signal waiting for triage: {s.title}",
                          detail=f"{s.get_kind_display()} from {s.pod.name}", pod_id=s.pod_id,
                          url=reverse("strategy:signal_detail", args=[organization.slug, s.pk]),
                          due_at=s.triage_due_at)
            for s in signals_past_sla(organization=organization, now=until)[:ATTENTION_LIMIT]
            if s.triage_due_at is not None]


def stale_since(*, cadence_days: int, last_at: datetime.datetime | None,
                start: datetime.date) -> datetime.datetime:
    """When an outcome goes stale (`strategy.progress.is_stale` turns true): a cadence after its
    last reading, or, never measured, at the first midnight more than a cadence after its start."""
    grace = datetime.timedelta(days=cadence_days)
    if last_at is not None:
        return last_at + grace
    first = start + grace + datetime.timedelta(days=1)
    return datetime.datetime.combine(first, datetime.time.min, tzinfo=timezone.get_current_timezone())


def outcomes_stale(organization: Organization, now: datetime.datetime,
                   until: datetime.datetime) -> list[AttentionItem]:
    """Outcomes of active themes with no reading within their cadence (or none by `until`),
    overdue since they went stale; one query."""
    items: list[AttentionItem] = []
    for o in outcome_list(organization=organization).filter(theme__status="active").order_by("pk"):
        since = stale_since(cadence_days=o.cadence_days, last_at=o.current_at, start=o.start_date)
        if since <= until:
            last = f"last reading {timezone.localdate(o.current_at).isoformat()}" if o.current_at else "never measured"
            items.append(AttentionItem(
                source="outcomes_stale", title=f"{o.metric}: no reading within {o.cadence_days} days",
                detail=f"{o.pod.name} · {o.theme.title} · {last}"[:300], pod_id=o.pod_id,
                url=reverse("strategy:outcome_detail", args=[organization.slug, o.pk]), due_at=since))
    items.sort(key=lambda i: (i.due_at, i.title))
    return items[:ATTENTION_LIMIT]
