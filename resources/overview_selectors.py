"""What resources contributes to the overview's attention queue (registered in `ResourcesConfig.ready`):
reclaims about to happen, shown from the notice the borrower's leads get until the reclaim. Reads
resources' own tables; dashboards stores what this returns in its attention snapshot."""

from __future__ import annotations

import datetime

from django.urls import reverse

from pods.selectors import pod_lead_memberships
from resources.models import Allocation, AllocationState
from resources.selectors import reclaim_notice
from tenancy.models import Organization
from tenancy.registry import ATTENTION_LIMIT, AttentionItem


def reclaims_upcoming(organization: Organization, now: datetime.datetime,
                      until: datetime.datetime) -> list[AttentionItem]:
    """Admitted allocations with borrowed capacity whose reclaim is forecast (or scheduled) before
    they end, from `reclaim_notice()` ahead of it; due at the reclaim, so they sort after what is
    already overdue. Seen by leaders (`resources.view_all`) and the borrowing pod's leads, who may
    open the allocation. Two queries."""
    notice = reclaim_notice()
    rows = list(Allocation.objects.for_org(organization)
                .filter(state=AllocationState.ADMITTED, reclaim_at__isnull=False, reclaim_at__lt=until + notice)
                .select_related("pod", "pool").order_by("reclaim_at", "pk")[:ATTENTION_LIMIT])
    rows = [a for a in rows if a.reclaim_at is not None and a.reclaim_at < a.end]
    leads = pod_lead_memberships(organization=organization, pod_ids={a.pod_id for a in rows})
    items = []
    for a in rows:
        at = a.reclaim_at
        assert at is not None  # filtered above
        items.append(AttentionItem(
            source="reclaims_upcoming", title=f"{a.pod.name}: borrowed {a.pool.unit} on {a.pool.name} reclaimed soon",
            detail=f"Allocation #{a.pk} borrows {a.borrowed} {a.pool.unit} · reclaim {at:%Y-%m-%d %H:%M} UTC",
            url=reverse("resources:allocation_detail", args=[organization.slug, a.pk]), pod_id=a.pod_id,
            due_at=at, show_from=at - notice, viewers=leads.get(a.pod_id, ())))
    return items
