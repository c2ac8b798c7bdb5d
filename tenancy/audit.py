"""Recording audit events. Services call `audit_record` inside their transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from tenancy import context
from tenancy.models import AuditEvent, Organization, User


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model instance's concrete fields (foreign keys as ids)."""
    out: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("organization",) or (fields is not None and field.name not in fields):
            continue
        if field.name in ("password", "key_hash", "token_hash"):
            continue
        value = getattr(instance, field.attname)
        out[field.name] = _jsonable(value)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def audit_record(
    *,
    organization: Organization,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    target_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    ctx = context.current()
    if target is not None:
        target_type = target_type or target._meta.model_name or ""
        target_id = target_id or target.pk
        target_repr = target_repr or str(target)
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=(actor.email if actor is not None and actor.is_authenticated else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        target_repr=target_repr[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        request_id=ctx.request_id,
        request_path=ctx.path,
        ip_address=ctx.ip_address,
        source=ctx.source,
    )
