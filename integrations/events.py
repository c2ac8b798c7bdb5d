"""The catalogue of event types. Apps register theirs in `AppConfig.ready()`; integrations never
imports a domain app, it only knows the names (NetBox-style registry).

Type names follow the spec's advice: full-stop delimited, `[a-zA-Z0-9_]` segments.
"""

from __future__ import annotations

import re

_TYPE_RE = re.compile(r"^[a-zA-Z0-9_]+(\.[a-zA-Z0-9_]+)+$")
EVENT_TYPES: dict[str, str] = {}


def register_event_types(types: dict[str, str]) -> None:
    """Declare event types (name → what happened) an app emits."""
    for name, label in types.items():
        if not _TYPE_RE.match(name):
            raise ValueError(f"Bad event type {name!r}: dot-delimited [a-zA-Z0-9_] segments.")
        EVENT_TYPES[name] = label


def event_type_choices() -> list[tuple[str, str]]:
    return sorted(EVENT_TYPES.items())
