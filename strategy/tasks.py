"""Thin, idempotent tasks of strategy (beat: config/celery.py)."""

from __future__ import annotations

from celery import shared_task

from strategy.services import outcomes_stale_announce
from tenancy.models import Organization


@shared_task(name="strategy.tasks.outcomes_stale_announce_all")
def outcomes_stale_announce_all() -> int:
    """`outcome.stale` for every organization's outcomes that went stale since the last run."""
    return sum(outcomes_stale_announce(organization=org) for org in Organization.objects.all())
