"""`make bench` measures what the apps register, each page once, in the report's order."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench_targets():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_targets", ROOT / "scripts" / "bench_targets.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["bench_targets"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_every_app_registers_its_pages_and_the_baseline_comes_first():
    bench_targets = _bench_targets()
    bench_targets.load_targets()
    targets = bench_targets.TARGETS
    assert targets[0].kind == "baseline"
    names = [t.name for t in targets]
    assert len(names) == len(set(names))
    # One page of each app that serves pages: none is left out by a forgotten module.
    for name in ("org home", "audit log", "decision-rights matrix", "overview", "guild page",
                 "bench: who is free", "catalog models"):
        assert name in names
    assert [t.order for t in targets[1:]] == sorted(t.order for t in targets[1:])
    assert all(t.path.startswith(("/o/{slug}/", "/api/v1/o/{slug}/")) for t in targets[1:])
