"""Expert time: who offers office hours, when, and who booked which slot for which pod.

Bookings of one expert never overlap: `booking_no_overlap` is a PostgreSQL exclusion constraint
(btree_gist) over the expert and the booked range, beside the check in the service, so two
concurrent bookings of one slot give one booking and one conflict, never two.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from tenancy.scoping import OrgOwned


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class ExpertProfile(OrgOwned):
    """A person who offers time to other pods: topics, and a cap of hours per week."""

    person = models.ForeignKey("tenancy.Person", on_delete=models.CASCADE, related_name="expert_profiles")
    topics = models.CharField(max_length=300, blank=True, help_text="Comma-separated, e.g. 'RAG, evaluation'.")
    hours_per_week = models.PositiveSmallIntegerField(help_text="Offered hours per week: a cap on bookings.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "person"], name="expert_unique_person"),
            models.CheckConstraint(condition=Q(hours_per_week__gt=0) & Q(hours_per_week__lte=80),
                                   name="expert_hours_in_range"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.split(",") if t.strip()]


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OfficeHours(OrgOwned):
    """A recurring weekly window, cut into slots of `slot_minutes` with `buffer_minutes` between
    them, in the expert's time zone; bookable no later than `min_notice_hours` ahead."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="office_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    timezone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Europe/Berlin.")
    slot_minutes = models.PositiveSmallIntegerField(default=30)
    min_notice_hours = models.PositiveSmallIntegerField(default=24)
    buffer_minutes = models.PositiveSmallIntegerField(default=0)
    # Hosted in a guild: the guild's page lists them (resources contributes the panel).
    guild = models.ForeignKey("knowledge.Guild", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["weekday", "start_time", "id"]
        verbose_name_plural = "office hours"
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="office_hours_end_after"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5) & Q(slot_minutes__lte=480),
                                   name="office_hours_slot_length"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="office_hours_weekday"),
        ]
        indexes = [
            models.Index(fields=["organization", "expert"], name="office_hours_expert"),
            models.Index(fields=["organization", "guild"], name="office_hours_guild"),
        ]

    def __str__(self) -> str:
        return (f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M} "
                f"({self.timezone})")

    @property
    def minutes(self) -> int:
        start = dt.datetime.combine(dt.date.min, self.start_time)
        return int((dt.datetime.combine(dt.date.min, self.end_time) - start).total_seconds() // 60)


class BookingState(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


class Booking(OrgOwned):
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="bookings")
    office_hours = models.ForeignKey(OfficeHours, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    pod = models.ForeignKey("pods.Pod", on_delete=models.PROTECT, related_name="expert_bookings")
    topic = models.CharField(max_length=200)
    start = models.DateTimeField()
    end = models.DateTimeField()
    state = models.CharField(max_length=10, choices=BookingState.choices, default=BookingState.BOOKED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="booking_end_after"),
            ExclusionConstraint(
                name="booking_no_overlap",
                expressions=[
                    (F("organization"), RangeOperators.EQUAL),
                    (F("expert"), RangeOperators.EQUAL),
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(state="booked"),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "booked_by", "-start"], name="booking_booker"),
            models.Index(fields=["organization", "pod", "-start"], name="booking_pod"),
            models.Index(fields=["organization", "state", "start"], name="booking_state_start"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} {self.start:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


class ExpertWeekSnapshot(OrgOwned):
    """Per expert per week (starting Monday, UTC), computed with the other capacity snapshots:
    hours offered (the office hours of the week, capped by the weekly offer) and hours booked."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="week_snapshots")
    week = models.DateField(help_text="The Monday that starts the week.")
    offered = models.FloatField()
    booked = models.FloatField()

    class Meta(OrgOwned.Meta):
        ordering = ["expert_id", "week"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "expert", "week"], name="expert_week_snapshot_unique")
        ]
