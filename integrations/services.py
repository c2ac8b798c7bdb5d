"""Writes: webhook endpoints (admins) and `event_emit`, the one way any app sends an event."""

from __future__ import annotations

import datetime
import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from integrations.events import EVENT_TYPES
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from integrations.signing import secret_generate
from integrations.transport import UnsafeDestination, resolve
from tenancy.audit import audit_record, snapshot
from tenancy.models import Organization, User

ENDPOINT_FIELDS = ("url", "description", "event_types", "enabled")


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    import json

    plain: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return plain


def event_emit(*, organization: Organization, type: str, data: dict[str, Any]) -> WebhookEvent:
    """Record an event and queue its deliveries to the org's enabled endpoints after commit."""
    from integrations.tasks import webhook_deliver
    from tenancy.outbox import enqueue

    if type not in EVENT_TYPES:
        raise ValueError(f"Unregistered event type {type!r}.")
    now = timezone.now()
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            organization=organization,
            msg_id=f"msg_{uuid.uuid4().hex}",
            type=type,
            timestamp=now,
            data=_jsonable(data),
        )
        endpoints = [
            e for e in WebhookEndpoint.objects.for_org(organization).filter(enabled=True) if e.wants(type)
        ]
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(organization=organization, endpoint=e, event=event, next_attempt_at=now)
            for e in endpoints
        )
        for d in deliveries:
            enqueue(webhook_deliver, d.pk)
    return event


def _check_url(url: str) -> None:
    """Refuse what is unsafe on its face (scheme, an IP literal or localhost); a name is checked
    on its resolved address at every delivery, since DNS can change after this."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        ipaddress.ip_address(host)
        is_literal = True
    except ValueError:
        is_literal = host == "localhost" or host.endswith(".localhost")
    if parts.scheme not in ("http", "https") or not host or is_literal:
        try:
            resolve(url)
        except UnsafeDestination as exc:
            raise ValidationError({"url": str(exc)}) from exc


def _check_types(event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError({"event_types": f"Unknown event types: {', '.join(unknown)}."})
    return sorted(set(event_types))


@transaction.atomic
def endpoint_create(
    *,
    organization: Organization,
    actor: User,
    url: str,
    description: str = "",
    event_types: list[str] | None = None,
    enabled: bool = True,
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (read it from the returned row once, then only a hint)."""
    endpoint = WebhookEndpoint(
        organization=organization,
        url=(url or "").strip(),
        description=(description or "").strip(),
        event_types=_check_types(list(event_types or [])),
        enabled=enabled,
        secret=secret_generate(),
        created_by=actor,
    )
    endpoint.full_clean(exclude=["created_by"])
    _check_url(endpoint.url)
    endpoint.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="webhook.endpoint_created",
        target=endpoint,
        after=snapshot(endpoint, ENDPOINT_FIELDS),
    )
    return endpoint


def _locked(organization: Organization, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint.objects.for_org(organization).select_for_update().get(pk=endpoint.pk)


@transaction.atomic
def endpoint_update(
    *, organization: Organization, actor: User, endpoint: WebhookEndpoint, **changes: Any
) -> WebhookEndpoint:
    ep = _locked(organization, endpoint)
    before = snapshot(ep, ENDPOINT_FIELDS)
    unknown = set(changes) - set(ENDPOINT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    if "event_types" in changes:
        changes["event_types"] = _check_types(list(changes["event_types"] or []))
    for name, value in changes.items():
        setattr(ep, name, value.strip() if isinstance(value, str) else value)
    if changes.get("enabled") is True:
        ep.disabled_reason, ep.failing_since = "", None
    elif changes.get("enabled") is False and not ep.disabled_reason:
        ep.disabled_reason = f"Disabled by {actor.email}."
    ep.full_clean(exclude=["created_by"])
    if "url" in changes:
        _check_url(ep.url)
    ep.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="webhook.endpoint_updated",
        target=ep,
        before=before,
        after=snapshot(ep, ENDPOINT_FIELDS),
    )
    return ep


@transaction.atomic
def endpoint_rotate_secret(
    *, organization: Organization, actor: User, endpoint: WebhookEndpoint
) -> WebhookEndpoint:
    """A new secret; the old one keeps signing beside it for the overlap (spec: rotation)."""
    ep = _locked(organization, endpoint)
    hours = getattr(settings, "PODIUM_WEBHOOKS_ROTATION_OVERLAP_HOURS", 24)
    ep.previous_secret, ep.secret = ep.secret, secret_generate()
    ep.previous_secret_expires_at = timezone.now() + datetime.timedelta(hours=hours)
    ep.save(update_fields=["previous_secret", "secret", "previous_secret_expires_at", "updated_at"])
    audit_record(organization=organization, actor=actor, action="webhook.secret_rotated", target=ep)
    return ep


@transaction.atomic
def endpoint_delete(*, organization: Organization, actor: User, endpoint: WebhookEndpoint) -> None:
    ep = _locked(organization, endpoint)
    audit_record(
        organization=organization,
        actor=actor,
        action="webhook.endpoint_deleted",
        target=ep,
        before=snapshot(ep, ENDPOINT_FIELDS),
    )
    ep.delete()


def _requeue(deliveries: list[WebhookDelivery]) -> None:
    from integrations.tasks import webhook_deliver
    from tenancy.outbox import enqueue

    for d in deliveries:
        enqueue(webhook_deliver, d.pk, manual=True)


@transaction.atomic
def delivery_redeliver(
    *, organization: Organization, actor: User, delivery: WebhookDelivery
) -> WebhookDelivery:
    """Send again now, with the same `webhook-id`; starts a fresh retry run."""
    d = WebhookDelivery.objects.for_org(organization).select_for_update().get(pk=delivery.pk)
    d.status, d.attempt_count, d.next_attempt_at = DeliveryStatus.PENDING, 0, timezone.now()
    d.claimed_until = None
    d.save(update_fields=["status", "attempt_count", "next_attempt_at", "claimed_until"])
    audit_record(
        organization=organization,
        actor=actor,
        action="webhook.redelivered",
        target=d,
        target_repr=f"{d.event.type} {d.event.msg_id}",
    )
    _requeue([d])
    return d


@transaction.atomic
def endpoint_replay_since(
    *, organization: Organization, actor: User, endpoint: WebhookEndpoint, since: datetime.datetime
) -> int:
    """Re-send every event of the org since `since` that this endpoint wants; returns how many."""
    ep = _locked(organization, endpoint)
    if since > timezone.now():
        raise ValidationError({"since": "Choose a time in the past."})
    now = timezone.now()
    events = [
        e
        for e in WebhookEvent.objects.for_org(organization)
        .filter(timestamp__gte=since)
        .order_by("timestamp", "id")
        if ep.wants(e.type)
    ]
    existing = {
        d.event_id: d
        for d in WebhookDelivery.objects.for_org(organization)
        .filter(endpoint=ep, event__in=events)
        .select_for_update()
    }
    new = [
        WebhookDelivery(organization=organization, endpoint=ep, event=e, next_attempt_at=now)
        for e in events
        if e.pk not in existing
    ]
    created = WebhookDelivery.objects.bulk_create(new)
    WebhookDelivery.objects.for_org(organization).filter(pk__in=[d.pk for d in existing.values()]).update(
        status=DeliveryStatus.PENDING, attempt_count=0, next_attempt_at=now, claimed_until=None
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="webhook.replayed",
        target=ep,
        after={"since": since.isoformat(), "events": len(events)},
    )
    _requeue([*created, *existing.values()])
    return len(events)
