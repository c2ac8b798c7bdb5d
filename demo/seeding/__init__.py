"""The demo seeder: an ordered list of per-app steps, each a function `seed(ctx)`.

A capability that wants demo data (governance, knowledge …) adds a module here with
`seed(ctx: SeedContext) -> None` and appends it to `STEPS` after the apps it builds on. A step
handles both scales (`ctx.is_enterprise`: bulk inserts and a few summary audit events; small:
services, so the audit trail is real) and is idempotent on its own: it looks its rows up by a
natural key and creates only what is missing, so adding a step later fills in an existing demo
organization on the next `make demo`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from demo.seeding import (
    bench,
    catalog,
    dashboards,
    experts,
    governance,
    knowledge,
    pods,
    pods_bulk,
    resources,
    strategy,
    team_api,
    tenancy,
    tenancy_bulk,
)
from demo.seeding.context import ENTERPRISE, SCALES, SMALL, SeedContext
from tenancy import context as request_context
from tenancy.cache import AREAS, scopes_touch


@dataclass(frozen=True)
class SeedStep:
    name: str
    seed: Callable[[SeedContext], None]


def _by_scale(small: Callable[[SeedContext], None],
              enterprise: Callable[[SeedContext], None]) -> Callable[[SeedContext], None]:
    """Small scale goes through the services; enterprise scale bulk-inserts."""
    return lambda ctx: (enterprise if ctx.is_enterprise else small)(ctx)


# In dependency order: tenancy ← pods ← (governance, resources, knowledge, strategy, catalog).
STEPS: list[SeedStep] = [
    SeedStep("tenancy", _by_scale(tenancy.seed_small, tenancy_bulk.seed)),
    SeedStep("pods", _by_scale(pods.seed_small, pods_bulk.seed)),
    SeedStep("team_api", team_api.seed),
    SeedStep("governance", governance.seed),
    SeedStep("knowledge", knowledge.seed),
    SeedStep("strategy", strategy.seed),
    SeedStep("resources", resources.seed),
    SeedStep("experts", experts.seed),
    SeedStep("catalog", catalog.seed),
    SeedStep("bench", bench.seed),
    # Last: the overview snapshots what every app above has seeded.
    SeedStep("dashboards", dashboards.seed),
]

__all__ = ["ENTERPRISE", "SCALES", "SMALL", "STEPS", "SeedContext", "SeedStep", "run"]


def run(ctx: SeedContext, steps: list[SeedStep] | None = None) -> dict[str, float]:
    """Run every step in one transaction; returns seconds per step.

    Audit events written by services during the run say they came from the seeder. Every cache
    area of the org is touched last, inside the transaction, so cached fragments rendered
    before the seed are never served again.
    """
    timings: dict[str, float] = {}
    token = request_context.bind(request_context.RequestContext(
        request_id=request_context.new_request_id(), path=f"seed_demo --scale {ctx.scale}",
        source="seed",
    ))
    try:
        with transaction.atomic():
            for step in steps if steps is not None else STEPS:
                started = time.perf_counter()
                step.seed(ctx)
                timings[step.name] = time.perf_counter() - started
            if ctx.changed and ctx.organization is not None:
                scopes_touch(ctx.organization, AREAS)
    finally:
        request_context.reset(token)
    return timings
