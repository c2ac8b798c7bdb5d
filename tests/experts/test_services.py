"""Booking rules, through the services: each refusal names its field and writes nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from resources.experts import services
from resources.experts.models import Booking, BookingState
from tenancy.models import AuditEvent
from tests.experts.helpers import experts_setup, slot_at
from tests.factories import OrganizationFactory, PersonFactory, PodFactory, member

pytestmark = pytest.mark.django_db


def _field(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def test_a_slot_of_the_office_hours_is_booked_and_audited(org):
    x = experts_setup(org)
    b = x.book(days=3, hour=10)
    assert b.state == BookingState.BOOKED and b.pod == x.pod and b.booked_by == x.lead.user
    assert b.office_hours is not None and b.hours == 1
    assert AuditEvent.objects.for_org(org).filter(action="booking.created", target_id=str(b.pk)).exists()


@pytest.mark.parametrize("case", ["end_before_start", "end_equals_start"])
def test_end_not_after_start_is_refused_on_end(org, case):
    x = experts_setup(org)
    start, _ = slot_at(3, 10)
    end = start - dt.timedelta(hours=1) if case == "end_before_start" else start
    with pytest.raises(ValidationError) as exc:
        services.booking_create(organization=org, actor=x.lead.user, expert=x.expert, pod=x.pod, topic="t",
                                start=start, end=end)
    assert _field(exc) == {"end"}
    assert not Booking.objects.for_org(org).exists()


@pytest.mark.parametrize("hour,minute,length", [
    (7, 0, 60),    # before the window opens
    (18, 0, 60),   # after it closes (a slot must end inside it)
    (10, 30, 60),  # off the slot grid
    (10, 0, 90),   # longer than a slot
    (10, 0, 30),   # shorter than a slot
])
def test_a_time_that_is_no_slot_of_the_office_hours_is_refused_on_start(org, hour, minute, length):
    x = experts_setup(org)
    start, _ = slot_at(3, hour)
    start += dt.timedelta(minutes=minute)
    with pytest.raises(ValidationError) as exc:
        services.booking_create(organization=org, actor=x.lead.user, expert=x.expert, pod=x.pod, topic="t",
                                start=start, end=start + dt.timedelta(minutes=length))
    assert _field(exc) == {"start"} and "not a slot" in exc.value.message_dict["start"][0]
    assert not Booking.objects.for_org(org).exists()


def test_a_weekday_without_office_hours_is_refused(org):
    x = experts_setup(org)
    start, end = slot_at(3, 10)
    x.expert.office_hours.filter(weekday=start.weekday()).delete()
    with pytest.raises(ValidationError) as exc:
        x.book(3, 10)
    assert _field(exc) == {"start"}


def test_inside_the_minimum_notice_is_refused_on_start(org):
    x = experts_setup(org, min_notice_hours=72)
    with pytest.raises(ValidationError) as exc:
        x.book(days=2, hour=12)  # 36–60 h ahead, inside 72 h
    assert _field(exc) == {"start"} and "minimum notice of 72 h" in exc.value.message_dict["start"][0]
    assert x.book(days=4, hour=12).pk


def test_a_slot_in_the_past_is_refused(org):
    x = experts_setup(org, min_notice_hours=0)
    with pytest.raises(ValidationError) as exc:
        x.book(days=-2, hour=12)
    assert _field(exc) == {"start"}


def test_weekly_offered_hours_are_a_cap(org):
    x = experts_setup(org, hours_per_week=2)
    # Three slots of one week (Monday-based): find a week at least 2 days ahead.
    monday = (timezone.now() + dt.timedelta(days=9)).date()
    monday -= dt.timedelta(days=monday.weekday())
    days = (monday - timezone.now().date()).days
    x.book(days=days, hour=9)
    x.book(days=days + 1, hour=9)
    with pytest.raises(ValidationError) as exc:
        x.book(days=days + 2, hour=9)
    assert _field(exc) == {"start"} and "weekly cap" in exc.value.message_dict["start"][0]
    # The next week has its own hours.
    assert x.book(days=days + 7, hour=9).pk
    assert Booking.objects.for_org(org).filter(state="booked").count() == 3


def test_another_organizations_pod_or_expert_is_refused(org):
    x = experts_setup(org)
    other = OrganizationFactory()
    y = experts_setup(other)
    start, end = slot_at(3, 10)
    with pytest.raises(ValidationError) as exc:
        services.booking_create(organization=org, actor=x.lead.user, expert=x.expert, pod=y.pod, topic="t",
                                start=start, end=end)
    assert _field(exc) == {"pod"}
    with pytest.raises(ValidationError) as exc:
        services.booking_create(organization=org, actor=x.lead.user, expert=y.expert, pod=x.pod, topic="t",
                                start=start, end=end)
    assert _field(exc) == {"expert"}
    assert not Booking.objects.for_org(org).exists() and not Booking.objects.for_org(other).exists()


def test_a_taken_slot_is_a_conflict_and_cancelling_frees_it(org):
    x = experts_setup(org)
    first = x.book(3, 10)
    with pytest.raises(services.SlotTaken) as exc:
        x.book(3, 10, topic="Other")
    assert _field(exc) == {"start"}
    services.booking_cancel(organization=org, actor=x.lead.user, booking=first)
    first.refresh_from_db()
    assert first.state == BookingState.CANCELLED and first.cancelled_at is not None
    again = x.book(3, 10, topic="Again")
    assert again.pk != first.pk
    assert AuditEvent.objects.for_org(org).filter(action="booking.cancelled", target_id=str(first.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(organization=org, actor=x.lead.user, booking=first)
    assert _field(exc) == {"state"}


def test_cancelled_hours_do_not_count_against_the_cap(org):
    x = experts_setup(org, hours_per_week=1)
    b = x.book(9, 10)
    services.booking_cancel(organization=org, actor=x.lead.user, booking=b)
    assert x.book(9, 11).pk


def test_an_inactive_expert_takes_no_bookings(org):
    x = experts_setup(org)
    services.expert_profile_set(organization=org, actor=x.admin.user, person=x.expert.person,
                                hours_per_week=4, active=False)
    with pytest.raises(ValidationError) as exc:
        x.book(3, 10)
    assert _field(exc) == {"expert"}


def test_slots_follow_the_time_zone_and_the_buffer(org):
    admin = member(org, "admin")
    person = PersonFactory(organization=org)
    expert = services.expert_profile_set(organization=org, actor=admin.user, person=person, hours_per_week=10)
    day = (timezone.now() + dt.timedelta(days=5)).date()
    services.office_hours_create(organization=org, actor=admin.user, expert=expert, weekday=day.weekday(),
                                 start_time=dt.time(14), end_time=dt.time(16), timezone="Europe/Berlin",
                                 slot_minutes=30, buffer_minutes=15)
    pod = PodFactory(organization=org)
    berlin = ZoneInfo("Europe/Berlin")
    local = [dt.time(14), dt.time(14, 45), dt.time(15, 30)]
    starts = [dt.datetime.combine(day, t, tzinfo=berlin).astimezone(dt.UTC) for t in local]
    for s in starts:
        services.booking_create(organization=org, actor=admin.user, expert=expert, pod=pod, topic="t",
                                start=s, end=s + dt.timedelta(minutes=30))
    assert Booking.objects.for_org(org).count() == 3
    # 14:30 Berlin falls in the buffer after the first slot.
    bad = dt.datetime.combine(day, dt.time(14, 30), tzinfo=berlin).astimezone(dt.UTC)
    with pytest.raises(ValidationError) as exc:
        services.booking_create(organization=org, actor=admin.user, expert=expert, pod=pod, topic="t",
                                start=bad, end=bad + dt.timedelta(minutes=30))
    assert _field(exc) == {"start"}


@pytest.mark.parametrize("changes,field", [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"start_time": dt.time(12), "end_time": dt.time(11)}, "end_time"),
    ({"slot_minutes": 120, "end_time": dt.time(9)}, "slot_minutes"),
    ({"weekday": 7}, "weekday"),
    ({"buffer_minutes": 999}, "buffer_minutes"),
])
def test_bad_office_hours_are_refused_naming_the_field(org, changes, field):
    admin = member(org, "admin")
    expert = services.expert_profile_set(organization=org, actor=admin.user, person=PersonFactory(organization=org),
                                         hours_per_week=4)
    data = {"weekday": 1, "start_time": dt.time(8), "end_time": dt.time(10), **changes}
    with pytest.raises(ValidationError) as exc:
        services.office_hours_create(organization=org, actor=admin.user, expert=expert, **data)
    assert _field(exc) == {field}
    assert not expert.office_hours.exists()


def test_overlapping_office_hours_of_one_expert_are_refused(org):
    x = experts_setup(org)
    with pytest.raises(ValidationError) as exc:
        services.office_hours_create(organization=org, actor=x.admin.user, expert=x.expert, weekday=0,
                                     start_time=dt.time(17), end_time=dt.time(19), slot_minutes=60)
    assert _field(exc) == {"start_time"}


@pytest.mark.parametrize("hours", [0, 81])
def test_offered_hours_out_of_range_are_refused(org, hours):
    admin = member(org, "admin")
    with pytest.raises(ValidationError) as exc:
        services.expert_profile_set(organization=org, actor=admin.user, person=PersonFactory(organization=org),
                                    hours_per_week=hours)
    assert _field(exc) == {"hours_per_week"}


def test_every_write_is_audited(org):
    x = experts_setup(org)
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"expert.set", "office_hours.created"} <= actions
    oh = x.expert.office_hours.first()
    services.office_hours_delete(organization=org, actor=x.admin.user, office_hours=oh)
    assert AuditEvent.objects.for_org(org).filter(action="office_hours.deleted").exists()
