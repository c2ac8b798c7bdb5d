"""Thin, idempotent Celery tasks: load the organization by id, call a service."""

from __future__ import annotations

from celery import shared_task

# The capacity tasks live apart, because the compute services enqueue them (see there).
from resources.capacity_tasks import capacity_recompute_all, capacity_recompute_task  # noqa: F401
from tenancy.models import Organization
from tenancy.outbox import enqueue


@shared_task
def compute_tick_task(organization_id: int) -> dict[str, int] | None:
    """Expiry, re-admission of the queue, reclaim forecasts (safe to run twice)."""
    from resources.services.clock import compute_tick

    org = Organization.objects.filter(pk=organization_id).first()
    return compute_tick(organization=org) if org is not None else None


@shared_task
def compute_tick_all() -> None:
    from resources.selectors import organizations_with_pools

    for org_id in organizations_with_pools():
        enqueue(compute_tick_task, org_id)


@shared_task
def market_sla_task(organization_id: int) -> int | None:
    """Flag service requests unanswered past their response SLA (safe to run twice)."""
    from resources.market.services import sla_flag

    org = Organization.objects.filter(pk=organization_id).first()
    return sla_flag(organization=org) if org is not None else None


@shared_task
def market_sla_all() -> None:
    from resources.market.selectors import organizations_with_open_requests

    for org_id in organizations_with_open_requests():
        enqueue(market_sla_task, org_id)
