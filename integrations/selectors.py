"""Reads of webhook endpoints and their delivery log."""

from __future__ import annotations

import datetime

from django.db.models import Max, Prefetch, QuerySet

from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from tenancy.models import Organization


def endpoint_list(*, organization: Organization) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.for_org(organization).order_by("created_at", "id")


def delivery_list(*, organization: Organization, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    attempts = WebhookAttempt.objects.for_org(organization).order_by("-attempted_at", "-id")
    return (
        WebhookDelivery.objects.for_org(organization)
        .filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(Prefetch("attempts", queryset=attempts))
        .order_by("-created_at", "-id")
    )


def last_emitted(*, organization: Organization, type: str, ids: list[int]) -> dict[int, datetime.datetime]:
    """When an event of `type` was last emitted about each of the objects `ids` (by the payload's
    `id`), in one query: what an app reads to announce a state once, not at every check."""
    rows = (WebhookEvent.objects.for_org(organization).filter(type=type, data__id__in=ids)
            .values("data__id").annotate(last=Max("timestamp")).values_list("data__id", "last"))
    return {int(pk): last for pk, last in rows}
