"""One delivery attempt, and what it decides: success, the next retry, giving up, disabling.

Follows Standard Webhooks 1.0 "Deliverability and reliability": the example retry schedule
(immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h) with random jitter, 2xx as
the only success (a 3xx is a failure, never followed), 410 Gone disables the endpoint, a
`Retry-After` on 429/502/503/504 pushes the next attempt back, and an endpoint that keeps
failing for days is disabled and its admins are told through another channel.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import random

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrations import transport
from integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from integrations.signing import signature_header
from tenancy.models import ADMIN_ROLES, Membership, Organization
from tenancy.notifications import notify

# Delay before attempt n+1 (index n); the first entry is the immediate first attempt.
SCHEDULE = [
    datetime.timedelta(seconds=s)
    for s in (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600)
]
MAX_ATTEMPTS = len(SCHEDULE)
JITTER = 0.2  # a retry waits its scheduled delay plus up to 20% more
THROTTLE_CODES = {429, 502, 503, 504}
MAX_RETRY_AFTER = datetime.timedelta(hours=24)
CLAIM = datetime.timedelta(seconds=60)


def envelope_body(delivery: WebhookDelivery) -> bytes:
    """The spec's payload: `type`, `timestamp` (of the event, not of the attempt) and `data`."""
    event = delivery.event
    stamp = event.timestamp.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return json.dumps(
        {"type": event.type, "timestamp": stamp, "data": event.data}, separators=(",", ":"), sort_keys=True
    ).encode()


def _retry_after(value: str | None, now: datetime.datetime) -> datetime.timedelta | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = datetime.timedelta(seconds=int(value))
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        delay = when - now
    return max(datetime.timedelta(0), min(delay, MAX_RETRY_AFTER))


def next_delay(
    attempts_made: int, retry_after: datetime.timedelta | None = None
) -> datetime.timedelta | None:
    """The wait before the next attempt after `attempts_made` of them, or None to give up."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    delay = SCHEDULE[attempts_made] * (1 + random.uniform(0, JITTER))
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    return bool(
        # unscoped: a delivery is claimed by id alone (the worker learns its organization from it)
        WebhookDelivery.unscoped.filter(
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )


def _disable(endpoint: WebhookEndpoint, organization: Organization, reason: str) -> None:
    endpoint.enabled, endpoint.disabled_reason = False, reason[:200]
    admins = Membership.objects.for_org(organization).filter(role__in=ADMIN_ROLES).select_related("user")
    notify(
        organization=organization,
        users=[m.user for m in admins],
        kind="integrations.webhook_disabled",
        title=f"Webhook endpoint disabled: {endpoint.url}",
        body=reason,
        url=f"/o/{organization.slug}/webhooks/{endpoint.pk}/",
        email=True,
    )


def delivery_attempt(*, delivery_id: int, manual: bool = False) -> WebhookAttempt | None:
    """Send a due delivery once and record the outcome; None when it is not due (safe to repeat)."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return None
    # unscoped: a delivery is claimed by id alone (the worker learns its organization from it)
    d = WebhookDelivery.unscoped.select_related("endpoint", "event", "organization").get(pk=delivery_id)
    endpoint, organization = d.endpoint, d.organization
    if not endpoint.enabled:
        # unscoped: a delivery is claimed by id alone (the worker learns its organization from it)
        WebhookDelivery.unscoped.filter(pk=d.pk).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None, claimed_until=None
        )
        return None
    body = envelope_body(d)
    stamp = int(now.timestamp())
    keys = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > now
    ):
        keys.append(endpoint.previous_secret)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Podium-Webhooks/1.0",
        "webhook-id": d.event.msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature_header(
            secrets_=keys, msg_id=d.event.msg_id, timestamp=stamp, body=body
        ),
    }
    resp = transport.post(endpoint.url, body=body, headers=headers)
    return _record(d, endpoint, organization, resp, now, manual)


@transaction.atomic
def _record(
    d: WebhookDelivery,
    endpoint: WebhookEndpoint,
    organization: Organization,
    resp: transport.Response,
    now: datetime.datetime,
    manual: bool,
) -> WebhookAttempt:
    endpoint = WebhookEndpoint.objects.for_org(organization).select_for_update().get(pk=endpoint.pk)
    attempt = WebhookAttempt.objects.create(
        organization=organization,
        delivery=d,
        attempted_at=now,
        status_code=resp.status_code,
        response_excerpt=resp.excerpt[:500],
        error=resp.error[:300],
        duration_ms=resp.duration_ms,
        manual=manual,
    )
    d.attempt_count += 1
    d.last_status_code = resp.status_code
    d.claimed_until = None
    code = resp.status_code
    if code is not None and 200 <= code < 300:
        d.status, d.next_attempt_at = DeliveryStatus.SUCCEEDED, None
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since"])
    elif code == 410:
        d.status, d.next_attempt_at = DeliveryStatus.FAILED, None
        _disable(endpoint, organization, "The endpoint answered 410 Gone: it no longer wants webhooks.")
        endpoint.save(update_fields=["enabled", "disabled_reason"])
    else:
        retry_after = _retry_after(resp.retry_after, now) if code in THROTTLE_CODES else None
        delay = next_delay(d.attempt_count, retry_after)
        if delay is None:
            d.status, d.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            d.next_attempt_at = now + delay
        endpoint.failing_since = endpoint.failing_since or now
        days = getattr(settings, "PODIUM_WEBHOOKS_DISABLE_AFTER_DAYS", 5)
        if now - endpoint.failing_since >= datetime.timedelta(days=days):
            _disable(
                endpoint,
                organization,
                f"Every delivery has failed for {days} days (last: {code or resp.error or 'no answer'}).",
            )
        endpoint.save(update_fields=["failing_since", "enabled", "disabled_reason"])
    d.save(update_fields=["attempt_count", "last_status_code", "claimed_until", "status", "next_attempt_at"])
    return attempt


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Ids of pending deliveries whose next attempt is due and that no worker holds (all orgs)."""
    now = timezone.now()
    return list(
        # unscoped: a delivery is claimed by id alone (the worker learns its organization from it)
        WebhookDelivery.unscoped.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
