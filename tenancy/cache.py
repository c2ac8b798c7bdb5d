"""Cache versions per organization and scope, which key the cached fragments of read pages.

A write names the scopes whose data it changed (`tenancy.writes.org_write(...).touch(...)`):
an *area* (`people`, `pods`, `staffing`, …) and, for a page of one object, an *object scope*
(`pod:12`). A fragment names the scopes it was rendered from (`cached_fragment(..., scopes=…)`),
and its key carries their versions, so a write drops exactly the fragments that showed its data:
a vote on a lesson leaves the people directory and every pod page cached.

How a version stays correct without a lock. A version is the SUM of `weight` over the scope's
committed rows in `tenancy_cachescopechange`; a write INSERTs a row (weight 1) per scope inside
its own transaction. Inserts never wait for each other, so writes to unrelated objects run in
parallel (the old design UPDATEd the organization's row, so every write of the organization
queued behind every other). Under PostgreSQL snapshots a later snapshot sees a superset of the
committed rows, so the sum grows with every commit and never repeats: a reader that read the
versions *before* the data stores what it rendered under versions no older than that data, and
a write committed before a request started is always in that request's versions. A counter
assigned before commit (a sequence, `updated_at`) would not do: transactions commit out of order.
`compact` replaces a scope's rows by one row of their summed weight in one statement, which
leaves every sum unchanged; writes call it now and then (`COMPACT_EVERY`).

Every fragment also depends on the `org` area (settings, roles). A fragment that names no
scopes depends on every area: safe, and as coarse as the old organization-wide version.
Area versions arrive with the request's membership query (`tenancy.selectors`); object scopes
cost one query per request, only on pages that use them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest

from tenancy.models import Organization

FRAGMENT_TTL_SECONDS = 600
log = logging.getLogger("podium.cache")
T = TypeVar("T")

# --- Scopes ---------------------------------------------------------------------------------------
# Areas: the unit most writes touch and most fragments read. A new app adds its own here.
ORG = "org"  # organization settings, member roles: every fragment depends on it
ACCESS = "access"  # invitations and API tokens (no cached fragment shows them)
PEOPLE = "people"  # people, skills, members' names
PODS = "pods"  # pods (name, status, sponsor), pod roles
STAFFING = "staffing"  # assignments: who is in which pod, allocations
CHARTERS = "charters"
GOVERNANCE = "governance"  # decision-rights matrix, risk tiers, guardrails, deployments
MATRIX = "matrix"  # the matrix alone (its writes touch GOVERNANCE too): what routing reads
ESCALATIONS = "escalations"  # escalations and their status (pod health reads them)
ESCALATION_THREADS = "escalation_threads"  # comments that change no status
KNOWLEDGE = "knowledge"  # guilds, lessons, incidents, post-mortems, showcases, talks, rotations
LESSON_FEEDBACK = "lesson_feedback"  # helpful votes and comments on lessons
STRATEGY = "strategy"  # themes, outcomes, measurements, check-ins, signals
AUDIT = "audit"  # every audit event (`tenancy.audit.audit_record` touches it)
CATALOG = "catalog"  # platform catalog: models, components, data products, relations, adoptions
TRACKING = "tracking"  # experiments and runs (MLflow-compatible tracking)
BENCH = "bench"  # bench entries, staffing requests, scaling suggestions
OVERVIEW = "overview"  # the overview's snapshots and scorecard checks (dashboards)
COMPUTE = "compute"  # compute pools, quotas, allocations, budgets and their ledger
EXPERTS = "experts"  # expert profiles, office hours, bookings of expert time
MARKET = "market"  # service offerings and requests of the internal marketplace
AREAS = frozenset(
    {
        ORG,
        ACCESS,
        PEOPLE,
        PODS,
        STAFFING,
        CHARTERS,
        GOVERNANCE,
        MATRIX,
        ESCALATIONS,
        ESCALATION_THREADS,
        KNOWLEDGE,
        LESSON_FEEDBACK,
        STRATEGY,
        AUDIT,
        CATALOG,
        TRACKING,
        BENCH,
        OVERVIEW,
        COMPUTE,
        EXPERTS,
        MARKET,
    }
)
# Object families: `pod:<id>` is touched by every write to that pod's own page data.
FAMILIES = frozenset({"pod"})
# What a list of pods with their health is built from (org home, API pods): pod health reads
# staffing, charters and escalations past their SLA.
POD_LIST_SCOPES = (PODS, STAFFING, CHARTERS, ESCALATIONS, PEOPLE)
LESSON_SCOPES = (KNOWLEDGE, LESSON_FEEDBACK, PEOPLE, PODS)  # lesson rows: votes, authors, pods
COMPACT_EVERY = 64  # a write compacts the scopes it touched about once in this many writes


def pod_scope(pod_id: object) -> str:
    return f"pod:{pod_id}"


def check_scope(scope: str) -> str:
    """A known area or `family:<id>`; a typo would otherwise be a fragment that never expires."""
    family, sep, ident = scope.partition(":")
    if (not sep and scope in AREAS) or (sep and family in FAMILIES and ident):
        return scope
    raise ValueError(f"unknown cache scope {scope!r}: add it to tenancy.cache.AREAS/FAMILIES")


# --- Writing --------------------------------------------------------------------------------------

_INSERT = (
    "INSERT INTO tenancy_cachescopechange (organization_id, scope, weight)"
    " SELECT %s, s, 1 FROM unnest(%s::text[]) AS s"
)
_COMPACT = (
    "WITH gone AS (DELETE FROM tenancy_cachescopechange WHERE organization_id = %s"
    " AND scope = ANY(%s::text[]) RETURNING scope, weight)"
    " INSERT INTO tenancy_cachescopechange (organization_id, scope, weight)"
    " SELECT %s, scope, SUM(weight) FROM gone GROUP BY scope"
)
_DIRTY = "podium_scopes_touched"  # the outermost atomic block of a transaction that touched scopes


def scopes_touch(organization: Organization, scopes: Iterable[str]) -> None:
    """Record a write to `scopes`, inside the write's transaction (use `org_write`, not this)."""
    names = sorted({check_scope(s) for s in scopes})
    if not names:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("scopes_touch must run inside the write's transaction")
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [organization.pk, names])
    organization.__dict__.pop("_cache_versions", None)  # later reads here must not reuse old keys
    mark_write_open()
    if random.random() < 1 / COMPACT_EVERY:  # noqa: S311 (not security)
        # After the commit, in its own short statement: a DELETE inside the write would make
        # a concurrent writer compacting the same scope wait for this whole transaction.
        org_id = organization.pk
        transaction.on_commit(lambda: compact(Organization(pk=org_id), names))


def mark_write_open() -> None:
    """From here until the commit, this transaction reads data other readers do not see yet:
    fragments built in it are not kept (their versions may not count the write, or count rows
    that roll back). `org_write` calls this when it opens."""
    outermost = connection.atomic_blocks[0]
    if connection.__dict__.get(_DIRTY) is not outermost:
        connection.__dict__[_DIRTY] = outermost
        transaction.on_commit(lambda: connection.__dict__.pop(_DIRTY, None))


def compact(organization: Organization, scopes: Iterable[str]) -> None:
    """Replace each scope's rows by one row of their summed weight: every version is unchanged.

    One statement, so one snapshot: a reader sees the rows before or after, never a part.
    """
    names = sorted(set(scopes))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_COMPACT, [organization.pk, names, organization.pk])
    except DatabaseError:  # e.g. two compactions deadlocked: the rows stay, so do the sums
        log.warning("cache scope compaction of %s skipped", names, exc_info=True)


# --- Reading --------------------------------------------------------------------------------------

AREA_VERSIONS_SQL = (
    "(SELECT json_object_agg(v.scope, v.total) FROM (SELECT c.scope, SUM(c.weight) AS total"
    " FROM tenancy_cachescopechange c WHERE c.organization_id = {org}"
    " AND strpos(c.scope, ':') = 0 GROUP BY c.scope) v)"
)


def set_area_versions(organization: Organization, raw: object) -> None:
    """Keep the area versions read with the organization (a JSON object, or None if none)."""
    data = json.loads(raw) if isinstance(raw, str) else raw
    versions = data if isinstance(data, dict) else {}
    organization.__dict__["_cache_versions"] = {k: int(v) for k, v in versions.items()}


def _versions(organization: Organization, scopes: tuple[str, ...]) -> dict[str, int]:
    versions: dict[str, int] | None = organization.__dict__.get("_cache_versions")
    if versions is None:  # not resolved through the membership query (API token, tasks, tests)
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + AREA_VERSIONS_SQL.format(org="%s"), [organization.pk])
            set_area_versions(organization, cursor.fetchone()[0])
        versions = organization.__dict__["_cache_versions"]
    wanted = [s for s in scopes if ":" in s and s not in versions]
    if wanted:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT scope, SUM(weight) FROM tenancy_cachescopechange"
                " WHERE organization_id = %s AND scope = ANY(%s::text[]) GROUP BY scope",
                [organization.pk, wanted],
            )
            found = dict(cursor.fetchall())
        for s in wanted:
            versions[s] = int(found.get(s) or 0)
    return versions


def version_tag(organization: Organization, scopes: Iterable[str] | None) -> str:
    """The part of a fragment key that changes when any of `scopes` (and `org`) is written."""
    if scopes is None:
        versions = _versions(organization, ())
        return "*" + ",".join(f"{k}={v}" for k, v in sorted(versions.items()) if ":" not in k)
    names = tuple(sorted({ORG, *(check_scope(s) for s in scopes)}))
    versions = _versions(organization, names)
    return ",".join(f"{s}={versions.get(s, 0)}" for s in names)


def _inside_touching_write() -> bool:
    """Whether this code runs inside a transaction that has touched scopes and not committed."""
    blocks = connection.atomic_blocks if connection.in_atomic_block else []
    return bool(blocks) and connection.__dict__.get(_DIRTY) is blocks[0]


def fragment_key(
    organization: Organization, name: str, *parts: object, scopes: Iterable[str] | None = None
) -> str:
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:16]
    tag = hashlib.sha1(version_tag(organization, scopes).encode()).hexdigest()[:16]
    return f"frag:{organization.pk}:{name}:{tag}:{digest}"


def cached_value(
    organization: Organization,
    name: str,
    parts: tuple[object, ...],
    build: Callable[[], T],
    *,
    scopes: Iterable[str] | None = None,
    refill_after_commit: bool = False,
) -> T:
    """The value for these scopes' versions and these parts (HTML, API data…), built on a miss.

    `scopes` are the areas and objects the value was built from; None means every area.
    The versions are read before `build` reads the data, which is what keeps it never stale.
    A miss inside an open write is not kept; with `refill_after_commit` it is built again and
    kept once the write has committed (for values that writes read, such as the matrix that an
    admission routes by, which no read outside a write might ever cache).
    """
    key = fragment_key(organization, name, *parts, scopes=scopes)
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        if not _inside_touching_write():
            # Not from inside an open write: its versions count rows that may yet roll back.
            cache.set(key, value, FRAGMENT_TTL_SECONDS)
        elif refill_after_commit:
            org_id = organization.pk

            def refill() -> None:
                cached_value(Organization.objects.get(pk=org_id), name, parts, build, scopes=scopes)

            transaction.on_commit(refill)
    return value


def cached_fragment(
    organization: Organization,
    name: str,
    parts: tuple[object, ...],
    render: Callable[[], str],
    *,
    scopes: Iterable[str] | None = None,
) -> str:
    """Return the fragment for these scopes' versions and these parts, rendering it on a miss."""
    return cached_value(organization, name, parts, render, scopes=scopes)


def cached_rows(
    organization: Organization,
    name: str,
    items: Iterable[T],
    *,
    key: Callable[[T], object],
    render: Callable[[list[T]], list[str]],
    scopes: Iterable[str],
) -> list[str]:
    """Russian-doll fragments: the HTML of each row of a list, rendering only the rows not cached.

    A row's key is the versions of `scopes` plus `key(item)`: the row's id and whatever it shows
    that those scopes do not version (a derived figure such as a person's running allocation, an
    `updated_at`). So a write that changes one row's figure re-renders that row only, while the
    list fragment around the rows (keyed on the list's own scopes) is rebuilt from the others.
    `render` gets the missing items, in order, and returns their HTML in the same order. One
    cache round trip for all rows; the versions are read before `render` reads any data.
    """
    items = list(items)
    if not items:
        return []
    tag = hashlib.sha1(version_tag(organization, scopes).encode()).hexdigest()[:16]
    keys = [
        f"frag:{organization.pk}:{name}:{tag}:"
        + hashlib.sha1(repr(key(item)).encode()).hexdigest()[:16]
        for item in items
    ]
    found = cache.get_many(keys)
    missing = [i for i, k in enumerate(keys) if k not in found]
    if missing:
        fresh = dict(zip((keys[i] for i in missing), render([items[i] for i in missing]), strict=True))
        if not _inside_touching_write():
            cache.set_many(fresh, FRAGMENT_TTL_SECONDS)
        found.update(fresh)
    return [found[k] for k in keys]


# Cached fragments are shared between sessions, so they must not hold a CSRF token. Forms in
# them print this placeholder (`{{ csrf_placeholder|safe }}`), and `fill_csrf` puts the
# requesting session's token in on the way out.
CSRF_PLACEHOLDER = "<!--podium:csrf-->"


def fill_csrf(html: str, request: HttpRequest) -> str:
    from django.template.backends.utils import csrf_input

    return html.replace(CSRF_PLACEHOLDER, str(csrf_input(request)))
