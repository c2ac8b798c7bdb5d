"""Recording audit events. Services call `audit_record` inside their transaction."""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.apps import apps
from django.db import models, transaction

from tenancy import context
from tenancy.models import AuditEvent, Organization, User

# A model without its own __str__ prints "Pod object (3)": not a label worth showing.
_MODEL_STR: object = models.Model.__str__

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


# Model names whose verbose name reads badly in the audit log.
TYPE_LABELS = {"postmortem": "Post-mortem", "person skill": "Skill of a person"}
_DEFAULT_STR = re.compile(r"^\w+ object \((\w+)\)$")


def type_label(model_name: str) -> str:
    """The human label of an audited model, from its `model_name` ("postmortem" → "Post-mortem")."""
    if model_name in TYPE_LABELS:
        return TYPE_LABELS[model_name]
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return str(model._meta.verbose_name).capitalize()
    return model_name.replace("_", " ").capitalize()


def describe(target: models.Model) -> str:
    """A human name for an audited object: its own `__str__`, else its title, name or email,
    else "<its parent> · <kind>" from its first foreign key with a name, else "#<id>"."""
    if type(target).__str__ is not models.Model.__str__:
        return str(target)
    for attr in ("title", "name", "full_name", "email", "label"):
        value = getattr(target, attr, None)
        if isinstance(value, str) and value:
            return value
    for field in target._meta.concrete_fields:
        if field.is_relation and field.name != "organization" and getattr(target, field.attname, None):
            parent = getattr(target, field.name)
            if type(parent).__str__ is not _MODEL_STR:
                return f"{parent} · {type_label(target._meta.model_name or '').lower()}"
    return f"#{target.pk}"


def shown_repr(target_repr: str, target_id: str) -> str:
    """What the audit page shows for an event's object: older events stored Django's default
    "PostMortem object (1)", shown as "#1"."""
    return f"#{target_id}" if _DEFAULT_STR.match(target_repr or "") else target_repr


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
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
        target_repr = target_repr or describe(target)
    event = AuditEvent.objects.create(
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
    _touch_audit(organization)
    return event


class OpenWrite(Protocol):
    """What audit needs of the org_write open in this context (tenancy.writes.OrgWrite)."""

    organization: Organization

    def touch(self, *scopes: str) -> None: ...


def _no_open_write() -> OpenWrite | None:
    return None


# tenancy.writes, which builds on this module, installs its look-up here when it is imported, so
# this module never imports it back (that import was the audit <-> writes cycle).
open_write: Callable[[], OpenWrite | None] = _no_open_write


def open_write_lookup(lookup: Callable[[], OpenWrite | None]) -> None:
    global open_write
    open_write = lookup


def _touch_audit(organization: Organization) -> None:
    """Every audit event changes the audit log: its cache scope is part of the write."""
    from tenancy.cache import AUDIT, scopes_touch

    write = open_write()
    if write is not None and write.organization.pk == organization.pk:
        write.touch(AUDIT)
        return
    with transaction.atomic():
        scopes_touch(organization, [AUDIT])
