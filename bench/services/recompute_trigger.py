"""Debounced recompute: writes that change what matching reads ask for one recompute per
organization; while one is queued and has not started, more writes add nothing."""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

DEBOUNCE_SECONDS = 30
log = logging.getLogger("podium.bench")


def _key(organization_id: int) -> str:
    return f"bench:recompute-pending:{organization_id}"


def bench_recompute_soon(organization_id: int) -> None:
    """After this transaction commits, queue a recompute unless one is already pending."""
    if not getattr(settings, "BENCH_RECOMPUTE_ON_WRITE", True):
        return

    def queue() -> None:
        # By name, not by import: the task module calls these services (no import cycle).
        suggestions_recompute_task = current_app.tasks["bench.tasks.suggestions_recompute_task"]
        if cache.add(_key(organization_id), 1, timeout=DEBOUNCE_SECONDS * 10):
            try:
                suggestions_recompute_task.apply_async((organization_id,), countdown=DEBOUNCE_SECONDS)
            except Exception:  # the broker is away: the nightly run recomputes; the write stands
                cache.delete(_key(organization_id))
                log.warning("bench recompute for org %s not queued", organization_id, exc_info=True)

    transaction.on_commit(queue)


def bench_recompute_started(organization_id: int) -> None:
    """The task began: writes from now on need a new run."""
    cache.delete(_key(organization_id))
