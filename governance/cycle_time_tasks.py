"""Cycle-time tasks, apart from `governance.tasks`: the escalation services enqueue them, and
`governance.tasks` calls those services, so living there would make an import cycle. Their
names stay `governance.tasks.*` (the beat schedule and queued messages use them)."""

from __future__ import annotations

from celery import shared_task

from tenancy.models import Organization
from tenancy.outbox import enqueue


@shared_task(name="governance.tasks.cycle_time_recompute_task")
def cycle_time_recompute_task(organization_id: int) -> None:
    from governance.services.cycle_time import cycle_time_recompute

    org = Organization.objects.filter(pk=organization_id).first()
    if org is not None:
        cycle_time_recompute(organization=org)


@shared_task(name="governance.tasks.cycle_time_recompute_all")
def cycle_time_recompute_all() -> None:
    for org_id in Organization.objects.values_list("pk", flat=True):
        enqueue(cycle_time_recompute_task, org_id)
