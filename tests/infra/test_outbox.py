"""Tasks enqueued while the broker is down are not lost: the write commits, the task waits in the
outbox table and is sent once the broker is back. The embedded default still runs them eagerly."""

from __future__ import annotations

import datetime
import json

import pytest
import redis

from governance.models import CycleTimeSnapshot
from governance.tasks import cycle_time_recompute_task
from tenancy.models import OutboxTask
from tenancy.outbox import enqueue, outbox_drain
from tests.infra.servers import OwnRedis, celery_broker

pytestmark = pytest.mark.django_db(transaction=True)


def _queued(server: OwnRedis, queue: str) -> list[dict]:
    raw = redis.Redis(port=server.port).lrange(queue, 0, -1)
    return [json.loads(m)["headers"] for m in raw]


def test_a_task_enqueued_while_the_broker_is_down_is_sent_when_it_is_back(tmp_path, org):
    server = OwnRedis(tmp_path)  # not started yet: the broker is down
    with celery_broker(server.url):
        enqueue(cycle_time_recompute_task, org.pk, queue="outbox-test")  # autocommit: commits now

        waiting = OutboxTask.objects.get()
        assert waiting.task_name == cycle_time_recompute_task.name and waiting.args == [org.pk]
        assert waiting.attempts == 1 and "rror" in waiting.last_error
        assert outbox_drain(grace=datetime.timedelta(0)) == 0  # still down: kept
        assert OutboxTask.objects.count() == 1

        server.start()
        try:
            assert outbox_drain(grace=datetime.timedelta(0)) == 1
            assert not OutboxTask.objects.exists()
            sent = _queued(server, "outbox-test")
            assert [h["task"] for h in sent] == [cycle_time_recompute_task.name]
            assert sent[0]["argsrepr"] == repr([org.pk])
        finally:
            server.stop()


def test_a_broker_that_answers_gets_the_task_at_commit_and_the_outbox_stays_empty(tmp_path, org):
    server = OwnRedis(tmp_path)
    server.start()
    try:
        with celery_broker(server.url):
            from django.db import transaction

            with transaction.atomic():
                enqueue(cycle_time_recompute_task, org.pk, queue="outbox-test")
                assert OutboxTask.objects.count() == 1  # written with the change
                assert _queued(server, "outbox-test") == []  # nothing sent before the commit
            assert not OutboxTask.objects.exists()
            assert len(_queued(server, "outbox-test")) == 1
    finally:
        server.stop()


def test_a_rolled_back_write_sends_nothing(tmp_path, org):
    from django.db import transaction

    server = OwnRedis(tmp_path)
    with celery_broker(server.url), pytest.raises(RuntimeError):
        with transaction.atomic():
            enqueue(cycle_time_recompute_task, org.pk)
            raise RuntimeError("the write fails")
    assert not OutboxTask.objects.exists()


def test_the_embedded_default_runs_the_task_in_process_after_commit(org):
    from django.db import transaction

    with transaction.atomic():
        enqueue(cycle_time_recompute_task, org.pk)
        assert not CycleTimeSnapshot.unscoped.filter(organization=org).exists()
    assert CycleTimeSnapshot.unscoped.filter(organization=org).exists()
    assert not OutboxTask.objects.exists()
