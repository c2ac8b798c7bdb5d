"""Outgoing webhooks (Standard Webhooks 1.0): endpoints, events, deliveries and their attempts.

One event row per thing that happened in an org, with the spec's envelope (`type`, `timestamp`,
`data`) and a `msg_id` that is the `webhook-id` of every delivery of it, retries included. A
delivery is one event to one endpoint; each HTTP try is an attempt (the delivery log).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenancy.models import User
from tenancy.scoping import OrgOwned


class WebhookEndpoint(OrgOwned):
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Empty means every event type.
    event_types = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    enabled = models.BooleanField(default=True)
    # `whsec_` + base64 of the key; kept (not hashed) because every delivery is signed with it.
    secret = models.CharField(max_length=120)
    # During rotation deliveries are signed with both until this time (spec: zero-downtime rotation).
    previous_secret = models.CharField(max_length=120, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    # First failed attempt since the last success; an endpoint failing for days is disabled.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "enabled"], name="webhookendpoint_org_on")]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…"


class WebhookEvent(OrgOwned):
    msg_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=80)
    timestamp = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta(OrgOwned.Meta):
        indexes = [models.Index(fields=["organization", "timestamp"], name="webhookevent_org_ts")]

    def __str__(self) -> str:
        return f"{self.type} {self.msg_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(OrgOwned):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    # Automatic attempts of the current run (a manual redelivery starts a new run at 0).
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker that claimed the delivery holds it until this time (no two workers send it at once).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "endpoint", "event"], name="webhookdelivery_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "endpoint", "-created_at"], name="webhookdelivery_log"),
            models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due"),
        ]


class WebhookAttempt(OrgOwned):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    manual = models.BooleanField(default=False)

    class Meta(OrgOwned.Meta):
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["organization", "delivery"], name="webhookattempt_delivery")]

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
