"""The internal service marketplace: what a pod offers other pods, and their requests for it.

A request moves requested → accepted → delivered → closed, or ends declined or cancelled
(`TRANSITIONS`). Accepting holds its cost on the requester's "services" budget; delivery posts
the hold and credits the provider (an `earn` ledger entry, see `resources.services.ledger`);
declining or cancelling an accepted request voids the hold. An offering's monthly capacity caps
the units accepted for a month (the month of `needed_by`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from tenancy.scoping import OrgOwned


class ServiceOffering(OrgOwned):
    provider = models.ForeignKey("pods.Pod", on_delete=models.PROTECT, related_name="service_offerings")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=40, default="request", help_text="What one unit is, e.g. 'review'.")
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Credits per unit.")
    response_sla_hours = models.PositiveIntegerField(help_text="Hours within which a request is answered.")
    monthly_capacity = models.PositiveIntegerField(help_text="Units the provider accepts per month at most.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("organization", "provider", Lower("name"), name="offering_unique_name_ci"),
            models.CheckConstraint(condition=Q(price__gte=0), name="offering_price_not_negative"),
            models.CheckConstraint(condition=Q(monthly_capacity__gt=0), name="offering_capacity_positive"),
            models.CheckConstraint(condition=Q(response_sla_hours__gt=0), name="offering_sla_positive"),
        ]
        indexes = [models.Index(fields=["organization", "provider"], name="offering_provider")]

    def __str__(self) -> str:
        return self.name


class RequestState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DELIVERED = "delivered", "Delivered"
    CLOSED = "closed", "Closed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


# action → (states it may start from, state it leads to). Anything else is an illegal transition.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({RequestState.REQUESTED}), RequestState.ACCEPTED),
    "decline": (frozenset({RequestState.REQUESTED, RequestState.ACCEPTED}), RequestState.DECLINED),
    "deliver": (frozenset({RequestState.ACCEPTED}), RequestState.DELIVERED),
    "close": (frozenset({RequestState.DELIVERED}), RequestState.CLOSED),
    "cancel": (frozenset({RequestState.REQUESTED, RequestState.ACCEPTED}), RequestState.CANCELLED),
}
# The actions of the provider's side; the others are the requester's.
PROVIDER_ACTIONS = frozenset({"accept", "decline", "deliver"})
# States whose units count against the offering's monthly capacity.
BOOKED_STATES = (RequestState.ACCEPTED, RequestState.DELIVERED, RequestState.CLOSED)


class ServiceRequest(OrgOwned):
    offering = models.ForeignKey(ServiceOffering, on_delete=models.PROTECT, related_name="requests")
    pod = models.ForeignKey("pods.Pod", on_delete=models.PROTECT, related_name="service_requests",
                            help_text="The requesting pod (it pays).")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    quantity = models.PositiveIntegerField()
    needed_by = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    # The price when requested: a later price change does not alter what was asked for.
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    state = models.CharField(max_length=10, choices=RequestState.choices, default=RequestState.REQUESTED)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was declined or cancelled.")
    sla_due_at = models.DateTimeField(help_text="Answer (accept or decline) due by then.")
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    hold = models.ForeignKey("resources.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="service_request_quantity")]
        indexes = [
            models.Index(fields=["organization", "offering", "state", "needed_by"], name="service_req_offering"),
            models.Index(fields=["organization", "pod", "-created_at"], name="service_req_pod"),
            models.Index(fields=["organization", "state", "sla_due_at"], name="service_req_sla"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.offering} for {self.pod}"

    @property
    def cost(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))

    @property
    def month(self) -> dt.date:
        return self.needed_by.replace(day=1)

    @property
    def sla_breached(self) -> bool:
        return self.sla_breached_at is not None
