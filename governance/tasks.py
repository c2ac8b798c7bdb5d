"""Thin, idempotent Celery tasks: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

# The cycle-time tasks live apart, because the escalation services enqueue them (see there).
from governance.cycle_time_tasks import cycle_time_recompute_all, cycle_time_recompute_task  # noqa: E402,F401
from tenancy.models import Organization
from tenancy.outbox import enqueue


@shared_task
def escalations_check_sla_task(organization_id: int) -> int:
    from governance.services.escalations import escalations_check_sla

    org = Organization.objects.filter(pk=organization_id).first()
    return escalations_check_sla(organization=org) if org is not None else 0


@shared_task
def escalations_check_sla_all() -> None:
    for org_id in Organization.objects.values_list("pk", flat=True):
        enqueue(escalations_check_sla_task, org_id)


@shared_task
def matrix_review_reminders() -> int:
    """Remind admins of every organization whose quarterly matrix review is overdue."""
    from django.urls import reverse

    from governance.selectors import review_overdue
    from tenancy.models import ADMIN_ROLES, Membership
    from tenancy.notifications import notify

    sent = 0
    for org in Organization.objects.all():
        if not review_overdue(organization=org):
            continue
        admins = Membership.objects.for_org(org).filter(role__in=ADMIN_ROLES).select_related("user")
        notify(organization=org, users=[m.user for m in admins], kind="governance.review_overdue",
               title="The decision-rights matrix is due for its quarterly review",
               url=reverse("governance:matrix", kwargs={"org_slug": org.slug}), email=True)
        sent += 1
    return sent
