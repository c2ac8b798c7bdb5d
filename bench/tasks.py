"""Thin Celery tasks around the bench services."""

from __future__ import annotations

from celery import shared_task

from tenancy.models import Organization
from tenancy.outbox import enqueue


@shared_task(name="bench.tasks.suggestions_recompute_task")
def suggestions_recompute_task(organization_id: int) -> int | None:
    from bench.services.recompute import suggestions_recompute
    from bench.services.recompute_trigger import bench_recompute_started

    bench_recompute_started(organization_id)  # writes from now on ask for another run
    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        return None
    return suggestions_recompute(organization=org).pk


@shared_task(name="bench.tasks.suggestions_recompute_all")
def suggestions_recompute_all() -> None:
    """Nightly: every organization (expiry of requests whose start passed runs inside)."""
    for org_id in Organization.objects.values_list("pk", flat=True):
        enqueue(suggestions_recompute_task, org_id)
