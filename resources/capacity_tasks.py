"""Capacity recompute tasks, apart from `resources.tasks`: the compute services enqueue them, and
`resources.tasks` calls those services, so living there would make an import cycle. Their names
stay `resources.tasks.*` (the beat schedule and queued messages use them)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

from tenancy.models import Organization
from tenancy.outbox import enqueue

DEBOUNCE_SECONDS = 5
log = logging.getLogger("podium.resources")


@shared_task(name="resources.tasks.capacity_recompute_task")
def capacity_recompute_task(organization_id: int) -> float | None:
    """Replace the organization's capacity snapshots (one transaction)."""
    from resources.services.capacity import capacity_recompute

    org = Organization.objects.filter(pk=organization_id).first()
    return capacity_recompute(organization=org).seconds if org is not None else None


@shared_task(name="resources.tasks.capacity_recompute_all")
def capacity_recompute_all() -> None:
    from resources.experts.selectors import organizations_with_experts
    from resources.selectors import organizations_with_pools

    for org_id in sorted(set(organizations_with_pools()) | set(organizations_with_experts())):
        enqueue(capacity_recompute_task, org_id)


def capacity_recompute_soon(organization_id: int) -> None:
    """After a capacity write commits: one recompute per organization per few seconds.

    The first write of a burst schedules the task DEBOUNCE_SECONDS later; writes until then find
    the key and schedule nothing (the delayed run sees them all). Without a broker the task runs
    at once, in-process.
    """
    if cache.add(f"podium:capacity-recompute:{organization_id}", 1, timeout=DEBOUNCE_SECONDS):
        try:
            capacity_recompute_task.apply_async((organization_id,), countdown=DEBOUNCE_SECONDS)
        except Exception:  # noqa: BLE001 - the broker is down: nightly beat recomputes anyway
            log.warning("capacity recompute not scheduled", exc_info=True)
