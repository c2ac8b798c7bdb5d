"""The pod health snapshot (`PodHealthSnapshot`): kept on write, read by every page of pods.

Pod health is derived (`pods.health`); deriving it for a page of pods costs a statement of joins
and one batch per registered check on every cold render. The snapshot keeps the result per pod:

- **On write.** At the end of the outermost `org_write` (`tenancy.writes.before_commit_hook`),
  inside its transaction, a write that touched an area health reads (ours: settings, pods,
  staffing, charters; a registered check's `scopes`) re-derives the pods it touched (`pod:<id>`
  scopes). A block that touched such an area and no pod, or touched the `org` area (settings,
  which every pod's level reads), re-derives all of the organization's pods.
- **Never stale.** The rows are locked (one upsert, in pod order) *before* the data is read, so
  of two writes to one pod the second derives after the first has committed and sees it; a
  read after a committed write reads that write's row. Writes to different pods lock different
  rows: no organization-wide lock.
- **Time.** A row holds until `valid_until`: the first moment its health would change with no
  write (an assignment starts or ends, a charter review falls due, a registered check's
  `until`). The `inputs` are the settings and checks it was derived under. A reader derives any
  pod whose row is missing, expired or of other inputs live, so correctness never depends on
  the row: `pod_health_refresh` (beat) re-derives expired rows so readers seldom have to.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from pods.health import attach_health, health_inputs
from pods.health_selectors import health_refresh_pods, stale_health_pod_ids
from tenancy.cache import CHARTERS, ORG, PODS, STAFFING
from tenancy.models import Organization
from tenancy.registry import registry

CORE_AREAS = frozenset({ORG, PODS, STAFFING, CHARTERS})  # what `pods.health.core_reasons` reads


def _areas() -> frozenset[str]:
    return CORE_AREAS.union(*(c.scopes for c in registry.health_checks.all()))


def pods_to_refresh(blocks: Iterable[frozenset[str]]) -> set[int] | None:
    """The pods a write's blocks may have changed the health of: ids, None for all, or empty."""
    areas = _areas()
    ids: set[int] = set()
    for scopes in blocks:
        if not scopes & areas:
            continue
        pods = {int(s.partition(":")[2]) for s in scopes if s.startswith("pod:")}
        if ORG in scopes or not pods:
            return None
        ids |= pods
    return ids


def health_on_write(organization: Organization, blocks: list[frozenset[str]]) -> None:
    """`tenancy.writes` calls this at the end of each outermost write, before the commit."""
    ids = pods_to_refresh(blocks)
    if ids is None or ids:
        health_snapshot_refresh(organization, ids)


_LOCK = """
INSERT INTO pods_podhealthsnapshot (pod_id, organization_id, level, reasons, member_count,
    lead_count, protected_count, charter_review, charter_version, inputs, valid_until, computed_at)
SELECT p.id, p.organization_id, 'na', '[]'::jsonb, 0, 0, 0, NULL, NULL, '', '-infinity', now()
FROM pods_pod p WHERE p.organization_id = %(org)s {only} ORDER BY p.id
ON CONFLICT (pod_id) DO UPDATE SET computed_at = EXCLUDED.computed_at
RETURNING pod_id
"""

_STORE = """
UPDATE pods_podhealthsnapshot s SET level = v.level, reasons = v.reasons::jsonb,
    member_count = v.member_count, lead_count = v.lead_count, protected_count = v.protected_count,
    charter_review = v.charter_review, charter_version = v.charter_version, inputs = %(inputs)s,
    valid_until = v.valid_until, computed_at = now()
FROM unnest(%(ids)s::bigint[], %(level)s::text[], %(reasons)s::text[], %(members)s::int[],
            %(leads)s::int[], %(protected)s::int[], %(review)s::date[], %(version)s::int[],
            %(until)s::timestamptz[])
     AS v(pod_id, level, reasons, member_count, lead_count, protected_count, charter_review,
          charter_version, valid_until)
WHERE s.pod_id = v.pod_id AND s.organization_id = %(org)s
"""


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def health_snapshot_refresh(organization: Organization, pod_ids: Iterable[int] | None = None) -> int:
    """Re-derive and store the health of these pods (None: all of the organization's).

    Runs inside the caller's transaction (a write's, or its own for the beat task); returns how
    many rows it stored.
    """
    only = "" if pod_ids is None else "AND p.id = ANY(%(ids)s)"
    wanted = None if pod_ids is None else sorted(set(pod_ids))
    with connection.cursor() as cursor:  # lock first, then read: see the module's docstring
        cursor.execute(_LOCK.format(only=only), {"org": organization.pk, "ids": wanted})
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return 0
    now = timezone.now()
    today = timezone.localdate(now)
    rows = health_refresh_pods(organization, ids, today)  # the pods, figures and staffing changes
    pods = attach_health(organization, [pod for pod, _ in rows], today)
    until = {pod.pk: _midnight(day) for pod, day in rows if day is not None}
    day_end = _midnight(today + datetime.timedelta(days=1))
    for check in registry.health_checks.all():
        moments = check.until(organization, ids, now) if check.until else dict.fromkeys(ids, day_end)
        for pk, moment in moments.items():
            until[pk] = min(until.get(pk, moment), moment)
    cols: dict[str, list[Any]] = {k: [] for k in ("ids", "level", "reasons", "members", "leads",
                                                  "protected", "review", "version", "until")}
    for pod in pods:
        review = pod.charter_review
        if review is not None:  # due tomorrow → overdue the day after; overdue → its day count moves
            moment = _midnight(max(review, today) + datetime.timedelta(days=1))
            until[pod.pk] = min(until.get(pod.pk, moment), moment)
        cols["ids"].append(pod.pk)
        cols["level"].append(pod.health.level)
        cols["reasons"].append(json.dumps([[r.check, r.level, r.message] for r in pod.health.reasons]))
        cols["members"].append(pod.member_count)
        cols["leads"].append(pod.lead_count)
        cols["protected"].append(pod.protected_count)
        cols["review"].append(review)
        cols["version"].append(pod.charter_version)
        cols["until"].append(until.get(pod.pk, datetime.datetime.max.replace(tzinfo=datetime.UTC)))
    with connection.cursor() as cursor:
        cursor.execute(_STORE, {**cols, "org": organization.pk, "inputs": health_inputs(organization)})
    return len(ids)


def health_snapshot_refresh_expired(organization: Organization) -> int:
    """Re-derive the rows that time (or a settings change) has made unusable, and missing ones."""
    ids = stale_health_pod_ids(organization)
    return health_snapshot_refresh(organization, ids) if ids else 0

