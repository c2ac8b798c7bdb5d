"""Duplication candidates: pairs of entries of one kind, owned by different pods, that look alike.

Names and descriptions are compared with PostgreSQL trigram similarity (pg_trgm, installed by
knowledge's search); data products also by the share of schema field names they have in common.
Only pairs that share a name token, two description words or a schema field are compared
(blocking): at the issue's enterprise size (5,000 experiments) the snapshot takes seconds, where
comparing every pair took minutes (`make bench` reports it with precision and recall).
Computed by a task (`catalog_duplicates_task`) into `DuplicatePair` rows in one transaction, never
on page load. A decided pair keeps its decision while its fingerprint (what it was computed
from) is unchanged; a "distinct" pair whose entries changed comes back for review.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import connection
from django.utils import timezone

from platform_catalog.models import DataProduct, DuplicateDecision, DuplicatePair, EntityKind, SchemaVersion
from tenancy.cache import CATALOG
from tenancy.models import Organization
from tenancy.writes import org_write

THRESHOLD = 0.5
TABLES: dict[str, str] = {  # entity kind → its table
    EntityKind.COMPONENT: "platform_catalog_component",
    EntityKind.DATA_PRODUCT: "platform_catalog_dataproduct",
    EntityKind.MODEL: "platform_catalog_catalogmodel",
    EntityKind.EXPERIMENT: "platform_catalog_experiment",
}
# Blocking, so the work grows with the entries rather than with their pairs: only entries that share
# a name token, a pair of name tokens, or two description words (each key held by at most
# `_cap(n)` entries: a word every entry has blocks nothing) are scored, by pg_trgm similarity in one
# statement over the candidate pairs. Models of one family (the same name in other versions) are
# versions, not duplicates.
ROWS_SQL = "SELECT id, owner_pod_id, lower(name), lower(left(description, 500)) FROM {table} WHERE organization_id = %s"
SCORE_SQL = """
SELECT a.id, b.id, a.name, b.name, left(a.description, 500), left(b.description, 500),
       similarity(lower(a.name), lower(b.name)) AS name_sim,
       CASE WHEN a.description <> '' AND b.description <> ''
            THEN similarity(left(a.description, 500), left(b.description, 500)) ELSE 0 END AS desc_sim
FROM unnest(%(a)s::bigint[], %(b)s::bigint[]) AS p(a_id, b_id)
JOIN {table} a ON a.id = p.a_id AND a.organization_id = %(org)s
JOIN {table} b ON b.id = p.b_id AND b.organization_id = %(org)s
WHERE TRUE {extra}
"""
_WORD = re.compile(r"[a-z0-9]+")
STOP = frozenset("the and for with from into that this our data model models service".split())


def _cap(n: int) -> int:
    return max(100, n // 20)


def _cross(ids: list[int], owner: Mapping[int, int | None]) -> Iterator[tuple[int, int]]:
    ids = sorted(set(ids))
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if owner[a] != owner[b]:
                yield a, b


def _blocked_pairs(rows: list[tuple[int, int | None, str, str]]) -> set[tuple[int, int]]:
    """Candidate pairs (a < b, different owner pods) by shared name tokens and description words."""
    cap = _cap(len(rows))
    owner = {pk: pod for pk, pod, _n, _d in rows if pod is not None}
    names: dict[Any, list[int]] = defaultdict(list)
    words: dict[str, list[int]] = defaultdict(list)
    for pk, pod, name, desc in rows:
        if pod is None:
            continue
        tokens = sorted({t for t in _WORD.findall(name) if len(t) > 1 and t not in STOP})
        for key in [*tokens, *itertools.combinations(tokens, 2)]:
            names[key].append(pk)
        for w in {w for w in _WORD.findall(desc) if len(w) > 3 and w not in STOP}:
            words[w].append(pk)
    pairs: set[tuple[int, int]] = set()
    for ids in names.values():
        if 1 < len(ids) <= cap:
            pairs.update(_cross(ids, owner))
    shared: Counter[tuple[int, int]] = Counter()
    for ids in words.values():
        if 1 < len(ids) <= cap:
            shared.update(_cross(ids, owner))
    pairs.update(p for p, n in shared.items() if n >= 2)
    return pairs


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _field_sets(organization: Organization) -> dict[int, set[str]]:
    """Each data product's latest schema field names (lower-cased)."""
    latest = {}
    for sv in (SchemaVersion.objects.for_org(organization).order_by("data_product_id", "-version")
               .distinct("data_product_id").only("data_product_id", "fields")):
        latest[sv.data_product_id] = {str(f.get("name", "")).lower() for f in sv.fields}
    return latest


def _candidates(organization: Organization, kind: str) -> dict[tuple[int, int], dict[str, Any]]:
    extra = "AND lower(a.name) <> lower(b.name)" if kind == EntityKind.MODEL else ""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    with connection.cursor() as cur:
        cur.execute(ROWS_SQL.format(table=TABLES[kind]), [organization.pk])
        pairs = sorted(_blocked_pairs(cur.fetchall()))
        cur.execute(SCORE_SQL.format(table=TABLES[kind], extra=extra),
                    {"org": organization.pk, "a": [p[0] for p in pairs], "b": [p[1] for p in pairs]})
        for a_id, b_id, a_name, b_name, a_desc, b_desc, name_sim, desc_sim in cur.fetchall():
            score = max(name_sim, 0.5 * name_sim + 0.5 * desc_sim, 0.9 * desc_sim)
            found[(a_id, b_id)] = {"score": round(score, 3), "evidence": {
                "names": [a_name, b_name], "descriptions": [a_desc, b_desc],
                "name_similarity": round(name_sim, 3), "description_similarity": round(desc_sim, 3)}}
    if kind == EntityKind.DATA_PRODUCT:
        fields = _field_sets(organization)
        owners = dict(DataProduct.objects.for_org(organization).values_list("pk", "owner_pod_id"))
        names = dict(DataProduct.objects.for_org(organization).values_list("pk", "name"))
        by_field: dict[str, list[int]] = defaultdict(list)
        for pk, names_of in fields.items():
            for f in names_of:
                by_field[f].append(pk)
        near: set[tuple[int, int]] = {p for p in found if p[0] in fields and p[1] in fields}
        for ids in by_field.values():
            if 1 < len(ids) <= _cap(len(fields)):
                near.update(_cross(ids, owners))
        for a, b in sorted(near):
            if not fields[a] or not fields[b]:
                continue
            shared = fields[a] & fields[b]
            jaccard = len(shared) / len(fields[a] | fields[b])
            if jaccard < 0.5 and (a, b) not in found:
                continue
            entry = found.setdefault((a, b), {"score": 0.0, "evidence": {"names": [names[a], names[b]]}})
            entry["evidence"]["shared_fields"] = sorted(shared)
            entry["evidence"]["field_overlap"] = round(jaccard, 3)
            entry["score"] = round(max(entry["score"], 0.5 * entry["score"] + 0.5 * jaccard, jaccard), 3)
    return {k: v for k, v in found.items() if v["score"] >= THRESHOLD}


BATCH = 500


def duplicates_compute(*, organization: Organization) -> dict[str, int]:
    """Recompute every kind's candidate pairs in one transaction; returns pairs found per kind."""
    now = timezone.now()
    counts: dict[str, int] = {}
    with org_write(organization, None, CATALOG):
        existing = {(p.entity_kind, p.a_id, p.b_id): p for p in DuplicatePair.objects.for_org(organization)}
        seen = set()
        new, changed = [], []
        for kind in TABLES:
            pairs = _candidates(organization, kind)
            counts[kind] = len(pairs)
            for (a, b), data in pairs.items():
                key = (kind, a, b)
                seen.add(key)
                fp = _fingerprint(data["evidence"])
                row = existing.get(key)
                if row is None:
                    new.append(DuplicatePair(organization=organization, entity_kind=kind, a_id=a, b_id=b,
                                             score=data["score"], evidence=data["evidence"], fingerprint=fp,
                                             computed_at=now))
                    continue
                if row.fingerprint == fp and row.score == data["score"] and row.current:
                    continue  # unchanged: only its computed_at moves, below, in one statement
                if row.fingerprint != fp and row.decision == DuplicateDecision.DISTINCT:
                    row.decision, row.decided_by, row.decided_at = DuplicateDecision.OPEN, None, None
                row.score, row.evidence, row.fingerprint, row.computed_at, row.current = (
                    data["score"], data["evidence"], fp, now, True)
                changed.append(row)
        for key, row in existing.items():
            if key not in seen and row.current:
                row.current = False
                changed.append(row)
        DuplicatePair.objects.bulk_create(new, batch_size=BATCH)
        # In batches: one UPDATE over 20,000 pairs is a CASE of 160,000 branches, which PostgreSQL
        # took over 25 minutes and 10 GB to plan (enterprise demo, before batching).
        DuplicatePair.objects.for_org(organization).bulk_update(
            changed, ["decision", "decided_by", "decided_at", "score", "evidence", "fingerprint", "computed_at",
                      "current"], batch_size=BATCH)
        DuplicatePair.objects.for_org(organization).filter(current=True).exclude(computed_at=now).update(
            computed_at=now)
    return counts
