"""Thin, idempotent tasks that keep the overview's snapshots fresh (beat: config/celery.py)."""

from __future__ import annotations

from celery import shared_task

from tenancy.models import Organization
from tenancy.outbox import enqueue


@shared_task(name="dashboards.tasks.overview_refresh_task")
def overview_refresh_task(organization_id: int, backfill: bool = False) -> int:
    """Today's and yesterday's facts (or the whole history), then today's scorecards."""
    from dashboards.models import TileSnapshot
    from dashboards.services import scorecard_evaluate, snapshot_backfill, snapshot_recompute

    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        return 0
    # A tile never snapshotted (a new organization, an app that just landed) gets its history.
    fresh = backfill or TileSnapshot.objects.for_org(org).count() == 0
    written = snapshot_backfill(organization=org) if fresh else snapshot_recompute(organization=org)
    scorecard_evaluate(organization=org)
    return written


@shared_task(name="dashboards.tasks.overview_refresh_all")
def overview_refresh_all() -> None:
    for org_id in Organization.objects.values_list("pk", flat=True):
        enqueue(overview_refresh_task, org_id)
