"""Escalations in the one search (the header's box), found only by members who may see them.

Governance may not import knowledge, which keeps the index (they are siblings): it registers the
`escalation` kind in `tenancy.registry` with the rule for who may find one (the same
`escalation_visible_q` as every list and page: leaders and admins all of them, a pod's lead its
pod's, an approver those routed to them) and hands documents over through
`registry.search_upsert`. The text of an escalation does not change after it is filed, so it is
indexed then (`escalation_file`); rows written in bulk are indexed by
`manage.py search_index_directory`, which asks `escalation_search_documents`.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from governance.models import Escalation
from governance.selectors import escalation_visible_q
from tenancy.models import Membership, Organization
from tenancy.permissions import is_org_leader
from tenancy.registry import SearchEntry, SearchKind

ESCALATION = "escalation"


def escalation_search_entry(escalation: Escalation) -> SearchEntry:
    """The search document of an escalation (its pod, decision type and risk tier loaded)."""
    e = escalation
    body = "\n".join(x for x in (e.context, e.options, e.recommendation,
                                 f"{e.pod.name} · {e.decision_type.name} · {e.risk_tier.name} risk") if x)
    return SearchEntry(
        organization=e.organization, kind=ESCALATION, object_id=e.pk, title=e.title, body=body,
        tags=(e.decision_type.key[:40], e.risk_tier.key[:40]), pod_id=e.pod_id,
        date=e.filed_at.date(),
        url=reverse("governance:escalation_detail", args=[e.organization.slug, e.pk]),
    )


def escalation_search_documents(organization: Organization) -> Iterator[SearchEntry]:
    rows = (Escalation.objects.for_org(organization)
            .select_related("organization", "pod", "decision_type", "risk_tier").order_by("pk"))
    for e in rows.iterator(chunk_size=1000):
        yield escalation_search_entry(e)


def escalation_ids_visible(organization: Organization, viewer: Membership) -> list[int] | None:
    """The escalations `viewer` may find in search: None for all (leaders and admins), else ids."""
    if is_org_leader(viewer):
        return None
    return list(Escalation.objects.for_org(organization).filter(escalation_visible_q(viewer))
                .values_list("pk", flat=True))


ESCALATION_SEARCH_KIND = SearchKind(kind=ESCALATION, label="Escalation", visible_ids=escalation_ids_visible,
                                    documents=escalation_search_documents)
