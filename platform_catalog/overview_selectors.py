"""What the platform catalog contributes to the leader's overview (registered in its AppConfig):
the coordination-quality tile (reuse rate, new adoptions, open duplication candidates) and
data-product contract breaches in the attention queue. Reads the catalog's own tables;
dashboards stores and aggregates what these return."""

from __future__ import annotations

import datetime

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from platform_catalog.models import Adoption, ContractState, DataProduct, DuplicateDecision, DuplicatePair
from pods.selectors import pod_list
from tenancy.models import Organization
from tenancy.registry import ATTENTION_LIMIT, AttentionItem, Fact

ADOPTION_METRIC = "catalog.adoption"  # 1 per adoption, on its `since` day, for the adopting pod
REUSING_METRIC = "catalog.reusing"  # per pod and snapshot day: 1 when it uses what another pod owns
DUPLICATES_METRIC = "catalog.duplicates_open"  # organization-wide gauge, on the last day asked for

# (pod, since) of every adoption of an entry another pod owns.
REUSE_ROWS_SQL = """
WITH owned AS (
    SELECT 'component' AS kind, id, owner_pod_id FROM platform_catalog_component WHERE organization_id = %(org)s
    UNION ALL SELECT 'data_product', id, owner_pod_id FROM platform_catalog_dataproduct WHERE organization_id = %(org)s
    UNION ALL SELECT 'model', id, owner_pod_id FROM platform_catalog_catalogmodel WHERE organization_id = %(org)s
)
SELECT a.pod_id, min(a.since) FROM platform_catalog_adoption a
JOIN owned o ON o.kind = a.entity_kind AND o.id = a.entity_id AND o.owner_pod_id IS DISTINCT FROM a.pod_id
WHERE a.organization_id = %(org)s GROUP BY a.pod_id
"""


def _snapshot_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = [d for d in (start + datetime.timedelta(n) for n in range((end - start).days + 1)) if d.weekday() == 6]
    return days if days and days[-1] == end else [*days, end]


def coordination_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """Four queries, whatever the range."""
    facts = [Fact(ADOPTION_METRIC, since, 1.0, pod) for pod, since in Adoption.objects.for_org(organization)
             .filter(since__gte=start, since__lte=end).values_list("pod_id", "since")]
    with connection.cursor() as cur:
        cur.execute(REUSE_ROWS_SQL, {"org": organization.pk})
        reusing_since = dict(cur.fetchall())
    pods = list(pod_list(organization=organization).exclude(status="sunset").values_list("pk", "created_at"))
    for day in _snapshot_days(start, end):
        for pk, created in pods:
            if created.date() <= day:
                since = reusing_since.get(pk)
                facts.append(Fact(REUSING_METRIC, day, 1.0 if since is not None and since <= day else 0.0, pk))
    open_pairs = DuplicatePair.objects.for_org(organization).filter(current=True,
                                                                    decision=DuplicateDecision.OPEN).count()
    facts.append(Fact(DUPLICATES_METRIC, end, float(open_pairs)))
    return facts


def contract_breaches(organization: Organization, now: datetime.datetime,
                      until: datetime.datetime) -> list[AttentionItem]:
    """Data products whose contract is breached, overdue since the breach incident started; the
    item links to that incident, where the owning pod works on it. One query."""
    rows = (DataProduct.objects.for_org(organization).filter(contract_state=ContractState.BREACHED)
            .select_related("owner_pod", "breach_incident").order_by("updated_at", "pk")[:ATTENTION_LIMIT])
    items = []
    for dp in rows:
        incident = dp.breach_incident
        url = (reverse("knowledge:incident_detail", args=[organization.slug, incident.pk]) if incident
               else reverse("pods:pod_detail", args=[organization.slug, dp.owner_pod_id]))
        items.append(AttentionItem(
            source="contract_breaches", title=f"{dp.name}: data contract breached",
            detail=f"{dp.owner_pod.name} · {dp.breach_reason}"[:300], url=url, pod_id=dp.owner_pod_id,
            due_at=incident.started_at if incident else (dp.updated_at or timezone.now())))
    return items
