"""The one way to enqueue a Celery task: a transactional outbox, so no task is lost to a broker outage.

`enqueue(task, *args)` is called inside the write that needs the task. With a real broker it
stores an `OutboxTask` row in that same transaction and, once the transaction commits, publishes
the task and deletes the row. If the broker is down, the write still commits and the row stays;
`outbox_drain` (a beat task every minute, and after any later successful publish) sends it once
the broker is back. Delivery is at least once: tasks are idempotent (they load by id and call a
service). In the embedded default (no REDIS_URL) tasks run eagerly in-process after the commit,
as before, and no row is written.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tenancy.models import OutboxTask

log = logging.getLogger("podium.outbox")
# A row younger than this belongs to its own on-commit publish; the drain leaves it alone.
DRAIN_GRACE = datetime.timedelta(seconds=30)
# Publishing must not hold a request for long: one quick try, the drain does the rest.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


def enqueue(task: Task[Any, Any], *args: Any, queue: str | None = None, **kwargs: Any) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits; never lose it."""
    options: dict[str, Any] = {"queue": queue} if queue else {}
    if current_app.conf.task_always_eager:
        transaction.on_commit(lambda: task.apply_async(args, kwargs, **options))
        return
    row = OutboxTask.objects.create(task_name=task.name, args=list(args), kwargs=kwargs, options=options)
    pk = row.pk
    transaction.on_commit(lambda: _publish_now(pk))


def _publish(row: OutboxTask) -> None:
    task = current_app.tasks[row.task_name]
    task.apply_async(row.args, row.kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY, **row.options)


def _publish_now(pk: int) -> None:
    try:
        with transaction.atomic():
            row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                return  # the drain took it
            _publish(row)
            row.delete()
    except Exception as exc:  # the broker is away: the row waits for the drain
        _note_failure(pk, exc)
        return
    if OutboxTask.objects.filter(created_at__lt=timezone.now() - DRAIN_GRACE).exists():
        outbox_drain()


def _note_failure(pk: int, exc: Exception) -> None:
    log.warning("task %s kept in the outbox, the broker is unavailable: %s", pk, exc)
    OutboxTask.objects.filter(pk=pk).update(
        attempts=F("attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
    )


def outbox_drain(limit: int = 500, grace: datetime.timedelta = DRAIN_GRACE) -> int:
    """Publish waiting tasks, oldest first; stop at the first broker failure. Returns how many."""
    sent = 0
    while sent < limit:
        row: OutboxTask | None = None
        try:
            with transaction.atomic():
                row = (
                    OutboxTask.objects.select_for_update(skip_locked=True)
                    .filter(created_at__lte=timezone.now() - grace)
                    .order_by("id")
                    .first()
                )
                if row is None:
                    break
                _publish(row)
                row.delete()
        except Exception as exc:
            if row is not None:
                _note_failure(row.pk, exc)
            break
        sent += 1
    if sent:
        log.info("outbox: %d waiting tasks sent", sent)
    return sent


def outbox_pending() -> int:
    return OutboxTask.objects.count()
