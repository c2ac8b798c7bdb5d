"""`make bench`'s cache is sized like the app's: Django's default 300 entries would evict row
fragments of one enterprise list and report misses that no deployment has."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

SCRIPTS = str(Path(__file__).resolve().parents[1] / "scripts")


def test_the_bench_cache_holds_as_many_entries_as_the_apps():
    sys.path.insert(0, SCRIPTS)
    try:
        bench = importlib.import_module("bench_settings")
        base = importlib.import_module("config.settings.base")
    finally:
        sys.path.remove(SCRIPTS)
    entries = bench.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"]
    assert entries == base.FRAGMENT_CACHE_MAX_ENTRIES >= 50_000
