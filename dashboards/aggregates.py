"""SQL for the overview's figures: each registered figure becomes one conditional aggregate, so
every tile's current and previous-quarter figures come from one query, and every trend from one
GROUP BY week query, whatever the number of tiles, pods or days."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, Avg, Count, FloatField, Q, Sum

from dashboards.periods import Period
from tenancy.registry import TileFigure


class Percentile(Aggregate):
    """`percentile_cont(f) WITHIN GROUP (ORDER BY value)`: PostgreSQL's continuous percentile."""

    function = "percentile_cont"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be within [0, 1]")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def period_q(period: Period) -> Q:
    return Q(day__gte=period.start, day__lte=period.end)


def figure_exprs(prefix: str, figure: TileFigure, where: Q,
                 latest: dict[tuple[str, str], Any], period_key: str) -> dict[str, Any]:
    """The aggregate(s) that compute `figure` over the rows matching `where`, named `prefix…`.
    `latest` gives, per (state metric, period key), the day a state is read on: a date or a scalar
    subquery expression."""
    q = Q(metric=figure.metric) & where
    head, _, arg = figure.agg.partition(":")
    if head in ("sum", "per_pod"):
        return {prefix: Sum("value", filter=q)}
    if head == "count":
        return {prefix: Count("id", filter=q)}
    if head == "avg":
        return {prefix: Avg("value", filter=q)}
    if head == "median":
        return {prefix: Percentile("value", 0.5, filter=q)}
    if head == "p90":
        return {prefix: Percentile("value", 0.9, filter=q)}
    if head == "share":
        return {prefix + "__hit": Count("id", filter=q & Q(value=float(arg))), prefix + "__all": Count("id", filter=q)}
    if head == "last":
        day = latest.get((figure.metric, period_key))
        if period_key == "week":  # per week: the gauge averaged over the week's snapshot days
            return {prefix: Sum("value", filter=q), prefix + "__days": Count("day", filter=q, distinct=True)}
        return {} if day is None else {prefix: Sum("value", filter=q & Q(day=day)),
                                       prefix + "__seen": Count("id", filter=q & Q(day=day))}
    if head == "latest":
        day = latest.get((figure.metric, period_key))
        if period_key == "week":  # per week: pods at that value, averaged over the week's snapshot days
            return {prefix + "__hit": Count("id", filter=q & Q(value=float(arg))),
                    prefix + "__days": Count("day", filter=q, distinct=True)}
        return {} if day is None else {prefix: Count("id", filter=q & Q(day=day, value=float(arg))),
                                       prefix + "__seen": Count("id", filter=q & Q(day=day))}
    raise ValueError(figure.agg)


def figure_value(prefix: str, figure: TileFigure, row: dict[str, Any], pod_count: int) -> float | None:
    head = figure.agg.partition(":")[0]
    if head == "share":
        total = row.get(prefix + "__all") or 0
        return round(100.0 * (row.get(prefix + "__hit") or 0) / total, 1) if total else None
    if head == "last" and prefix + "__days" in row:
        days = row.get(prefix + "__days") or 0
        return round((row.get(prefix) or 0) / days, 1) if days else None
    if head == "latest" and prefix + "__days" in row:
        days = row.get(prefix + "__days") or 0
        return round((row.get(prefix + "__hit") or 0) / days, 1) if days else None
    if prefix not in row or (prefix + "__seen" in row and not row[prefix + "__seen"]):
        return None  # a state metric with no snapshot in the period
    value = row.get(prefix)
    if head == "per_pod":
        return round((value or 0) / pod_count, 2) if pod_count else None
    if head in ("sum", "count", "latest", "last"):
        return float(value or 0)
    return None if value is None else round(float(value), 1)
