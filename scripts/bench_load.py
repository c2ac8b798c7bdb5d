"""The load half of `make bench`: gunicorn on a free loopback port, and a keep-alive HTTP load
generator with one thread per worker, bounded in requests and time."""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
WORKERS = 2
CONCURRENCY = WORKERS  # one request in flight per worker: latency, not queueing, is measured


# --- Load ---------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    errors: dict[str, int] = field(default_factory=dict)
    frag_hits: int = 0  # fragment cache reads that hit / missed (X-Frag-* headers, bench_cache)
    frag_misses: int = 0
    cpu_p50_ms: float | None = None  # the gunicorn worker's CPU time per request (X-CPU-Us)
    cpu_p95_ms: float | None = None

    @property
    def hit_ratio(self) -> float | None:
        total = self.frag_hits + self.frag_misses
        return round(100 * self.frag_hits / total, 1) if total else None


def free_port() -> int:
    """A free loopback port; `BENCH_PORTS=7400-7499` keeps it in a range (shared machines)."""
    low, _, high = os.environ.get("BENCH_PORTS", "").partition("-")
    candidates = range(int(low), int(high or low) + 1) if low else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise SystemExit(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path) -> Iterator[int]:
    port = free_port()
    cmd = [
        GUNICORN,
        "config.wsgi",
        "-w",
        str(WORKERS),
        "--threads",
        "1",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"gunicorn exited ({proc.returncode}); see {log_path}")
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        conn.close()
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not answer in 60 s; see {log_path}")
                time.sleep(0.2)
            print(f"gunicorn: {shlex.join(cmd[1:])} (pid {proc.pid})")
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def load(port: int, path: str, cookie: str, *, max_requests: int, max_seconds: float) -> LoadResult:
    """`CONCURRENCY` keep-alive clients hit `path` until either bound is reached."""
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    issued = 0
    started = time.perf_counter()
    deadline = started + max_seconds
    headers = {"Cookie": cookie, "Accept": "text/html,application/json"}

    frag = [0, 0]
    cpu: list[float] = []

    def one(conn: http.client.HTTPConnection) -> tuple[int, float]:
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - t0
        if response.will_close:  # gunicorn's sync workers close after each response
            conn.close()
        with lock:
            frag[0] += int(response.getheader("X-Frag-Hits") or 0)
            frag[1] += int(response.getheader("X-Frag-Misses") or 0)
            if response.status == 200 and response.getheader("X-CPU-Us"):
                cpu.append(int(response.getheader("X-CPU-Us") or 0) / 1000)
        return response.status, elapsed

    def worker() -> None:
        nonlocal issued
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if issued >= max_requests or time.perf_counter() >= deadline:
                    break
                issued += 1
            try:
                try:
                    status, elapsed = one(conn)
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    conn.close()  # a kept-alive socket the server had closed: retry once
                    status, elapsed = one(conn)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                with lock:
                    errors[type(exc).__name__] += 1
                continue
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[f"HTTP {status}"] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    result = LoadResult(
        requests=len(latencies),
        seconds=round(seconds, 2),
        errors=dict(errors),
        frag_hits=frag[0],
        frag_misses=frag[1],
    )
    if latencies:
        ordered = sorted(latencies)
        result.rps = round(len(ordered) / seconds, 1)
        result.p50_ms = round(statistics.median(ordered) * 1000, 1)
        result.p95_ms = round(_p95(ordered) * 1000, 1)
    if cpu:
        ordered = sorted(cpu)
        result.cpu_p50_ms = round(statistics.median(ordered), 1)
        result.cpu_p95_ms = round(_p95(ordered), 1)
    return result


def _p95(ordered: list[float]) -> float:
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
