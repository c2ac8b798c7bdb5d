"""Date ranges of the overview: the organization's quarters and the quarter-over-quarter shift."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass


def shift_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, clamped to the month's last day (31 May − 3 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def quarter_start(day: datetime.date, start_month: int) -> datetime.date:
    """First day of the organization's quarter holding `day` (quarters begin in `start_month`)."""
    offset = (day.month - start_month) % 3
    return shift_months(day.replace(day=1), -offset)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous_quarter(self) -> Period:
        """The same span one quarter earlier: what the figures are compared with."""
        return Period(shift_months(self.start, -3), shift_months(self.end, -3))

    def weeks(self) -> list[datetime.date]:
        """Mondays of the weeks the range touches (the trend's buckets)."""
        first = self.start - datetime.timedelta(days=self.start.weekday())
        return [first + datetime.timedelta(weeks=n) for n in range((self.end - first).days // 7 + 1)]

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def this_quarter(today: datetime.date, start_month: int) -> Period:
    return Period(quarter_start(today, start_month), today)
