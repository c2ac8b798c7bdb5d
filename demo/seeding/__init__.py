"""The demo seeder: the steps the seeding modules register, each a function `seed(ctx)`.

A capability that wants demo data (governance, knowledge …) adds a module here with
`seed(ctx: SeedContext) -> None` and registers it at its end:

    registry.seed_steps.register(SeedStep("governance", seed, order=30, after=("pods",)))

Every module of this package is imported once (`steps()`), so nothing here names a step. A step
handles both scales (`ctx.is_enterprise`: bulk inserts and a few summary audit events; small:
services, so the audit trail is real) and is idempotent on its own: it looks its rows up by a
natural key and creates only what is missing, so adding a step later fills in an existing demo
organization on the next `make demo`.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable

from django.db import transaction

from demo.seeding.context import ENTERPRISE, SCALES, SMALL, SeedContext
from tenancy import context as request_context
from tenancy.cache import AREAS, scopes_touch
from tenancy.registry import SeedStep, registry

__all__ = ["ENTERPRISE", "SCALES", "SMALL", "SeedContext", "SeedStep", "by_scale", "run", "steps"]


def by_scale(small: Callable[[SeedContext], None],
             enterprise: Callable[[SeedContext], None]) -> Callable[[SeedContext], None]:
    """Small scale goes through the services; enterprise scale bulk-inserts."""
    return lambda ctx: (enterprise if ctx.is_enterprise else small)(ctx)


def steps() -> list[SeedStep]:
    """The registered steps in running order (importing every seeding module registers them);
    refuses a step ordered before a step it needs."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    ordered = registry.seed_steps.all()
    done: set[str] = set()
    for step in ordered:
        missing = [name for name in step.after if name not in done]
        if missing:
            raise RuntimeError(f"seed step {step.name!r} runs before {', '.join(missing)}, which it needs")
        done.add(step.name)
    return ordered


def run(ctx: SeedContext, chosen: list[SeedStep] | None = None) -> dict[str, float]:
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
            for step in chosen if chosen is not None else steps():
                started = time.perf_counter()
                step.seed(ctx)
                timings[step.name] = time.perf_counter() - started
            if ctx.changed and ctx.organization is not None:
                scopes_touch(ctx.organization, AREAS)
    finally:
        request_context.reset(token)
    return timings
