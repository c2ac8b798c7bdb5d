"""Shapes for the expert-time API. Related objects are looked up in the request's organization."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from knowledge.models import Guild
from knowledge.selectors import guild_choices
from pods.models import Pod
from pods.selectors import pod_list
from resources.experts import selectors
from resources.experts.models import Booking, BookingState, ExpertProfile, OfficeHours, Weekday
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.models import Person
from tenancy.selectors import person_choices


@extend_schema_field({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "14:00",
                     "description": "Wall-clock time in the office hours' time zone (no offset)."})
class WallClockField(serializers.TimeField):
    """A local time of day: RFC 3339's `time` format wants an offset, which office hours have not."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


def _experts(org: Any) -> Any:
    return selectors.expert_choices(organization=org)


class OfficeHoursSerializer(serializers.ModelSerializer):
    expert = OrgScopedPrimaryKeyField(scope=_experts, model=ExpertProfile)
    weekday = serializers.ChoiceField(choices=Weekday.choices, help_text="0 Monday … 6 Sunday.")
    start_time = WallClockField()
    end_time = WallClockField()
    timezone = serializers.CharField(max_length=64, required=False, help_text="IANA name, e.g. Europe/Berlin.")
    slot_minutes = serializers.IntegerField(min_value=5, max_value=480, required=False)
    min_notice_hours = serializers.IntegerField(min_value=0, max_value=672, required=False)
    buffer_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False)
    guild = OrgScopedPrimaryKeyField(scope=lambda org: guild_choices(organization=org), model=Guild,
                                     required=False, allow_null=True)

    class Meta:
        model = OfficeHours
        fields = ("id", "expert", "weekday", "start_time", "end_time", "timezone", "slot_minutes",
                  "min_notice_hours", "buffer_minutes", "guild", "created_at")
        read_only_fields = ("created_at",)


class ExpertSerializer(serializers.ModelSerializer):
    person = OrgScopedPrimaryKeyField(scope=lambda org: person_choices(organization=org), model=Person)
    name = serializers.CharField(source="person.full_name", read_only=True)
    topics = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   help_text="Comma-separated.")
    hours_per_week = serializers.IntegerField(min_value=1, max_value=80, help_text="A cap on bookings.")
    active = serializers.BooleanField(required=False)
    office_hours = OfficeHoursSerializer(many=True, read_only=True)

    class Meta:
        model = ExpertProfile
        fields = ("id", "person", "name", "topics", "hours_per_week", "active", "office_hours", "updated_at")
        read_only_fields = ("updated_at",)


class BookingSerializer(serializers.ModelSerializer):
    expert = OrgScopedPrimaryKeyField(scope=_experts, model=ExpertProfile)
    expert_name = serializers.CharField(source="expert.person.full_name", read_only=True)
    pod = OrgScopedPrimaryKeyField(scope=lambda org: pod_list(organization=org), model=Pod)
    booked_by = serializers.EmailField(source="booked_by.email", read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=BookingState.choices, read_only=True)

    class Meta:
        model = Booking
        fields = ("id", "expert", "expert_name", "pod", "topic", "start", "end", "state", "booked_by",
                  "office_hours", "cancelled_at", "created_at")
        read_only_fields = ("office_hours", "cancelled_at", "created_at")


class BookingFilter(serializers.Serializer):
    expert = serializers.IntegerField(required=False, min_value=1)
    pod = serializers.IntegerField(required=False, min_value=1)
    state = serializers.ChoiceField(choices=BookingState.choices, required=False)
    upcoming = serializers.BooleanField(required=False, default=False, help_text="Only bookings not yet ended.")
    mine = serializers.BooleanField(required=False, default=False,
                                    help_text="Only those I booked, of me as expert, or for pods I lead.")


class OfficeHoursFilter(serializers.Serializer):
    expert = serializers.IntegerField(required=False, min_value=1)
    guild = serializers.IntegerField(required=False, min_value=1)


class ExpertFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Name, title or topic.")
