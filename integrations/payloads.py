"""Thin event payloads (spec: "thin vs full payloads"): the object's id and its headline fields.

Generic over models so integrations imports no domain app; a receiver fetches the rest through
the API with a token, which keeps access auditable. Never includes the organization's other rows.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tenancy.audit import _jsonable

HEADLINE_FIELDS = (
    "title",
    "name",
    "status",
    "outcome",
    "gate",
    "severity",
    "system",
    "model_name",
    "version",
    "metric",
    "value",
    "threshold",
    "direction",
    "kind",
    "risk_tier",
    "decision_type",
    "pod",
    "guild",
    "review",
    "escalation",
    "failures",
    "decided_at",
    "published_at",
    "started_at",
    "detected_at",
    "due_at",
    "created_at",
)


def webhook_data(instance: models.Model, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"object": instance._meta.model_name, "id": instance.pk}
    for field in instance._meta.concrete_fields:
        if field.name not in HEADLINE_FIELDS:
            continue
        key = field.attname  # foreign keys as `<name>_id`
        data[key] = _jsonable(getattr(instance, key))
    data.update(extra)
    return data
