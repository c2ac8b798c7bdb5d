"""Thin, idempotent Celery tasks for knowledge: weekly guild digests, overdue action item
reminders, and the lesson a finished rotation asks for. Each takes ids and calls a service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from knowledge import services
from knowledge.models import Guild
from tenancy.models import Organization
from tenancy.outbox import enqueue


@shared_task
def send_guild_digests(week_start: str | None = None) -> int:
    """Fan out one digest task per guild for the week that just ended (Monday to Monday)."""
    start = (datetime.date.fromisoformat(week_start) if week_start
             else services.week_start_of(timezone.localdate()))
    n = 0
    # unscoped: crossing tenants is the point here: find the guilds to fan out to, nothing else.
    for org_id, guild_id in Guild.unscoped.order_by("organization_id", "id").values_list(
            "organization_id", "id"):
        enqueue(send_guild_digest, org_id, guild_id, start.isoformat())
        n += 1
    return n


@shared_task
def send_guild_digest(organization_id: int, guild_id: int, week_start: str) -> bool:
    org = Organization.objects.get(pk=organization_id)
    guild = Guild.objects.for_org(org).get(pk=guild_id)
    digest = services.guild_digest_send(organization=org, guild=guild,
                                        week_start=datetime.date.fromisoformat(week_start))
    return digest is not None


@shared_task
def remind_overdue_action_items() -> int:
    total = 0
    for org in Organization.objects.filter(pk__in=_orgs_with_action_items()):
        total += services.action_items_remind_overdue(organization=org)
    return total


def _orgs_with_action_items() -> list[int]:
    from knowledge.models import ActionItem

    # unscoped: finds which organizations to fan out to, nothing else
    return list(ActionItem.unscoped.filter(status="open").order_by()
                .values_list("organization_id", flat=True).distinct())


@shared_task
def request_rotation_lessons() -> int:
    from knowledge.models import Rotation

    # unscoped: finds which organizations to fan out to, nothing else
    org_ids = (Rotation.unscoped.filter(lesson_requested_at__isnull=True).order_by()
               .values_list("organization_id", flat=True).distinct())
    return sum(services.rotations_request_lessons(organization=org)
               for org in Organization.objects.filter(pk__in=list(org_ids)))


@shared_task
def rebuild_search_terms() -> int:
    """Fan out one lexicon rebuild per organization that has search documents."""
    from knowledge.models import SearchDocument

    # unscoped: finds which organizations to fan out to, nothing else
    org_ids = list(SearchDocument.unscoped.order_by().values_list("organization_id", flat=True)
                   .distinct())
    for org_id in sorted(org_ids):
        enqueue(rebuild_search_terms_for, org_id)
    return len(org_ids)


@shared_task
def rebuild_search_terms_for(organization_id: int) -> int:
    from knowledge.search import search_terms_rebuild

    org = Organization.objects.get(pk=organization_id)
    return search_terms_rebuild(organization=org)
