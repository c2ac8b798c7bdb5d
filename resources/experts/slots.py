"""Office hours cut into slots, in the expert's time zone (pure: no queries).

A window `[start_time, end_time)` on a weekday gives slots of `slot_minutes`, each followed by
`buffer_minutes` before the next one may start; a slot must end inside the window. Times are
local to the office hours' time zone, so a slot stays at 14:00 Berlin across a DST change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from resources.experts.models import OfficeHours


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    office_hours: OfficeHours


def valid_timezone(name: str) -> bool:
    if not name or name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def day_slots(oh: OfficeHours, day: dt.date) -> list[Slot]:
    """The slots of `oh` on the local date `day` (none unless it falls on the weekday)."""
    if day.weekday() != oh.weekday:
        return []
    tz = ZoneInfo(oh.timezone)
    step = dt.timedelta(minutes=oh.slot_minutes + oh.buffer_minutes)
    length = dt.timedelta(minutes=oh.slot_minutes)
    at = dt.datetime.combine(day, oh.start_time)
    close = dt.datetime.combine(day, oh.end_time)
    out = []
    while at + length <= close:
        start = at.replace(tzinfo=tz).astimezone(dt.UTC)
        out.append(Slot(start, (at + length).replace(tzinfo=tz).astimezone(dt.UTC), oh))
        at += step
    return out


def slots_between(office_hours: Iterable[OfficeHours], lo: dt.datetime, hi: dt.datetime) -> Iterator[Slot]:
    """Every slot starting in [lo, hi), ordered by start."""
    found: list[Slot] = []
    for oh in office_hours:
        tz = ZoneInfo(oh.timezone)
        day, last = lo.astimezone(tz).date(), hi.astimezone(tz).date()
        while day <= last:
            found.extend(s for s in day_slots(oh, day) if lo <= s.start < hi)
            day += dt.timedelta(days=1)
    return iter(sorted(found, key=lambda s: (s.start, s.office_hours.pk)))


def matching_slot(office_hours: Iterable[OfficeHours], start: dt.datetime, end: dt.datetime) -> Slot | None:
    """The slot that is exactly [start, end), if any of the office hours has it."""
    for oh in office_hours:
        day = start.astimezone(ZoneInfo(oh.timezone)).date()
        for slot in day_slots(oh, day):
            if slot.start == start and slot.end == end:
                return slot
    return None


def week_bounds(moment: dt.datetime, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) around `moment`, local to `tz_name`, as UTC."""
    tz = ZoneInfo(tz_name)
    local = moment.astimezone(tz).date()
    monday = local - dt.timedelta(days=local.weekday())
    lo = dt.datetime.combine(monday, dt.time()).replace(tzinfo=tz)
    hi = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time()).replace(tzinfo=tz)
    return lo.astimezone(dt.UTC), hi.astimezone(dt.UTC)
