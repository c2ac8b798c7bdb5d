"""Thin, idempotent Celery tasks: load by id, call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from tenancy.models import Organization
from tenancy.outbox import enqueue


@shared_task
def pod_health_refresh_task(organization_id: int) -> int:
    """Re-derive the organization's pod health snapshot rows that time made unusable."""
    from pods.health_services import health_snapshot_refresh_expired

    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        return 0
    with transaction.atomic():
        return health_snapshot_refresh_expired(org)


@shared_task
def pod_health_refresh_all() -> None:
    for org_id in Organization.objects.values_list("pk", flat=True):
        enqueue(pod_health_refresh_task, org_id)
