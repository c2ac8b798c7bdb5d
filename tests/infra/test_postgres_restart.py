"""After a PostgreSQL restart the app reconnects on its own within 5 s, with no 5xx once it is back.

gunicorn runs the production settings against a private PostgreSQL cluster (tests/infra/servers.py),
with pooled connections and with persistent ones. The server is stopped and started again; the
app answers 503 on /healthz while the database is away and 200 to every request once it is back.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.infra.servers import OwnPostgres, free_port

RECONNECT_WITHIN = 5.0


def _get(port: int, path: str = "/healthz") -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError):
        return 0


@pytest.fixture(scope="module")
def postgres():
    server = OwnPostgres()
    server.start()
    try:
        yield server
    finally:
        server.destroy()


@pytest.mark.parametrize(
    "mode", [{"DATABASE_POOL": "true"}, {"DATABASE_CONN_MAX_AGE": "600"}], ids=["pool", "persistent"]
)
def test_the_app_reconnects_after_a_postgres_restart(postgres, tmp_path, mode):
    port = free_port()
    env = {
        **os.environ,
        **mode,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-" + "x" * 60,
        "DATABASE_URL": postgres.url(),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens: the cache is only an accelerator
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(gunicorn), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while _get(port) != 200:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        assert [_get(port) for _ in range(5)] == [200] * 5  # connections are open (pooled/persistent)

        postgres.stop()
        assert _get(port) == 503  # honest while the database is away, and quick
        postgres.start()

        back = time.monotonic()  # pg_ctl -w: it accepts connections again from here on
        first = _get(port)
        assert first == 200, f"the first request after the restart answered {first}"
        assert time.monotonic() - back < RECONNECT_WITHIN
        after = [_get(port) for _ in range(20)]
        assert after == [200] * 20, f"5xx after the database came back: {after}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
