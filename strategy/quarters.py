"""Quarters as the organization counts them: the year starts in its `quarter_start_month`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _add_months(day: datetime.date, months: int) -> datetime.date:
    n = day.year * 12 + (day.month - 1) + months
    return datetime.date(n // 12, n % 12 + 1, 1)


@dataclass(frozen=True)
class Quarter:
    start: datetime.date  # the first day
    number: int  # 1–4 within the organization's year
    fiscal_year: int  # the calendar year the organization's year starts in

    @property
    def end(self) -> datetime.date:
        """The last day."""
        return _add_months(self.start, 3) - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        last = _add_months(self.start, 2)
        return (f"Q{self.number} {self.fiscal_year} · {MONTHS[self.start.month - 1]}–"
                f"{MONTHS[last.month - 1]} {last.year}")

    @property
    def key(self) -> str:
        """`2026-04`, the quarter's first month: what URLs and the API use."""
        return self.start.strftime("%Y-%m")

    def next(self, start_month: int) -> Quarter:
        return quarter_of(_add_months(self.start, 3), start_month)

    def previous(self, start_month: int) -> Quarter:
        return quarter_of(_add_months(self.start, -3), start_month)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def quarter_of(day: datetime.date, start_month: int) -> Quarter:
    """The quarter that holds `day`, for a year that starts in `start_month` (1–12)."""
    offset = (day.month - start_month) % 12  # months since the year began
    year_start = _add_months(datetime.date(day.year, day.month, 1), -offset)
    number = offset // 3 + 1
    return Quarter(start=_add_months(year_start, (number - 1) * 3), number=number,
                   fiscal_year=year_start.year)


def quarter_from_key(key: str, start_month: int) -> Quarter:
    """`2026-04` (any month of the quarter) → that quarter; ValueError when malformed."""
    year, _, month = key.partition("-")
    return quarter_of(datetime.date(int(year), int(month), 1), start_month)
