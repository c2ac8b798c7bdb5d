"""Reads for expert time, scoped to the organization; lists in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from pods.models import Pod
from pods.permissions import member_pods
from pods.selectors import led_pod_ids, pod_list
from resources.experts.models import Booking, BookingState, ExpertProfile, ExpertWeekSnapshot, OfficeHours
from resources.experts.slots import Slot, slots_between, week_bounds
from tenancy.models import Membership, Organization, User
from tenancy.permissions import can

SLOT_DAYS = 14


def bookable_pods(*, organization: Organization, viewer: Membership) -> QuerySet[Pod]:
    pods = pod_list(organization=organization)
    if can(viewer, "experts.manage"):
        return pods
    return pods.filter(pk__in=member_pods(viewer))


def _hours_prefetch(organization: Organization) -> Prefetch[Any]:
    return Prefetch("office_hours", queryset=OfficeHours.objects.for_org(organization).select_related("guild")
                    .order_by("weekday", "start_time", "id"))


def expert_list(*, organization: Organization, q: str = "", active_only: bool = True) -> QuerySet[ExpertProfile]:
    qs = ExpertProfile.objects.for_org(organization).select_related("person").prefetch_related(_hours_prefetch(organization))
    if active_only:
        qs = qs.filter(active=True)
    if q:
        qs = qs.filter(Q(person__full_name__icontains=q) | Q(topics__icontains=q) | Q(person__title__icontains=q))
    return qs.order_by("person__full_name", "id")


def expert_get(*, organization: Organization, pk: Any) -> ExpertProfile:
    return expert_list(organization=organization, active_only=False).get(pk=pk)


def expert_choices(*, organization: Organization) -> QuerySet[ExpertProfile]:
    return ExpertProfile.objects.for_org(organization).select_related("person").order_by("person__full_name", "id")


def expert_for_user(*, organization: Organization, user: User) -> ExpertProfile | None:
    return expert_choices(organization=organization).filter(person__user=user).first()


def office_hours_list(*, organization: Organization, expert_id: int | None = None,
                      guild_id: int | None = None) -> QuerySet[OfficeHours]:
    qs = OfficeHours.objects.for_org(organization).select_related("expert__person", "guild")
    if expert_id is not None:
        qs = qs.filter(expert_id=expert_id)
    if guild_id is not None:
        qs = qs.filter(guild_id=guild_id, expert__active=True)
    return qs.order_by("weekday", "start_time", "id")


def office_hours_get(*, organization: Organization, pk: Any) -> OfficeHours:
    return office_hours_list(organization=organization).get(pk=pk)


@dataclass(frozen=True)
class SlotView:
    start: dt.datetime
    end: dt.datetime
    office_hours: OfficeHours
    free: bool
    why: str  # when not free: booked, notice, cap


def expert_slots(*, organization: Organization, expert: ExpertProfile, days: int = SLOT_DAYS,
                 now: dt.datetime | None = None) -> list[SlotView]:
    """The expert's slots over the next `days`, each free or not and why: two queries."""
    now = now or timezone.now()
    hours = list(office_hours_list(organization=organization, expert_id=expert.pk))
    hi = now + dt.timedelta(days=days)
    slots = list(slots_between(hours, now, hi))
    if not slots:
        return []
    lo_week = min(week_bounds(s.start, s.office_hours.timezone)[0] for s in slots)
    hi_week = max(week_bounds(s.start, s.office_hours.timezone)[1] for s in slots)
    booked = list(Booking.objects.for_org(organization)
                  .filter(expert=expert, state=BookingState.BOOKED, start__lt=hi_week, end__gt=lo_week)
                  .values_list("start", "end"))
    out = []
    for s in slots:
        out.append(SlotView(s.start, s.end, s.office_hours, *_slot_state(s, booked, expert, now)))
    return out


def _slot_state(s: Slot, booked: list[tuple[dt.datetime, dt.datetime]], expert: ExpertProfile,
                now: dt.datetime) -> tuple[bool, str]:
    if any(b0 < s.end and b1 > s.start for b0, b1 in booked):
        return False, "booked"
    if s.start < now + dt.timedelta(hours=s.office_hours.min_notice_hours):
        return False, "notice"
    lo, hi = week_bounds(s.start, s.office_hours.timezone)
    week_h = sum((min(b1, hi) - max(b0, lo)).total_seconds() for b0, b1 in booked if b0 < hi and b1 > lo) / 3600
    if week_h + (s.end - s.start).total_seconds() / 3600 > expert.hours_per_week:
        return False, "cap"
    return True, ""


def booking_list(*, organization: Organization, viewer: Membership | None, mine: bool = False,
                 expert_id: int | None = None, pod_id: int | None = None, state: str = "",
                 upcoming: bool = False) -> QuerySet[Booking]:
    """Bookings the viewer may see (leaders: all; others: booked by them, of them as expert, or
    for pods they lead); `mine` narrows to those three even for a leader."""
    qs = Booking.objects.for_org(organization).select_related("expert__person", "pod", "booked_by")
    if viewer is not None and (mine or not can(viewer, "experts.view_all_bookings")):
        qs = qs.filter(Q(booked_by=viewer.user) | Q(expert__person__user=viewer.user)
                       | Q(pod_id__in=led_pod_ids(organization=organization, user=viewer.user)))
    if expert_id is not None:
        qs = qs.filter(expert_id=expert_id)
    if pod_id is not None:
        qs = qs.filter(pod_id=pod_id)
    if state:
        qs = qs.filter(state=state)
    if upcoming:
        qs = qs.filter(end__gt=timezone.now())
        return qs.order_by("start", "id")
    return qs.order_by("-start", "-id")


def booking_get(*, organization: Organization, viewer: Membership | None, pk: Any) -> Booking:
    return booking_list(organization=organization, viewer=viewer).get(pk=pk)


@dataclass
class ExpertWeeks:
    expert: ExpertProfile
    weeks: list[tuple[float, float]]  # (offered, booked) per week of the page's range


def utilisation_weeks(*, organization: Organization, experts: list[ExpertProfile], weeks: list[dt.date]
                      ) -> tuple[list[ExpertWeeks], list[tuple[float, float]]]:
    """Snapshot rows per expert and week, and per week Σ offered and Σ booked over every expert
    (group utilisation is Σ booked / Σ offered, never a mean of percentages). Two queries."""
    rows = ExpertWeekSnapshot.objects.for_org(organization).filter(
        expert__in=[e.pk for e in experts], week__in=weeks).values_list("expert_id", "week", "offered", "booked")
    found = {(e, w): (o, b) for e, w, o, b in rows}
    per = [ExpertWeeks(e, [found.get((e.pk, w), (0.0, 0.0)) for w in weeks]) for e in experts]
    sums = (ExpertWeekSnapshot.objects.for_org(organization).filter(week__in=weeks).values("week")
            .annotate(o=Sum("offered"), b=Sum("booked")).values_list("week", "o", "b"))
    totals = {w: (o or 0.0, b or 0.0) for w, o, b in sums}
    return per, [totals.get(w, (0.0, 0.0)) for w in weeks]


def organizations_with_experts() -> list[int]:
    # unscoped: the nightly recompute fans out to every organization that offers expert time.
    return list(ExpertProfile.unscoped.order_by().values_list("organization_id", flat=True).distinct())
