"""Serializers of the service-marketplace API. Related ids are looked up in the request's organization."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from pods.models import Pod
from pods.selectors import pod_list
from resources.api.serializers import CreditsField
from resources.market import selectors
from resources.market.models import RequestState, ServiceOffering, ServiceRequest
from tenancy.api.serializers import OrgScopedPrimaryKeyField


def _pods(org: Any) -> Any:
    return pod_list(organization=org)


class OfferingSerializer(serializers.ModelSerializer):
    provider = OrgScopedPrimaryKeyField(scope=_pods, model=Pod, help_text="The pod that provides the service.")
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    price = CreditsField(max_digits=12, decimal_places=2, min_value=Decimal(0), help_text="Credits per unit.")
    response_sla_hours = serializers.IntegerField(min_value=1, max_value=24 * 90)
    monthly_capacity = serializers.IntegerField(min_value=1, max_value=100_000,
                                                help_text="Units accepted per month at most.")
    booked = serializers.IntegerField(read_only=True, help_text="Units accepted for this month.")
    open_requests = serializers.IntegerField(read_only=True, help_text="Requests awaiting an answer.")

    class Meta:
        model = ServiceOffering
        fields = ("id", "provider", "provider_name", "name", "description", "unit", "price", "response_sla_hours",
                  "monthly_capacity", "active", "booked", "open_requests", "created_at", "updated_at")
        read_only_fields = ("created_at", "updated_at")


class OfferingUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(max_length=40, required=False)
    price = CreditsField(max_digits=12, decimal_places=2, min_value=Decimal(0), required=False)
    response_sla_hours = serializers.IntegerField(min_value=1, max_value=24 * 90, required=False)
    monthly_capacity = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    active = serializers.BooleanField(required=False)


class ServiceRequestSerializer(serializers.ModelSerializer):
    offering = OrgScopedPrimaryKeyField(scope=lambda org: selectors.offering_choices(organization=org),
                                        model=ServiceOffering)
    offering_name = serializers.CharField(source="offering.name", read_only=True)
    provider = serializers.IntegerField(source="offering.provider_id", read_only=True)
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod, help_text="The requesting pod (it pays).")
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    state = serializers.ChoiceField(choices=RequestState.choices, read_only=True)
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                    help_text="quantity × unit_price, held when accepted.")
    sla_breached = serializers.BooleanField(read_only=True)
    hold = serializers.IntegerField(source="hold_id", read_only=True, allow_null=True,
                                    help_text="The ledger hold on the requester's services budget.")
    requested_by = serializers.EmailField(source="requested_by.email", read_only=True, allow_null=True)

    class Meta:
        model = ServiceRequest
        fields = ("id", "offering", "offering_name", "provider", "pod", "quantity", "needed_by", "note",
                  "unit_price", "cost", "state", "reason", "sla_due_at", "sla_breached", "sla_breached_at",
                  "responded_at", "delivered_at", "ended_at", "hold", "requested_by", "created_at")
        read_only_fields = ("unit_price", "reason", "sla_due_at", "sla_breached_at", "responded_at",
                            "delivered_at", "ended_at", "created_at")


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                   help_text="Why (shown to the other side), e.g. on decline or cancel.")


class OfferingFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Name, description, unit or provider pod.")
    provider = serializers.IntegerField(required=False, min_value=1)
    include_inactive = serializers.BooleanField(required=False, default=False)


class RequestFilter(serializers.Serializer):
    side = serializers.ChoiceField(choices=[("provider", "provider"), ("requester", "requester")], required=False,
                                   help_text="provider: to pods I lead; requester: from pods I lead.")
    all = serializers.BooleanField(required=False, default=False, help_text="Leaders: every request.")
    state = serializers.ChoiceField(choices=RequestState.choices, required=False)
    offering = serializers.IntegerField(required=False, min_value=1)
    pod = serializers.IntegerField(required=False, min_value=1)
    sla_breached = serializers.BooleanField(required=False, allow_null=True, default=None)
