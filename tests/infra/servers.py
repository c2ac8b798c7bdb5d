"""Throwaway Redis and PostgreSQL servers that fault tests start, stop and restart themselves.

Never the machine's shared services: each server runs from a temporary directory on a free port
in `PODIUM_FAULT_PORTS` (default 7100-7199). When the binaries are missing the tests skip with the
reason, except under CI=true, where a missing binary is a failure (CI must run them).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_binary(name: str, *candidates: str) -> str:
    found = shutil.which(name) or next((c for c in candidates if os.access(c, os.X_OK)), None)
    if found:
        return found
    message = f"{name} is not installed: cannot start a throwaway server for the fault test."
    if IN_CI:
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


def free_port() -> int:
    low, _, high = os.environ.get("PODIUM_FAULT_PORTS", "7100-7199").partition("-")
    for port in range(int(low), int(high or low) + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in PODIUM_FAULT_PORTS={low}-{high}")


def _wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} within {timeout}s")


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class OwnRedis:
    """redis-server on a free port, keeping its data across stop/start (like a real outage)."""

    def __init__(self, workdir: Path) -> None:
        self.binary = require_binary("redis-server", "/usr/bin/redis-server")
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.workdir),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        _wait(lambda: _accepts(self.port), 15, "redis-server did not accept connections")

    def stop(self) -> None:
        """Stop it, saving its data first: a restart then finds every key it had."""
        if self.proc is None:
            return
        import redis

        try:
            redis.Redis(port=self.port, socket_timeout=2).shutdown(save=True)
        except redis.exceptions.ConnectionError:
            pass  # the shutdown closes the connection before answering
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None
        _wait(lambda: not _accepts(self.port), 5, "redis-server still answers")


def pg_bin_dir() -> Path:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    require_binary("initdb")  # skips or fails with the reason
    raise AssertionError("unreachable")


class OwnPostgres:
    """A private PostgreSQL cluster (initdb in a temporary directory, trust auth, a free port).

    PostgreSQL refuses to run as root; as root the cluster belongs to the `postgres` OS user."""

    def __init__(self) -> None:
        self.bin = pg_bin_dir()
        self.as_user: list[str] = []
        self.workdir = Path(tempfile.mkdtemp(prefix="podium-pg-"))
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.workdir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.data = self.workdir / "pgdata"
        self.port = free_port()
        self.log = self.workdir / "postgres.log"
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def _run(self, *cmd: str, check: bool = True) -> None:
        subprocess.run([*self.as_user, *cmd], check=check, capture_output=True, stdin=subprocess.DEVNULL)

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        _wait(lambda: _accepts(self.port), 30, "PostgreSQL did not accept connections")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"


@contextlib.contextmanager
def celery_broker(url: str):  # type: ignore[no-untyped-def]
    """Publish for real (not eagerly) to `url` within the block; restore the app afterwards.

    The producer pools are dropped on the way in and out, so no connection to this throwaway
    broker outlives it (and no earlier one is reused)."""
    from config.celery import app

    def reset_pools() -> None:
        from kombu import pools

        pools.reset()  # closes and forgets kombu's shared connection and producer pools
        app._pool = None
        app.amqp._producer_pool = None

    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    reset_pools()
    app.conf.update(task_always_eager=False, broker_url=url)
    try:
        yield app
    finally:
        reset_pools()
        app.conf.update(saved)
