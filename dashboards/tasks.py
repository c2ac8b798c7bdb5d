"""Thin, idempotent tasks that keep the overview's snapshots fresh (beat: config/celery.py)."""

from __future__ import annotations

from celery import shared_task

from tenancy.models import Organization
from tenancy.outbox import enqueue
from tenancy.registry import registry


@shared_task(name="dashboards.tasks.overview_refresh_task")
def overview_refresh_task(organization_id: int, backfill: bool = False) -> int:
    """Today's and yesterday's facts (or the whole history), then today's scorecards."""
    from dashboards.selectors import snapshotted_tiles
    from dashboards.services import scorecard_evaluate, snapshot_backfill, snapshot_recompute

    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        return 0
    # A tile never snapshotted (a new organization, an app that just landed) gets its history.
    missing = [t.key for t in registry.tiles.all() if t.key not in snapshotted_tiles(organization=org)]
    if backfill or len(missing) == len(registry.tiles.all()):
        written = snapshot_backfill(organization=org)
    else:
        written = snapshot_recompute(organization=org)
        if missing:
            written += snapshot_backfill(organization=org, tiles=missing)
    scorecard_evaluate(organization=org)
    return written


@shared_task(name="dashboards.tasks.overview_refresh_all")
def overview_refresh_all() -> None:
    for org_id in Organization.objects.values_list("pk", flat=True):
        enqueue(overview_refresh_task, org_id)


@shared_task(name="dashboards.tasks.attention_refresh_task")
def attention_refresh_task(organization_id: int) -> int:
    """The attention queue's snapshot of one organization (after writes, debounced)."""
    from dashboards.attention_services import attention_refresh, attention_refresh_started

    attention_refresh_started(organization_id)
    org = Organization.objects.filter(pk=organization_id).first()
    return 0 if org is None else attention_refresh(organization=org)


@shared_task(name="dashboards.tasks.attention_refresh_all")
def attention_refresh_all() -> None:
    for org_id in Organization.objects.values_list("pk", flat=True):
        enqueue(attention_refresh_task, org_id)
