"""Reads of webhook endpoints and their delivery log."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
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
