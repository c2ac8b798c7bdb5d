"""What the tenant-isolation walker needs from integrations (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

MARKER = "zzvictim"

OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "integrations:endpoint_detail": {"pk": lambda v: v.extra["webhook"].pk},
    "integrations:endpoint_rotate": {"pk": lambda v: v.extra["webhook"].pk},
    "integrations:endpoint_delete": {"pk": lambda v: v.extra["webhook"].pk},
    "integrations:endpoint_replay": {"pk": lambda v: v.extra["webhook"].pk},
    "integrations:delivery_redeliver": {
        "pk": lambda v: v.extra["webhook"].pk,
        "delivery_pk": lambda v: v.extra["webhook_delivery"].pk,
    },
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "webhook-": {
        "pk": lambda v: v.extra["webhook"].pk,
        "delivery_pk": lambda v: v.extra["webhook_delivery"].pk,
    },
}
VICTIM_NAMES: list[str] = [f"{MARKER}-hooks.example", f"{MARKER} webhook"]


def build(victim: Any) -> None:
    """Org A's endpoint (a name, so creation does no DNS) and one delivery of one event."""
    from integrations.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
    from integrations.signing import secret_generate

    org = victim.org
    endpoint = WebhookEndpoint.objects.create(
        organization=org,
        url=f"https://{MARKER}-hooks.example/in",
        description=f"{MARKER} webhook",
        secret=secret_generate(),
    )
    event = WebhookEvent.objects.create(
        organization=org,
        msg_id="msg_zzvictim",
        type="incident.opened",
        timestamp=timezone.now(),
        data={"title": f"{MARKER} incident"},
    )
    delivery = WebhookDelivery.objects.create(
        organization=org, endpoint=endpoint, event=event, status="succeeded"
    )
    victim.extra.update(webhook=endpoint, webhook_delivery=delivery)
