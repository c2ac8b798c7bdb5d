"""Duplication candidates: pairs of entries of one kind, owned by different pods, that look alike.

Names and descriptions are compared with PostgreSQL trigram similarity (pg_trgm, installed by
knowledge's search); data products also by the share of schema field names they have in common.
Computed by a task (`catalog_duplicates_task`) into `DuplicatePair` rows in one transaction, never
on page load. A decided pair keeps its decision while its fingerprint (what it was computed
from) is unchanged; a "distinct" pair whose entries changed comes back for review.
"""

from __future__ import annotations

import hashlib
import json
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
# `%%` is the pg_trgm similarity operator (escaped for the driver). Models of one family (the
# same name in other versions) are versions, not duplicates.
PAIRS_SQL = """
SELECT a.id, b.id, a.name, b.name, left(a.description, 500), left(b.description, 500),
       similarity(lower(a.name), lower(b.name)) AS name_sim,
       CASE WHEN a.description <> '' AND b.description <> ''
            THEN similarity(left(a.description, 500), left(b.description, 500)) ELSE 0 END AS desc_sim
FROM {table} a
JOIN {table} b ON b.organization_id = a.organization_id AND b.id > a.id AND b.owner_pod_id <> a.owner_pod_id
WHERE a.organization_id = %(org)s {extra}
  AND (lower(a.name) %% lower(b.name)
       OR (a.description <> '' AND b.description <> '' AND left(a.description, 500) %% left(b.description, 500)))
"""


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
        cur.execute("SET LOCAL pg_trgm.similarity_threshold = 0.4")
        cur.execute(PAIRS_SQL.format(table=TABLES[kind], extra=extra), {"org": organization.pk})
        for a_id, b_id, a_name, b_name, a_desc, b_desc, name_sim, desc_sim in cur.fetchall():
            score = max(name_sim, 0.5 * name_sim + 0.5 * desc_sim, 0.9 * desc_sim)
            found[(a_id, b_id)] = {"score": round(score, 3), "evidence": {
                "names": [a_name, b_name], "descriptions": [a_desc, b_desc],
                "name_similarity": round(name_sim, 3), "description_similarity": round(desc_sim, 3)}}
    if kind == EntityKind.DATA_PRODUCT:
        fields = _field_sets(organization)
        owners = dict(DataProduct.objects.for_org(organization).values_list("pk", "owner_pod_id"))
        names = dict(DataProduct.objects.for_org(organization).values_list("pk", "name"))
        ids = sorted(fields)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if owners.get(a) == owners.get(b) or not fields[a] or not fields[b]:
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
                if row.fingerprint != fp and row.decision == DuplicateDecision.DISTINCT:
                    row.decision, row.decided_by, row.decided_at = DuplicateDecision.OPEN, None, None
                row.score, row.evidence, row.fingerprint, row.computed_at, row.current = (
                    data["score"], data["evidence"], fp, now, True)
                changed.append(row)
        for key, row in existing.items():
            if key not in seen and row.current:
                row.current = False
                changed.append(row)
        DuplicatePair.objects.bulk_create(new)
        DuplicatePair.objects.for_org(organization).bulk_update(
            changed, ["decision", "decided_by", "decided_at", "score", "evidence", "fingerprint", "computed_at",
                      "current"])
    return counts
