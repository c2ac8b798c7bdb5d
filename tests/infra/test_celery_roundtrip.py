"""A real Celery round trip: this test → Redis broker → a worker subprocess → Redis cache → this test.

Skipped unless REDIS_URL is set (the embedded default has no broker); under CI=true a missing
REDIS_URL is a failure, so CI can never silently skip it. The answer travels through the cache, not
the database, because the pytest database transaction is invisible to another process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
WORKER_READY_TIMEOUT = 90
RESULT_TIMEOUT = 45


def _require_redis() -> str:
    if not REDIS_URL:
        if IN_CI:
            pytest.fail("CI=true but REDIS_URL is not set: the Celery round trip must run in CI.")
        pytest.skip("REDIS_URL is not set: no broker for a real Celery worker.")
    return REDIS_URL


def _celery_command() -> list[str]:
    exe = Path(sys.executable).with_name("celery")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "celery"]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # warm shutdown
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _wait_for(predicate, timeout: float, proc: subprocess.Popen[bytes]) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc.poll() is not None:
            return predicate()
        time.sleep(0.2)
    return False


@pytest.fixture
def worker(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real worker consuming one unique queue; yields (queue, cache key prefix, log reader)."""
    redis_url = _require_redis()
    queue = f"podium-test-{uuid.uuid4().hex[:12]}"
    prefix = f"podium-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        # The dev settings use Redis for the cache and the broker when REDIS_URL is set (the test
        # settings force a local-memory cache, which another process could not read back).
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "PYTHONUNBUFFERED": "1",
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    log_path = tmp_path / "worker.log"
    cmd = [*_celery_command(), "-A", "config", "worker", "--pool", "solo", "-c", "1",
           "--without-heartbeat", "--without-gossip", "--without-mingle",
           "-Q", queue, "-n", f"{queue}@%h", "--loglevel", "INFO"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)

    def read_log() -> str:
        return log_path.read_text(errors="replace") if log_path.exists() else ""

    try:
        if not _wait_for(lambda: " ready." in read_log(), WORKER_READY_TIMEOUT, proc):
            pytest.fail(f"Celery worker not ready within {WORKER_READY_TIMEOUT}s "
                        f"(exit code {proc.poll()}). Log:\n{read_log()[-4000:]}")
        yield queue, prefix, read_log
    finally:
        _stop(proc)


def test_ping_task_round_trip_through_redis(worker) -> None:  # type: ignore[no-untyped-def]
    from config.celery import app
    from tenancy.tasks import ping

    queue, prefix, read_log = worker
    key = f"ping:{uuid.uuid4().hex}"
    value = f"pong-{uuid.uuid4().hex[:8]}"
    redis_cache = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    assert redis_cache.get(key) is None

    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL
    try:
        ping.apply_async(args=[key, value], queue=queue)
    finally:
        app.conf.update(saved)

    deadline = time.monotonic() + RESULT_TIMEOUT
    got = None
    while time.monotonic() < deadline:
        got = redis_cache.get(key)
        if got is not None:
            break
        time.sleep(0.2)
    try:
        assert got == value, (f"the worker did not write {key!r} within {RESULT_TIMEOUT}s. "
                              f"Worker log:\n{read_log()[-4000:]}")
        assert "podium.ping" in read_log()  # the worker, not this process, ran it
    finally:
        redis_cache.delete(key)
        redis_cache.close()


def test_ping_task_runs_eagerly_without_a_broker(settings) -> None:  # type: ignore[no-untyped-def]
    """The same task in-process (the embedded default): it writes to the configured cache."""
    from django.core.cache import cache

    from tenancy.tasks import ping

    # .result, not .get(): an in-process worker started by an earlier test leaves Celery's
    # "inside a worker" flag set for the session, and .get() then refuses to run.
    result = ping.apply(args=["ping:eager", "here"])
    assert result.successful() and result.result == "here"
    assert cache.get("ping:eager") == "here"
