"""Shapes for the webhooks API. The secret appears only in the create and rotate responses."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from integrations.events import event_type_choices
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tenancy.api.serializers import choice_field


class EndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=[]),
        required=False,
        allow_empty=True,
        help_text="Event types to send; empty sends every type.",
    )
    secret_hint = serializers.CharField(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "enabled",
            "disabled_reason",
            "secret_hint",
            "failing_since",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "disabled_reason",
            "secret_hint",
            "failing_since",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "event_types").choices = event_type_choices()  # the list's items


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="whsec_…; shown only in this response.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["id", "attempted_at", "status_code", "response_excerpt", "error", "duration_ms", "manual"]


class DeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="event.msg_id", read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    event_timestamp = serializers.DateTimeField(source="event.timestamp", read_only=True)
    attempts = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event_type",
            "event_timestamp",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_status_code",
            "created_at",
            "attempts",
        ]


class ReplaySerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Re-send every event from this time on.")


class EventTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    description = serializers.CharField()
