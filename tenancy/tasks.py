"""Tenancy's Celery tasks: thin wrappers, safe to run twice.

`podium.ping` is the smallest real task: it writes a value into the configured cache (Redis when
REDIS_URL is set). Operators use it to check that a worker consumes from the broker and reaches the
shared cache (`celery -A config call podium.ping --args='["ping:ops", "ok"]'`), and the CI test
tests/infra/test_celery_roundtrip.py uses it for a real round trip: test → Redis broker → worker
process → Redis cache → test. The cache, not the database, carries the answer because a pytest
database transaction is invisible to another process.
"""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

PING_TTL_SECONDS = 300


@shared_task(name="podium.ping", ignore_result=True)
def ping(key: str, value: str = "pong", ttl: int = PING_TTL_SECONDS) -> str:
    """Store `value` under `key` in the Django cache for `ttl` seconds; return the value."""
    cache.set(key, value, timeout=max(1, min(int(ttl), 3600)))
    return value


@shared_task(name="podium.outbox_drain", ignore_result=True)
def outbox_drain() -> int:
    """Send the tasks that waited in the outbox while the broker was down (tenancy/outbox.py)."""
    from tenancy.outbox import outbox_drain as drain

    return drain()
