"""Writes for expert time: profiles, office hours, bookings. Each is one `org_write` (one
transaction, audited). A booking locks its expert's row, so the weekly cap holds under
concurrent requests; the exclusion constraint `booking_no_overlap` is the database's own guard
against a double booking, should any write get past the check here.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from knowledge.models import Guild
from pods.models import Pod
from resources.capacity_tasks import capacity_recompute_soon
from resources.experts.models import Booking, BookingState, ExpertProfile, OfficeHours
from resources.experts.slots import matching_slot, valid_timezone, week_bounds
from tenancy.audit import snapshot
from tenancy.cache import EXPERTS
from tenancy.models import Organization, Person, User
from tenancy.notifications import notify
from tenancy.writes import current_write, org_write

MAX_HOURS = 80


class SlotTaken(ValidationError):
    """The slot was booked by someone else first (the API answers 409, like the constraint)."""


def _recompute_soon() -> None:
    w = current_write()
    w.on_commit(capacity_recompute_soon, w.organization.pk)


def _topics(topics: str) -> str:
    parts = [t.strip() for t in (topics or "").split(",") if t.strip()]
    out = ", ".join(dict.fromkeys(parts))
    if len(out) > 300:
        raise ValidationError({"topics": "At most 300 characters of topics."})
    return out


def _hours(hours_per_week: int) -> int:
    if not isinstance(hours_per_week, int) or isinstance(hours_per_week, bool) \
            or not 0 < hours_per_week <= MAX_HOURS:
        raise ValidationError({"hours_per_week": f"Offer between 1 and {MAX_HOURS} hours per week."})
    return hours_per_week


@org_write.service(EXPERTS)
def expert_profile_set(
    *, organization: Organization, actor: User | None, person: Person, hours_per_week: int,
    topics: str = "", active: bool = True,
) -> ExpertProfile:
    """Make `person` an expert, or change what they offer (one profile per person)."""
    w = current_write()
    w.same_org("person", person)
    hours, topics = _hours(hours_per_week), _topics(topics)
    existing = ExpertProfile.objects.for_org(organization).select_for_update().filter(person=person).first()
    before = snapshot(existing) if existing else None
    expert, _ = ExpertProfile.objects.for_org(organization).update_or_create(
        organization=organization, person=person,
        defaults={"hours_per_week": hours, "topics": topics, "active": active})
    w.audit("expert.set", target=expert, before=before, after=snapshot(expert))
    _recompute_soon()
    return expert


def _check_office_hours(weekday: int, start_time: dt.time, end_time: dt.time, tz: str, slot_minutes: int,
                        min_notice_hours: int, buffer_minutes: int) -> None:
    if weekday not in range(7):
        raise ValidationError({"weekday": "Use 0 (Monday) to 6 (Sunday)."})
    if not valid_timezone(tz):
        raise ValidationError({"timezone": f"Unknown time zone {tz!r}: use an IANA name such as Europe/Berlin."})
    if end_time <= start_time:
        raise ValidationError({"end_time": "End must be after start."})
    if not 5 <= slot_minutes <= 480:
        raise ValidationError({"slot_minutes": "A slot lasts 5 to 480 minutes."})
    window = (dt.datetime.combine(dt.date.min, end_time) - dt.datetime.combine(dt.date.min, start_time))
    if dt.timedelta(minutes=slot_minutes) > window:
        raise ValidationError({"slot_minutes": "Longer than the window: no slot would fit."})
    if not 0 <= min_notice_hours <= 24 * 28:
        raise ValidationError({"min_notice_hours": "Between 0 and 672 hours (four weeks)."})
    if not 0 <= buffer_minutes <= 240:
        raise ValidationError({"buffer_minutes": "Between 0 and 240 minutes."})


@org_write.service(EXPERTS)
def office_hours_create(
    *, organization: Organization, actor: User | None, expert: ExpertProfile, weekday: int,
    start_time: dt.time, end_time: dt.time, timezone: str = "UTC", slot_minutes: int = 30,
    min_notice_hours: int = 24, buffer_minutes: int = 0, guild: Guild | None = None,
) -> OfficeHours:
    w = current_write()
    w.same_org("expert", expert)
    w.same_org("guild", guild)
    _check_office_hours(weekday, start_time, end_time, timezone, slot_minutes, min_notice_hours, buffer_minutes)
    clash = (OfficeHours.objects.for_org(organization)
             .filter(expert=expert, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time,
                     timezone=timezone))
    if clash.exists():
        raise ValidationError({"start_time": "Overlaps the expert's other office hours that day."})
    oh = OfficeHours.objects.create(
        organization=organization, expert=expert, weekday=weekday, start_time=start_time, end_time=end_time,
        timezone=timezone, slot_minutes=slot_minutes, min_notice_hours=min_notice_hours,
        buffer_minutes=buffer_minutes, guild=guild)
    w.audit("office_hours.created", target=oh, after=snapshot(oh))
    _recompute_soon()
    return oh


@org_write.service(EXPERTS)
def office_hours_delete(*, organization: Organization, actor: User | None, office_hours: OfficeHours) -> None:
    """Stop offering these hours; slots already booked stay booked."""
    w = current_write()
    w.same_org("office_hours", office_hours)
    w.audit("office_hours.deleted", target=office_hours, before=snapshot(office_hours))
    office_hours.delete()
    _recompute_soon()


def _booked(organization: Organization, expert: ExpertProfile) -> QuerySet[Booking]:
    return Booking.objects.for_org(organization).filter(expert=expert, state=BookingState.BOOKED)


@org_write.service(EXPERTS)
def booking_create(
    *, organization: Organization, actor: User | None, expert: ExpertProfile, pod: Pod, topic: str,
    start: dt.datetime, end: dt.datetime,
) -> Booking:
    """Book one slot of the expert's office hours for `pod`. Refused with the field named: end
    not after start, a time that is no slot of the office hours, inside the minimum notice, past
    the weekly cap; a slot already taken raises `SlotTaken` (409)."""
    w = current_write()
    w.same_org("expert", expert)
    w.same_org("pod", pod)
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError({"topic": "Say what you want to talk about."})
    if len(topic) > 200:
        raise ValidationError({"topic": "At most 200 characters."})
    if end <= start:
        raise ValidationError({"end": "End must be after start."})
    # Serializes bookings of one expert: the weekly cap is a sum no constraint can hold.
    locked = ExpertProfile.objects.for_org(organization).select_for_update().select_related("person") \
        .get(pk=expert.pk)
    if not locked.active:
        raise ValidationError({"expert": f"{locked} offers no office hours at the moment."})
    office_hours = list(OfficeHours.objects.for_org(organization).filter(expert=locked))
    slot = matching_slot(office_hours, start, end)
    if slot is None:
        raise ValidationError({"start": f"{start:%a %Y-%m-%d %H:%M}–{end:%H:%M} UTC is not a slot of "
                                        f"{locked}'s office hours: pick one of the listed slots."})
    oh, now = slot.office_hours, timezone.now()
    earliest = now + dt.timedelta(hours=oh.min_notice_hours)
    if start < earliest:
        raise ValidationError({"start": f"Inside the minimum notice of {oh.min_notice_hours} h: book a slot "
                                        f"starting {earliest:%Y-%m-%d %H:%M} UTC or later."})
    if _booked(organization, locked).filter(start__lt=end, end__gt=start).exists():
        raise SlotTaken({"start": "This slot was just booked by someone else: pick another."})
    lo, hi = week_bounds(start, oh.timezone)
    week = _booked(organization, locked).filter(start__lt=hi, end__gt=lo).values_list("start", "end")
    booked_h = sum((e - s).total_seconds() for s, e in week) / 3600
    wanted = (end - start).total_seconds() / 3600
    if booked_h + wanted > locked.hours_per_week:
        raise ValidationError({"start": f"Past the weekly cap: {locked} offers {locked.hours_per_week} h a "
                                        f"week and {booked_h:g} h of the week of {lo:%Y-%m-%d} are booked."})
    b = Booking.objects.create(organization=organization, expert=locked, office_hours=oh, booked_by=actor,
                               pod=pod, topic=topic, start=start, end=end)
    w.audit("booking.created", target=b, after=snapshot(b))
    url = reverse("experts:my_bookings", kwargs={"org_slug": organization.slug})
    notify(organization=organization, users=[locked.person.user] if locked.person.user_id != getattr(
        actor, "pk", None) else [], kind="booking", title=f"Office hours booked: {start:%a %d %b %H:%M} UTC",
        body=f"{pod} · {topic}", url=url)
    _recompute_soon()
    return b


@org_write.service(EXPERTS)
def booking_cancel(*, organization: Organization, actor: User | None, booking: Booking) -> Booking:
    """Cancel a booking that has not ended yet; its slot is free again at once."""
    w = current_write()
    w.same_org("booking", booking)
    b = Booking.objects.for_org(organization).select_for_update().select_related("expert__person") \
        .get(pk=booking.pk)
    if b.state != BookingState.BOOKED:
        raise ValidationError({"state": "This booking is already cancelled."})
    now = timezone.now()
    if b.end <= now:
        raise ValidationError({"state": "This booking has already taken place."})
    before = snapshot(b)
    b.state, b.cancelled_at = BookingState.CANCELLED, now
    b.save(update_fields=["state", "cancelled_at", "updated_at"])
    w.audit("booking.cancelled", target=b, before=before, after=snapshot(b))
    others = [u for u in (b.expert.person.user, b.booked_by) if u is not None and u.pk != getattr(actor, "pk", None)]
    notify(organization=organization, users=others, kind="booking",
           title=f"Office hours cancelled: {b.start:%a %d %b %H:%M} UTC", body=b.topic,
           url=reverse("experts:my_bookings", kwargs={"org_slug": organization.slug}))
    _recompute_soon()
    return b
