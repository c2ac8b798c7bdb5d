"""Demo step for the overview: the default scorecard, two years of snapshots, and scorecard
evaluations on the last eight Sundays so a check's history has something to show.

Idempotent: an organization already evaluated is left alone (the hourly task keeps it fresh)."""

from __future__ import annotations

import datetime

from dashboards.selectors import scorecard_day
from dashboards.services import scorecard_evaluate, scorecard_seed_defaults, snapshot_backfill
from demo.seeding.context import SeedContext
from tenancy.registry import SeedStep, registry

HISTORY_WEEKS = 8


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    if scorecard_day(organization=org) is not None:
        ctx.reused["overview snapshots"] += 1  # the hourly task keeps them fresh from here
        return
    scorecard_seed_defaults(organization=org, actor=ctx.actor)
    facts = snapshot_backfill(organization=org)
    last_sunday = ctx.today - datetime.timedelta(days=(ctx.today.weekday() + 1) % 7)
    for n in range(HISTORY_WEEKS, 0, -1):
        scorecard_evaluate(organization=org, today=last_sunday - datetime.timedelta(weeks=n - 1))
    scorecard_evaluate(organization=org, today=ctx.today)
    ctx.created["overview facts"] += facts


registry.seed_steps.register(SeedStep(
    "dashboards", seed, order=1000,  # last: the overview snapshots what every step above seeded
    after=("pods", "governance", "knowledge", "strategy", "resources", "catalog", "bench")))
