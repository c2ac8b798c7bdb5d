"""A worker killed mid-task leaves the last good snapshot, and the task runs again.

A real worker (prefork, one child) consumes from a throwaway redis-server. The task's first run
is killed with SIGKILL after writing a new cycle-time snapshot but before its transaction
commits: the database still holds the previous snapshot, and the message, acknowledged only after
a task finishes (acks_late) and requeued when its process dies (reject_on_worker_lost), runs again
and writes the new snapshot.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from governance.models import CycleTimeSnapshot
from governance.services.escalations import cycle_time_recompute
from tests.infra.servers import OwnRedis, celery_broker

pytestmark = pytest.mark.django_db(transaction=True)
READY_TIMEOUT = 90


def _wait(predicate, timeout: float, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout}s. Worker log:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def worker(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = OwnRedis(tmp_path)
    server.start()
    # The live connection's own parameters: with the embedded default, the server (and its port)
    # is chosen on first connection, so the settings alone do not say where it is.
    connection.ensure_connection()
    info = connection.connection.info
    if info.host.startswith("/"):
        # The embedded default listens on a Unix socket, which the worker's DATABASE_URL cannot
        # name; CI (and any DATABASE_URL over TCP) runs this test.
        server.stop()
        pytest.skip("the database is on a Unix socket (embedded default); runs against TCP PostgreSQL")
    db = {"USER": info.user, "HOST": info.host, "PORT": info.port, "NAME": info.dbname}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "REDIS_URL": server.url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "PYTHONUNBUFFERED": "1",
    }
    exe = Path(sys.executable).with_name("celery")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "celery"])]
    cmd += [
        "-A",
        "config",
        "worker",
        "--pool",
        "prefork",
        "-c",
        "1",
        "--include",
        "tests.infra.crash_tasks",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-Q",
        "crash-test",
        "-n",
        f"crash-{server.port}@%h",
        "--loglevel",
        "INFO",
    ]
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(lambda: " ready." in log.read_text(errors="replace"), READY_TIMEOUT, "worker not ready", log)
        yield server, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        server.stop()


def test_a_killed_worker_leaves_the_last_good_snapshot_and_the_task_runs_again(worker, org, tmp_path):
    from tests.infra.crash_tasks import recompute_killed_once

    server, log = worker
    good = cycle_time_recompute(organization=org)
    workdir = tmp_path / "task"
    workdir.mkdir()
    runs = workdir / "runs"

    with celery_broker(server.url):
        recompute_killed_once.apply_async(args=[org.pk, str(workdir)], queue="crash-test")

    _wait(lambda: runs.exists() and len(runs.read_text().split()) >= 2, 60, "the task did not run again", log)
    pids = runs.read_text().split()
    assert pids[0] != pids[1], "the second run must come from a new process"
    snap = CycleTimeSnapshot.unscoped.get(organization=org)
    assert snap.computed_at == good.computed_at, "the killed run's snapshot must not be visible"

    (workdir / "go").touch()

    def recomputed() -> bool:
        return CycleTimeSnapshot.unscoped.get(organization=org).computed_at > good.computed_at

    _wait(recomputed, 60, "the rerun did not write the snapshot", log)
    assert "WorkerLostError" in log.read_text(errors="replace") or len(pids) == 2
