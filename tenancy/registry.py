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
- `search_kinds`   a kind of search document (`SearchKind`)

Next kinds (seeding steps, bench targets, overview tiles) get a record and a store here when their
first contributor lands, the same way.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

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


@dataclass(frozen=True)
class SearchKind:
    kind: str
    label: str


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


def _require_sql(check: HealthCheck) -> HealthCheck:
    if not callable(check.sql) or not callable(check.batch):
        raise TypeError(f"health check {check.name!r} needs both its batch and its SQL form")
    return check


@dataclass
class Registry:
    nav: Store[NavEntry] = field(default_factory=lambda: Store(NavEntry, lambda e: e.url_name))
    panels: Store[Panel] = field(default_factory=lambda: Store(Panel, lambda p: (p.page, p.url_name)))
    health_checks: Store[HealthCheck] = field(default_factory=lambda: Store(HealthCheck, lambda c: c.name))
    search_kinds: Store[SearchKind] = field(default_factory=lambda: Store(SearchKind, lambda k: k.kind))

    def register_health_check(self, check: HealthCheck) -> HealthCheck:
        return self.health_checks.register(_require_sql(check))

    def panels_for(self, page: str) -> list[Panel]:
        return [p for p in self.panels.all() if p.page == page]


registry = Registry()
