"""Thin, idempotent tasks: take an organization id, call a service."""

from __future__ import annotations

from celery import shared_task

from platform_catalog.services.contracts import contracts_check
from platform_catalog.services.coordination import duplicates_compute
from tenancy.models import Organization


@shared_task
def catalog_contracts_check_task(org_id: int | None = None) -> int:
    """Every data contract (of one organization, or of all): breaches open incidents."""
    orgs = Organization.objects.filter(pk=org_id) if org_id else Organization.objects.all()
    return sum(contracts_check(organization=org) for org in orgs)


@shared_task
def catalog_duplicates_task(org_id: int | None = None) -> int:
    orgs = Organization.objects.filter(pk=org_id) if org_id else Organization.objects.all()
    return sum(sum(duplicates_compute(organization=org).values()) for org in orgs)
