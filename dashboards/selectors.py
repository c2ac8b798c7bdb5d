"""Reads of the leader's overview: tiles from the stored facts, the attention queue from the
registered sources, and pod scorecards. A constant number of queries whatever the data size."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Subquery
from django.db.models.functions import TruncWeek
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dashboards import charts
from dashboards.aggregates import figure_exprs, figure_value, period_q
from dashboards.attention_services import attention_refresh
from dashboards.models import (
    AttentionEntry,
    AttentionSnapshot,
    DailyFact,
    FilterChoices,
    PodFacet,
    PodLevel,
    ScorecardCheck,
    ScorecardLevel,
    ScorecardResult,
    TileSnapshot,
)
from dashboards.periods import Period, this_quarter
from tenancy.cache import OVERVIEW, cached_value
from tenancy.models import Membership, Organization
from tenancy.permissions import can
from tenancy.registry import AttentionItem, OverviewTile, registry


@dataclass(frozen=True)
class Filters:
    period: Period
    dims: dict[str, str] = field(default_factory=dict)  # registered dimension key → chosen value

    @classmethod
    def default(cls, organization: Organization, today: datetime.date | None = None) -> Filters:
        return cls(this_quarter(today or timezone.localdate(), organization.quarter_start_month))


def dimension_choices(*, organization: Organization) -> list[dict[str, Any]]:
    """Every registered filter with the choices stored by the last snapshot (one query for all of
    them, cached until the next snapshot)."""
    def read() -> list[dict[str, Any]]:
        stored = dict(FilterChoices.objects.for_org(organization).values_list("key", "choices"))
        return [{"key": d.key, "label": d.label, "choices": [tuple(c) for c in stored.get(d.key, [])]}
                for d in registry.pod_dimensions.all()]
    return cached_value(organization, "overview_dimensions", (), read, scopes=(OVERVIEW,))


def facet_list(*, organization: Organization, filters: Filters) -> QuerySet[PodFacet]:
    qs = PodFacet.objects.for_org(organization)
    for key, value in filters.dims.items():
        if key in registry.pod_dimensions and value:
            qs = qs.filter(**{f"dims__{key}__contains": [value]})
    return qs


def _pod_q(organization: Organization, filters: Filters) -> Q:
    """Facts of the pods the filters select (organization-wide facts only when nothing is filtered)."""
    if not any(filters.dims.values()):
        return Q()
    return Q(pod_id__in=facet_list(organization=organization, filters=filters).values("pod_id"))


@dataclass
class FigureData:
    label: str
    value: float | None
    previous: float | None
    unit: str
    better: str

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)

    @property
    def trend_word(self) -> str:
        """better, worse or same, against the previous quarter."""
        d = self.delta
        if not d:
            return "same"
        return "better" if (d > 0) == (self.better == "up") else "worse"


@dataclass
class TileData:
    key: str
    title: str
    url: str
    figures: list[FigureData]
    trend_label: str
    trend: list[tuple[datetime.date, float | None]]
    chart: dict[str, Any] | None
    as_of: datetime.datetime | None


def visible_tiles(membership: Membership) -> list[OverviewTile]:
    return [t for t in registry.tiles.all() if not t.permission or can(membership, t.permission)]


def overview_tiles(*, organization: Organization, membership: Membership, filters: Filters) -> list[TileData]:
    """Every tile the member may see, for the filters: figures for the range and the same range a
    quarter earlier, and the weekly trend. Two queries (four for a range with no fact), cached until
    the next snapshot (which touches the OVERVIEW scope)."""
    tiles = visible_tiles(membership)
    if not tiles:
        return []
    parts = (tuple(t.key for t in tiles), filters.period.start, filters.period.end,
             tuple(sorted(filters.dims.items())))
    return cached_value(organization, "overview_tiles", parts,
                        lambda: _overview_tiles(organization, tiles, filters), scopes=(OVERVIEW,))


def _overview_tiles(organization: Organization, tiles: list[OverviewTile], filters: Filters) -> list[TileData]:
    cur, prev = filters.period, filters.period.previous_quarter()
    pod_q = _pod_q(organization, filters)
    facts = DailyFact.objects.for_org(organization).filter(pod_q)
    # 1. Every figure of every tile, now and a quarter earlier: one query. A "state" metric is read
    # on its latest snapshot day of each period, a scalar subquery inside the same statement.
    state = {f.metric for t in tiles for f in (*t.figures, t.trend) if f.agg.startswith("latest:") or f.agg == "last"}
    latest: dict[tuple[str, str], Any] = {
        (m, key): Subquery(facts.filter(period_q(p), metric=m).order_by().values("metric")
                           .annotate(d=Max("day")).values("d")[:1])
        for m in state for key, p in (("cur", cur), ("prev", prev))}
    exprs: dict[str, Any] = {}
    for ti, tile in enumerate(tiles):
        for fi, fig in enumerate(tile.figures):
            for key, p in (("cur", cur), ("prev", prev)):
                exprs.update(figure_exprs(f"t{ti}f{fi}{key}", fig, period_q(p), latest, key))
    metrics = {f.metric for t in tiles for f in t.figures} | {t.trend.metric for t in tiles}
    # Beside them, as scalar subqueries: the pods the filters select (per-pod figures) and each
    # tile's "as of" (an aggregate over no row is NULL: then they are read on their own).
    pods = (facet_list(organization=organization, filters=filters).order_by().values("organization_id")
            .annotate(n=Count("id")).values("n")[:1])
    snaps = TileSnapshot.objects.for_org(organization)
    exprs["_rows"], exprs["_pods"] = Count("id"), Max(Subquery(pods))
    for ti, tile in enumerate(tiles):
        exprs[f"_asof{ti}"] = Max(Subquery(snaps.filter(tile=tile.key).values("computed_at")[:1]))
    row = facts.filter(metric__in=metrics).filter(period_q(cur) | period_q(prev)).aggregate(**exprs)
    if row["_rows"]:
        pod_count = row["_pods"] or 0
        as_of = {tile.key: row[f"_asof{ti}"] for ti, tile in enumerate(tiles)}
    else:
        pod_count = facet_list(organization=organization, filters=filters).count()
        as_of = dict(snaps.values_list("tile", "computed_at"))
    # 2. The trends: one GROUP BY week.
    trend_exprs: dict[str, Any] = {}
    for ti, tile in enumerate(tiles):
        trend_exprs.update(figure_exprs(f"t{ti}trend", tile.trend, Q(), latest, "week"))
    weekly = {r["week"].date() if isinstance(r["week"], datetime.datetime) else r["week"]: r
              for r in facts.filter(metric__in=metrics).filter(period_q(cur))
              .annotate(week=TruncWeek("day")).values("week").order_by("week").annotate(**trend_exprs)}
    out = []
    for ti, tile in enumerate(tiles):
        figures = [FigureData(fig.label, figure_value(f"t{ti}f{fi}cur", fig, row, pod_count),
                              figure_value(f"t{ti}f{fi}prev", fig, row, pod_count), fig.unit, fig.better)
                   for fi, fig in enumerate(tile.figures)]
        trend = [(week, figure_value(f"t{ti}trend", tile.trend, weekly[week], pod_count) if week in weekly else None)
                 for week in cur.weeks()]
        out.append(TileData(key=tile.key, title=tile.title, url=_url(tile.url_name, organization),
                            figures=figures, trend_label=tile.trend.label, trend=trend,
                            chart=charts.sparkline(trend, unit=tile.trend.unit), as_of=as_of.get(tile.key)))
    return out


def snapshotted_tiles(*, organization: Organization) -> set[str]:
    """The tiles that have a snapshot (the others have no history yet)."""
    return set(TileSnapshot.objects.for_org(organization).values_list("tile", flat=True))


def _url(name: str, organization: Organization) -> str:
    try:
        return reverse(name, args=[organization.slug])
    except NoReverseMatch:
        return ""


# --- The attention queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttentionRow:
    item: AttentionItem
    source_label: str
    overdue: datetime.timedelta  # negative: falls due in that long (a forecast)


class AttentionQueue(list[AttentionRow]):
    """The rows, most overdue first, and the snapshot's "as of"."""

    def __init__(self, rows: Iterable[AttentionRow] = (), as_of: datetime.datetime | None = None) -> None:
        super().__init__(rows)
        self.as_of = as_of


def attention_queue(*, organization: Organization, membership: Membership, filters: Filters | None = None,
                    now: datetime.datetime | None = None, limit: int = 50) -> AttentionQueue:
    """What needs a leader now, from the attention snapshot (`attention_services`), most overdue
    first: the items of the sources the member may see, shown by `now`, of the filtered pods.
    One query, whatever the number of sources (two when nothing shows); a snapshot missing or past
    its `valid_until` (no worker ran) is refreshed first."""
    now = now or timezone.now()
    sources = [s for s in registry.attention.all() if not s.permission or can(membership, s.permission)]
    labels = {s.key: s.label for s in sources}
    every = [s.key for s in sources if not s.see_all or can(membership, s.see_all)]
    some = [s.key for s in sources if s.key not in every]
    snap = AttentionSnapshot.objects.for_org(organization)
    qs = (AttentionEntry.objects.for_org(organization)
          .filter(Q(source__in=every) | Q(source__in=some) & (Q(viewers__isnull=True)
                                                              | Q(viewers__contains=[membership.pk])),
                  show_from__lte=now)
          .annotate(_as_of=Subquery(snap.values("computed_at")[:1]),
                    _until=Subquery(snap.values("valid_until")[:1])))
    if filters is not None and any(filters.dims.values()):
        qs = qs.filter(pod_id__in=facet_list(organization=organization, filters=filters).values("pod_id"))
    entries = list(qs.order_by("due_at", "title", "pk")[:limit])
    if entries:
        as_of, until = entries[0]._as_of, entries[0]._until
    else:
        as_of, until = snap.values_list("computed_at", "valid_until").first() or (None, None)
    if until is None or until <= now:
        attention_refresh(organization=organization, now=now)
        return attention_queue(organization=organization, membership=membership, filters=filters, now=now,
                               limit=limit)
    return AttentionQueue((AttentionRow(
        item=AttentionItem(source=e.source, title=e.title, url=e.url, due_at=e.due_at, pod_id=e.pod_id,
                           detail=e.detail, show_from=e.show_from,
                           viewers=tuple(e.viewers) if e.viewers is not None else None),
        source_label=labels.get(e.source, e.source), overdue=now - e.due_at) for e in entries), as_of=as_of)


# --- Scorecards ------------------------------------------------------------------------------------


def scorecard_levels(*, organization: Organization) -> QuerySet[ScorecardLevel]:
    return ScorecardLevel.objects.for_org(organization).order_by("rank")


def scorecard_level_get(*, organization: Organization, pk: Any) -> ScorecardLevel:
    return scorecard_levels(organization=organization).get(pk=pk)


def scorecard_checks(*, organization: Organization) -> QuerySet[ScorecardCheck]:
    return ScorecardCheck.objects.for_org(organization).select_related("level").order_by("level__rank", "name")


def scorecard_check_get(*, organization: Organization, pk: Any) -> ScorecardCheck:
    return scorecard_checks(organization=organization).get(pk=pk)


def scorecard_day(*, organization: Organization) -> datetime.date | None:
    """The day of the latest evaluation."""
    day: datetime.date | None = PodLevel.objects.for_org(organization).aggregate(d=Max("day"))["d"]
    return day


def scorecard_rollup(*, organization: Organization, filters: Filters | None = None) -> dict[str, Any]:
    """Pods per level and each check's pass rate, on the latest evaluation day (four queries,
    cached until the next evaluation or check edit)."""
    dims = tuple(sorted(filters.dims.items())) if filters else ()
    return cached_value(organization, "scorecard_rollup", dims, lambda: _rollup(organization, filters),
                        scopes=(OVERVIEW,))


def _rollup(organization: Organization, filters: Filters | None) -> dict[str, Any]:
    day = scorecard_day(organization=organization)
    levels = list(scorecard_levels(organization=organization))
    pod_q = _pod_q(organization, filters) if filters else Q()
    by_rank: dict[int, int] = {}
    checks: list[dict[str, Any]] = []
    if day is not None:
        by_rank = dict(PodLevel.objects.for_org(organization).filter(pod_q, day=day)
                       .values("rank").annotate(n=Count("id")).values_list("rank", "n"))
        passed = {r["check_rule"]: r for r in ScorecardResult.objects.for_org(organization)
                  .filter(pod_q, day=day).values("check_rule")
                  .annotate(n=Count("id"), ok=Count("id", filter=Q(passed=True)))}
        for check in scorecard_checks(organization=organization):
            r = passed.get(check.pk, {"n": 0, "ok": 0})
            checks.append({"check": check, "passed": r["ok"], "total": r["n"],
                           "share": round(100 * r["ok"] / r["n"]) if r["n"] else None})
    total = sum(by_rank.values())
    return {"day": day, "total": total, "none": by_rank.get(0, 0), "checks": checks,
            "levels": [{"level": lv, "pods": by_rank.get(lv.rank, 0),
                        "share": round(100 * by_rank.get(lv.rank, 0) / total) if total else 0} for lv in levels]}


def pod_level_list(*, organization: Organization, filters: Filters | None = None) -> QuerySet[PodFacet]:
    """Pods with the level they reached on the latest evaluation day, lowest level first."""
    from django.db.models import OuterRef, Subquery

    day = scorecard_day(organization=organization)
    levels = PodLevel.objects.for_org(organization)
    latest = levels.filter(pod_id=OuterRef("pod_id"), day=day) if day else levels.none()
    qs = facet_list(organization=organization, filters=filters) if filters else PodFacet.objects.for_org(organization)
    return qs.annotate(rank=Subquery(latest.values("rank")[:1]), passed=Subquery(latest.values("passed")[:1]),
                       total=Subquery(latest.values("total")[:1])).order_by("rank", "name", "pod_id")


def pod_facet_get(*, organization: Organization, pod_id: Any) -> PodFacet:
    return PodFacet.objects.for_org(organization).get(pod_id=pod_id)


def pod_scorecard(*, organization: Organization, pod_id: int, history_days: int = 180) -> dict[str, Any]:
    """One pod: each level with its checks (value, passed) on the latest day, and the level's history."""
    day = scorecard_day(organization=organization)
    levels = list(scorecard_levels(organization=organization))
    results = ({r.check_rule_id: r for r in ScorecardResult.objects.for_org(organization)
                .filter(pod_id=pod_id, day=day)} if day else {})
    checks = list(scorecard_checks(organization=organization).filter(enabled=True))
    reached = PodLevel.objects.for_org(organization).filter(pod_id=pod_id, day=day).first() if day else None
    since = (day or timezone.localdate()) - datetime.timedelta(days=history_days)
    history = list(PodLevel.objects.for_org(organization).filter(pod_id=pod_id, day__gte=since)
                   .order_by("day").values_list("day", "rank"))
    grouped = [{"level": lv, "reached": reached is not None and reached.rank >= lv.rank,
                "checks": [{"check": c, "result": results.get(c.pk),
                            "measure": registry.scorecard_measures.get(c.measure)}
                           for c in checks if c.level_id == lv.pk]} for lv in levels]
    return {"day": day, "rank": reached.rank if reached else 0, "levels": grouped, "history": history,
            "chart": charts.sparkline([(d, float(r)) for d, r in history], unit="")}


def check_history(*, organization: Organization, check: ScorecardCheck, days: int = 180) -> dict[str, Any]:
    """Pods passing the check per evaluation day, and the pods failing it on the latest day."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    rows = list(ScorecardResult.objects.for_org(organization).filter(check_rule=check, day__gte=since)
                .values("day").annotate(n=Count("id"), ok=Count("id", filter=Q(passed=True))).order_by("day"))
    day = rows[-1]["day"] if rows else None
    fails = list(ScorecardResult.objects.for_org(organization).filter(check_rule=check, day=day, passed=False)
                 .order_by("pod_id").values("pod_id", "value")[:200]) if day else []
    names = dict(PodFacet.objects.for_org(organization).filter(pod_id__in=[f["pod_id"] for f in fails])
                 .values_list("pod_id", "name"))
    failing = [{**f, "name": names.get(f["pod_id"], f"Pod {f['pod_id']}")} for f in fails]
    history = [(r["day"], round(100 * r["ok"] / r["n"], 1) if r["n"] else None) for r in rows]
    return {"history": history, "failing": failing, "day": day,
            "chart": charts.sparkline(history, unit="%")}


def measure_choices() -> list[tuple[str, str]]:
    return [(m.key, f"{m.label} ({m.category})") for m in registry.scorecard_measures.all()]


def tile_figures_for_api(tile: TileData) -> dict[str, Any]:
    return {"key": tile.key, "title": tile.title, "url": tile.url, "as_of": tile.as_of,
            "figures": [{"label": f.label, "value": f.value, "previous_quarter": f.previous, "unit": f.unit,
                         "better": f.better, "delta": f.delta} for f in tile.figures],
            "trend": {"label": tile.trend_label,
                      "points": [{"week": w.isoformat(), "value": v} for w, v in tile.trend]}}


