"""The attention queue's snapshot: every registered source's items, stored for every viewer.

The page reads one query whatever the number of sources (`selectors.attention_queue`). A source
is collected here only: after a commit that touched one of its scopes (debounced: while a
refresh is queued and has not started, more writes add nothing; with no worker the commit only
marks the snapshot out of date, and the next read refreshes it), by beat every
`REFRESH_EVERY`, and on a read that finds the snapshot missing or past `valid_until`. Items that
fall due within `HORIZON` are stored already, with the moment they show from, so time passing
between two refreshes needs no refresh."""

from __future__ import annotations

import datetime
import logging

from celery import current_app
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from dashboards.models import AttentionEntry, AttentionSnapshot
from tenancy.models import Organization
from tenancy.registry import AttentionItem, AttentionSource, registry
from tenancy.writes import before_commit_hook

REFRESH_EVERY = datetime.timedelta(minutes=5)  # beat (config/celery.py)
HORIZON = datetime.timedelta(minutes=30)  # > REFRESH_EVERY, so a late beat still finds items stored
DEBOUNCE_SECONDS = 5
log = logging.getLogger("podium.dashboards")


def attention_refresh(*, organization: Organization, now: datetime.datetime | None = None) -> int:
    """Replace the organization's snapshot with what every source gives now, in one transaction
    (a killed worker leaves the last good one; two refreshes queue on the snapshot row). Returns
    the number of items stored."""
    now = now or timezone.now()
    until = now + HORIZON
    with transaction.atomic():
        snap, _ = AttentionSnapshot.objects.for_org(organization).select_for_update().get_or_create(
            organization=organization, defaults={"computed_at": now, "valid_until": until})
        rows = [AttentionEntry(organization=organization, source=source.key, title=i.title[:300],
                               detail=i.detail[:300], url=i.url[:500], due_at=i.due_at,
                               show_from=i.show_from or i.due_at, pod_id=i.pod_id,
                               viewers=list(i.viewers) if i.viewers is not None else None)
                for source in registry.attention.all() for i in _collect(source, organization, now, until)]
        AttentionEntry.objects.for_org(organization).delete()
        AttentionEntry.objects.bulk_create(rows, batch_size=500)
        snap.computed_at, snap.valid_until = now, until
        snap.save(update_fields=["computed_at", "valid_until"])
    return len(rows)


def _collect(source: AttentionSource, organization: Organization, now: datetime.datetime,
             until: datetime.datetime) -> list[AttentionItem]:
    items = source.collect(organization, now, until)
    for i in items:  # a source names itself in its items; stored under the key it registered
        if i.source != source.key:
            raise ValueError(f"attention source {source.key!r} gave an item of {i.source!r}")
    return list(items)


# --- After a write --------------------------------------------------------------------------------


def _key(organization_id: int) -> str:
    return f"dashboards:attention-pending:{organization_id}"


def attention_refresh_soon(organization_id: int) -> None:
    """After this transaction commits, queue a refresh unless one is queued and not yet started."""

    def queue() -> None:
        if current_app.conf.task_always_eager:
            # No worker (the embedded default, tests): the write does not pay for a refresh in its
            # request; the snapshot is marked out of date and the next read refreshes it.
            AttentionSnapshot.objects.for_org(organization_id).update(valid_until=timezone.now())
            return
        task = current_app.tasks["dashboards.tasks.attention_refresh_task"]  # by name: tasks import this
        if cache.add(_key(organization_id), 1, timeout=DEBOUNCE_SECONDS * 20):
            try:
                task.apply_async((organization_id,), countdown=DEBOUNCE_SECONDS)
            except Exception:  # the broker is away: beat refreshes; the write stands
                cache.delete(_key(organization_id))
                log.warning("attention refresh for org %s not queued", organization_id, exc_info=True)

    transaction.on_commit(queue)


def attention_refresh_started(organization_id: int) -> None:
    """The task began: writes committed from now on need a new run (this one may not see them)."""
    cache.delete(_key(organization_id))


def attention_scopes() -> frozenset[str] | None:
    """The cache areas some source reads (None: a source reads what any write may change)."""
    scopes: set[str] = set()
    for source in registry.attention.all():
        if source.scopes is None:
            return None
        scopes.update(source.scopes)
    return frozenset(scopes)


@before_commit_hook
def _after_write(organization: Organization, blocks: list[frozenset[str]]) -> None:
    watched = attention_scopes()
    if any(watched is None or block & watched for block in blocks):
        attention_refresh_soon(organization.pk)
