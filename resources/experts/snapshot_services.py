"""Expert weeks for the capacity recompute (`resources.services.capacity`): per expert and week
(Monday, UTC) the hours offered (slot time of the office hours that week, capped by the weekly
offer) and the hours booked. Offered hours of past weeks use today's office hours: their history
is not kept, and bookings (which are) say what was used."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from resources.experts.models import Booking, BookingState, ExpertProfile, ExpertWeekSnapshot, OfficeHours
from resources.experts.slots import slots_between
from tenancy.models import Organization


def _monday(moment: dt.datetime) -> dt.date:
    day = moment.astimezone(dt.UTC).date()
    return day - dt.timedelta(days=day.weekday())


def expert_week_rows(organization: Organization, lo: dt.date, hi: dt.date) -> list[ExpertWeekSnapshot]:
    """Rows for the weeks in [lo, hi) (lo a Monday): three queries, linear in office hours and bookings."""
    start = dt.datetime.combine(lo, dt.time(), tzinfo=dt.UTC)
    stop = dt.datetime.combine(hi, dt.time(), tzinfo=dt.UTC)
    caps = dict(ExpertProfile.objects.for_org(organization).values_list("pk", "hours_per_week"))
    hours: dict[int, list[OfficeHours]] = defaultdict(list)
    for oh in OfficeHours.objects.for_org(organization).filter(expert__active=True).order_by("pk"):
        hours[oh.expert_id].append(oh)
    offered: dict[tuple[int, dt.date], float] = defaultdict(float)
    for expert_id, windows in hours.items():
        for slot in slots_between(windows, start, stop):
            offered[(expert_id, _monday(slot.start))] += (slot.end - slot.start).total_seconds() / 3600
    booked: dict[tuple[int, dt.date], float] = defaultdict(float)
    rows = (Booking.objects.for_org(organization)
            .filter(state=BookingState.BOOKED, start__gte=start, start__lt=stop)
            .values_list("expert_id", "start", "end"))
    for expert_id, b0, b1 in rows.iterator(chunk_size=5000):
        booked[(expert_id, _monday(b0))] += (b1 - b0).total_seconds() / 3600
    out = []
    for key in sorted(set(offered) | set(booked)):
        expert_id, week = key
        out.append(ExpertWeekSnapshot(
            organization=organization, expert_id=expert_id, week=week,
            offered=round(min(offered[key], float(caps.get(expert_id, 0))), 3), booked=round(booked[key], 3)))
    return out
