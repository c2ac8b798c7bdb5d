"""The seeder runs the steps the seeding modules register, in their order, never a step before
one it needs."""

from __future__ import annotations

import pytest

from demo import seeding
from tenancy.registry import SeedStep, registry


def test_every_seeding_module_registers_its_step_and_they_run_in_dependency_order():
    names = [s.name for s in seeding.steps()]
    assert names == ["tenancy", "pods", "team_api", "governance", "knowledge", "strategy", "resources", "experts",
                     "catalog", "bench", "market", "dashboards"]
    position = {name: i for i, name in enumerate(names)}
    for step in seeding.steps():
        assert all(position[need] < position[step.name] for need in step.after), step.name


def test_a_step_ordered_before_a_step_it_needs_is_refused():
    seeding.steps()
    registry.seed_steps.register(SeedStep("too-early", lambda ctx: None, order=1, after=("pods",)))
    try:
        with pytest.raises(RuntimeError, match="too-early"):
            seeding.steps()
    finally:
        registry.seed_steps.unregister("too-early")
