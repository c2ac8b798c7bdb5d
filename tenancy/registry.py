"""The one place where apps register what they contribute to other apps' pages and jobs.

After NetBox's `netbox/registry.py`: a lower app (pods, tenancy) loops over what is registered
here and never names a higher one; a higher app (governance, knowledge, …) registers its
contributions in its `AppConfig.ready()`. Each kind is a typed record, so a contribution that
lacks a part (a health check without its SQL form) is refused when it is registered, not when a
page is filtered.

Kinds:
- `nav`            a link in the top bar (`NavEntry`)
- `panels`         an htmx panel on another app's page (`Panel`: page, url name, title)
- `health_checks`  a reason in pod health, in batch and in SQL (`HealthCheck`)
- `search_kinds`   a kind of search document (`SearchKind`), optionally seen only by some members;
                   an app that cannot import the index's keeper (knowledge) hands it documents
                   through `registry.search_index` (`SearchEntry`)
- `tiles`          a tile on the leader's overview (`OverviewTile`): the facts it snapshots, its figures
- `pod_dimensions` what the overview filters pods by (`PodDimension`: sponsor, theme, pod type …)
- `attention`      a source of the overview's attention queue (`AttentionSource`)
- `scorecard_measures` a per-pod figure that scorecard checks compare to a threshold (`ScorecardMeasure`)
- `seed_steps`     a step of the demo seeder (`SeedStep`: its order and the steps it needs first);
                   each demo/seeding module registers its own, the seeder names none of them
- `bench_targets`  a page or API list `make bench` measures (`BenchTarget`), registered by the
                   app that serves it in its `bench_targets` module (found by autodiscovery)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str  # reversed with the organization's slug
    section: str = ""  # the `nav_section` that marks this entry as the current one
    order: int = 100


@dataclass(frozen=True)
class Panel:
    page: str  # the host page, e.g. "pods.pod_detail"
    url_name: str  # reversed with (org slug, object pk); serves the htmx fragment
    html_id: str
    loading: str  # shown until the fragment arrives
    trigger: str = "load"  # htmx trigger: when the host page (re)loads the panel
    order: int = 100


@dataclass(frozen=True)
class HealthCheck:
    """A reason in pod health, in two forms that must agree.

    `batch(organization, pods, today)` returns `{pod_id: [HealthReason, ...]}` for a page of pods
    in a constant number of queries (what the page shows). `sql(organization, today)` returns
    `{level: Q}` over `Pod` for each level the check can give ("warn", "fail"): a pod matches the
    Q exactly when `batch` gives it a reason at that level (what `?health=` filters on).
    """

    name: str
    batch: Callable[[Any, list[Any], datetime.date], dict[int, list[Any]]]
    sql: Callable[[Any, datetime.date], dict[str, Any]]
    # The cache areas (`tenancy.cache`) whose writes can change the check's reasons: such a write
    # re-derives the health snapshot of the pods it touched (`pods.health_services`).
    scopes: tuple[str, ...] = ()
    # When the reasons change with time alone (an SLA passes): `until(organization, pod_ids, now)`
    # gives, per pod, the first moment after `now` they would. Without it a check is taken to
    # change only with the day (it is given `today`), so a snapshot holds until midnight.
    until: Callable[[Any, list[int], datetime.datetime], dict[int, datetime.datetime]] | None = None


@dataclass(frozen=True)
class SearchKind:
    kind: str
    label: str
    # Kinds that not every member may see (escalations) say which ones a viewer may find:
    # `visible_ids(organization, viewer_membership)` gives the object ids, or None for all of them.
    # The search then shows a viewer only those, and never corrects a query towards their words.
    # Without it, every member of the organization finds every document of the kind.
    visible_ids: Callable[[Any, Any], Collection[int] | None] | None = None
    # Every document of the kind in an organization, for `manage.py search_index_directory` (rows
    # written in bulk send no signal).
    documents: Callable[[Any], Iterable[SearchEntry]] | None = None


@dataclass(frozen=True)
class SearchEntry:
    """One document for the one search, from an app that may not import its keeper."""

    organization: Any
    kind: str
    object_id: int
    title: str
    body: str = ""
    tags: tuple[str, ...] = ()
    pod_id: int | None = None
    date: datetime.date | None = None
    url: str = ""


class SearchIndex(Protocol):
    """What keeps the search index (knowledge.search) offers to the apps beside and above it."""

    def upsert(self, entry: SearchEntry) -> None: ...

    def remove(self, organization: Any, kind: str, object_id: int) -> None: ...


class Store(Generic[T]):
    """Contributions of one kind, each registered once (by key), in registration order."""

    def __init__(self, kind: type[T], key: Callable[[T], Any]) -> None:
        self.kind = kind
        self._key = key
        self._items: dict[Any, T] = {}

    def register(self, item: T) -> T:
        if not isinstance(item, self.kind):
            raise TypeError(f"expected {self.kind.__name__}, got {type(item).__name__}")
        self._items[self._key(item)] = item  # re-registering (a reloaded app) replaces
        return item

    def unregister(self, key: Any) -> None:
        self._items.pop(key, None)

    def all(self) -> list[T]:
        items = list(self._items.values())
        if items and hasattr(items[0], "order"):
            items.sort(key=lambda i: i.order)  # type: ignore[attr-defined]
        return items

    def get(self, key: Any) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: Any) -> bool:
        return key in self._items


@dataclass(frozen=True)
class Fact:
    """One number of one day, for one pod (or the whole organization when `pod_id` is None)."""

    metric: str
    day: datetime.date
    value: float
    pod_id: int | None = None


def day_range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) in the current time zone: the moments a tile's
    `collect` looks at for the days [start, end]."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


# How a tile's figure aggregates the facts of its metric over the date range (and per week for the trend):
#   sum, count, avg, median, p90    over the values in the range
#   per_pod                         the sum over the number of pods the filters select
#   latest:<v>                      pods whose latest value in the range is <v> (a state, such as health)
#   last                            the sum of the values on the latest day in the range (a gauge)
#   share:<v>                       % of the values equal to <v>
AGGREGATIONS = ("sum", "count", "avg", "median", "p90", "per_pod", "last")


def _check_agg(agg: str) -> str:
    head, _, arg = agg.partition(":")
    if agg in AGGREGATIONS or (head in ("latest", "share") and arg):
        return agg
    raise ValueError(f"unknown aggregation {agg!r}")


@dataclass(frozen=True)
class TileFigure:
    label: str
    metric: str
    agg: str
    unit: str = ""  # "h" (hours), "%" or a noun shown after the figure
    better: str = "up"  # which way is good: "up", "down" (for the quarter-over-quarter arrow)

    def __post_init__(self) -> None:
        _check_agg(self.agg)


@dataclass(frozen=True)
class OverviewTile:
    """A tile on the leader's overview, contributed by the app that owns its data.

    `collect(organization, start, end)` returns the `Fact`s of days in [start, end], computed from
    the contributing app's own selectors; a worker stores them (dashboards never reads the app's
    tables). `figures` are computed from the stored facts for the chosen range and filters, with
    the previous quarter beside them; `trend` is drawn per week. `metrics` names every metric the
    tile's `collect` writes (a recompute replaces those facts for the range)."""

    key: str
    title: str
    url_name: str  # the page behind the tile, reversed with the organization's slug
    metrics: tuple[str, ...]
    figures: tuple[TileFigure, ...]
    trend: TileFigure
    collect: Callable[[Any, datetime.date, datetime.date], list[Fact]]
    permission: str = ""  # who sees the tile (a `can()` name); empty: every member
    order: int = 100
    # Metrics read "as of now" (a state no history can rebuild): a recompute replaces them only on
    # the days it collected and on its last day, so the earlier days' readings are kept.
    gauges: tuple[str, ...] = ()


@dataclass(frozen=True)
class PodDimension:
    """A filter of the overview: `values(organization)` gives `{pod_id: [value, …]}`;
    `choices(organization)` the `(value, label)` pairs offered."""

    key: str
    label: str
    values: Callable[[Any], dict[int, list[str]]]
    choices: Callable[[Any], list[tuple[str, str]]]
    order: int = 100


@dataclass(frozen=True)
class AttentionItem:
    source: str
    title: str
    url: str  # where it is acted on
    due_at: datetime.datetime  # overdue since; the queue is ordered by now - due_at, largest first
    pod_id: int | None = None
    detail: str = ""
    # From when it is shown (None: from `due_at`). A forecast (a reclaim about to happen) shows
    # before it falls due; a source may return items that only fall due within the snapshot's horizon.
    show_from: datetime.datetime | None = None
    # Memberships (ids) who may see it besides those with the source's `see_all` permission;
    # None: everyone who may see the source.
    viewers: tuple[int, ...] | None = None


@dataclass(frozen=True)
class AttentionSource:
    """What needs a leader now. `collect(organization, now, until)` returns the items that are
    due, or shown (`show_from`), before `until`, for every viewer (each item says who may see it),
    in a constant number of queries and at most `ATTENTION_LIMIT` of them, most overdue first.

    The overview never calls it on a page: dashboards stores what it returns in a snapshot,
    recomputed after a commit that touched one of `scopes` (debounced) and by beat, so a source
    costs the page no query."""

    key: str
    label: str
    collect: Callable[[Any, datetime.datetime, datetime.datetime], list[AttentionItem]]
    permission: str = ""  # who may see the source at all ("": every member)
    see_all: str = ""  # who sees items that name their `viewers` ("": only those viewers)
    order: int = 100
    # The cache areas (tenancy.cache) the items are read from; None: any write may change them.
    scopes: tuple[str, ...] | None = None


ATTENTION_LIMIT = 500  # items per source in a snapshot (the queue shows the most overdue 200)


@dataclass(frozen=True)
class ScorecardMeasure:
    """A per-pod figure for scorecard checks: `values(organization, pod_ids, today)` gives
    `{pod_id: value}` in a constant number of queries (a pod left out has no value and fails)."""

    key: str
    label: str
    category: str  # health, governance, knowledge, reuse, outcomes
    values: Callable[[Any, list[int], datetime.date], dict[int, float]]
    unit: str = ""


@dataclass(frozen=True)
class PodMilestone:
    """A dated moment in a pod's life that a higher app knows (e.g. its first deployment that
    passed the gate): `dates(organization, pod_ids)` gives `{pod_id: first moment}` for the given
    pods (None: every pod), in a constant number of queries. Lower apps read it by `key` without
    importing the app that records it."""

    key: str
    label: str
    dates: Callable[[Any, list[int] | None], dict[int, datetime.datetime]]


@dataclass(frozen=True)
class SeedStep:
    """`seed(ctx)` fills the demo organization with one app's data, at either scale, idempotently.

    Steps run by `order` (steps share the seeder's random generator, so the order is part of the
    data); `after` names the steps whose rows this one reads, and the seeder refuses an order
    that would run it before them."""

    name: str
    seed: Callable[[Any], None]
    order: int
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class BenchTarget:
    """One URL `make bench` measures. `path` may name {slug} and any placeholder of
    scripts/bench_objects.py; `kind` is "page" or "api" (an API 404 is reported as missing)."""

    name: str
    path: str
    kind: str = "page"
    min_share_of_trivial: float | None = None  # % of the baseline's requests/s
    order: int = 100


def _require_sql(check: HealthCheck) -> HealthCheck:
    if not callable(check.sql) or not callable(check.batch):
        raise TypeError(f"health check {check.name!r} needs both its batch and its SQL form")
    if not check.scopes:
        raise TypeError(f"health check {check.name!r} needs the cache areas whose writes change it")
    return check


@dataclass
class Registry:
    nav: Store[NavEntry] = field(default_factory=lambda: Store(NavEntry, lambda e: e.url_name))
    panels: Store[Panel] = field(default_factory=lambda: Store(Panel, lambda p: (p.page, p.url_name)))
    health_checks: Store[HealthCheck] = field(default_factory=lambda: Store(HealthCheck, lambda c: c.name))
    search_kinds: Store[SearchKind] = field(default_factory=lambda: Store(SearchKind, lambda k: k.kind))
    tiles: Store[OverviewTile] = field(default_factory=lambda: Store(OverviewTile, lambda t: t.key))
    pod_dimensions: Store[PodDimension] = field(default_factory=lambda: Store(PodDimension, lambda d: d.key))
    attention: Store[AttentionSource] = field(default_factory=lambda: Store(AttentionSource, lambda a: a.key))
    scorecard_measures: Store[ScorecardMeasure] = field(
        default_factory=lambda: Store(ScorecardMeasure, lambda m: m.key))
    pod_milestones: Store[PodMilestone] = field(default_factory=lambda: Store(PodMilestone, lambda m: m.key))
    seed_steps: Store[SeedStep] = field(default_factory=lambda: Store(SeedStep, lambda s: s.name))
    bench_targets: Store[BenchTarget] = field(default_factory=lambda: Store(BenchTarget, lambda t: t.name))

    # Set by the app that keeps the search index; None without it (documents are then not indexed).
    search_index: SearchIndex | None = None

    def search_upsert(self, entry: SearchEntry) -> None:
        if self.search_index is not None:
            self.search_index.upsert(entry)

    def search_remove(self, organization: Any, kind: str, object_id: int) -> None:
        if self.search_index is not None:
            self.search_index.remove(organization, kind, object_id)

    def register_health_check(self, check: HealthCheck) -> HealthCheck:
        return self.health_checks.register(_require_sql(check))

    def panels_for(self, page: str) -> list[Panel]:
        return [p for p in self.panels.all() if p.page == page]


registry = Registry()
