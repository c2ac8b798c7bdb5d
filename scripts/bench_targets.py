"""The pages and API lists `make bench` measures (scripts/bench.py).

The app that serves a page registers it in its own `bench_targets` module:

    registry.bench_targets.register(BenchTarget("guild page", "/o/{slug}/knowledge/guilds/{guild}/"))

If its URL needs a new object id, add a function to PLACEHOLDERS (scripts/bench_objects.py) that
picks a representative one. Only the baseline, the harness's own page, is named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    """One URL to measure. `path` may name {slug} and any key of PLACEHOLDERS."""

    name: str
    path: str
    kind: str = "page"  # "baseline", "page" or "api" (an API 404 is reported as missing)
    min_share_of_trivial: float | None = None  # % of the baseline's requests/s


BASELINE = Target("trivial (baseline)", "/bench/trivial", kind="baseline")

# The baseline until `load_targets()` adds what the apps register (it needs Django set up).
TARGETS: list[Any] = [BASELINE]


def load_targets() -> None:
    """Import every app's `bench_targets` module (each registers its pages with the registry)."""
    from django.utils.module_loading import autodiscover_modules

    from tenancy.registry import registry

    autodiscover_modules("bench_targets")
    TARGETS[:] = [BASELINE, *registry.bench_targets.all()]
