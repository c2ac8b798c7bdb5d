"""The compute tile: utilisation, borrowed share and pending demand, read from the capacity
snapshots resources' workers keep (`resources.selectors.capacity_series`)."""

from __future__ import annotations

import datetime

from resources.selectors import capacity_series
from tenancy.models import Organization
from tenancy.registry import Fact, OverviewTile, TileFigure

UTILISATION = "compute.utilisation"  # organization, per day: Σ used / Σ capacity, in %
BORROWED = "compute.borrowed_share"  # organization, per day: borrowed / used, in %
PENDING = "compute.pending"  # organization, per day: units asked for and waiting


def compute_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """One query. Utilisation is Σ used / Σ capacity over the pools (never a mean of percentages);
    a day with no capacity, or nothing used, has no utilisation or borrowed share."""
    cap: dict[datetime.date, float] = {}
    used: dict[datetime.date, float] = {}
    borrowed: dict[datetime.date, float] = {}
    pending: dict[datetime.date, float] = {}
    for rows in capacity_series(organization=organization).values():
        for s in rows:
            if start <= s.day <= end:
                cap[s.day] = cap.get(s.day, 0.0) + s.capacity
                used[s.day] = used.get(s.day, 0.0) + s.within_nominal + s.borrowed
                borrowed[s.day] = borrowed.get(s.day, 0.0) + s.borrowed
                pending[s.day] = pending.get(s.day, 0.0) + s.pending
    facts: list[Fact] = []
    for day in sorted(cap):
        if cap[day]:
            facts.append(Fact(UTILISATION, day, round(100 * used[day] / cap[day], 1)))
        if used[day]:
            facts.append(Fact(BORROWED, day, round(100 * borrowed[day] / used[day], 1)))
        facts.append(Fact(PENDING, day, round(pending[day], 1)))
    return facts


TILE = OverviewTile(
    key="compute", title="Compute", url_name="resources:capacity", metrics=(UTILISATION, BORROWED, PENDING),
    figures=(TileFigure("Utilisation", UTILISATION, "last", "%"),
             TileFigure("Borrowed share", BORROWED, "last", "%", better="down"),
             TileFigure("Pending demand", PENDING, "last", "units", better="down")),
    trend=TileFigure("Utilisation", UTILISATION, "last", "%"),
    collect=compute_facts, order=50)
