"""What the tenant-isolation walker needs from governance (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from typing import Any

OBJECT_KWARGS: dict[str, dict[str, Any]] = {}
API_FILLERS: dict[str, dict[str, Any]] = {}
VICTIM_NAMES: list[str] = []


def build(victim: Any) -> None:
    """Create org A's governance objects (names starting with the marker) in victim.extra."""
