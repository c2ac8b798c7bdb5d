"""The passes of `make bench` beyond the warm one, and the write-concurrency figure.

- warm:  the fragment cache as it fills, no writes (what `make bench` always measured);
- cold:  every fragment read is a miss (`BENCH_CACHE=cold`, see bench_cache): a page rendered
         from nothing, which is what a reader gets right after a write that invalidates it;
- mixed: readers as in warm while a writer thread in the same organization performs the write
         mix of bench_writers at ~5 writes/s.

Each pass reports per page: p95, % of the trivial page's requests/s, and the fragment cache hit
ratio. The write-concurrency figure is the throughput of 8 writer processes on unrelated
objects of one organization divided by that of 1 writer, over the same mix.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench_load import CONCURRENCY, LoadResult, gunicorn, load
from bench_objects import fmt

ROOT = Path(__file__).resolve().parent.parent
PASSES = ("warm", "cold", "mixed")
TARGET_MIXED_P95_MS = 25.0
TARGET_COLD_P95_MS = 60.0
TARGET_WRITE_CONCURRENCY = 1.6
WRITE_RATE = 5.0


def pass_env(env: dict[str, str], name: str) -> dict[str, str]:
    """gunicorn's environment for a pass: the counting cache, cold or not."""
    scripts = str(ROOT / "scripts")
    out = dict(
        env,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join(p for p in (scripts, env.get("PYTHONPATH", "")) if p),
    )
    out["BENCH_CACHE"] = "cold" if name == "cold" else "warm"
    return out


def run_pass(
    name: str,
    env: dict[str, str],
    targets: Iterable[tuple[str, str]],
    cookie: str,
    slug: str,
    *,
    max_requests: int,
    max_seconds: float,
    log: Path,
    on_result: Callable[[str, str, LoadResult], None] | None = None,
) -> tuple[dict[str, LoadResult], dict[str, Any]]:
    """Load every (name, path) target in one gunicorn; returns results and writer stats."""
    from bench_writers import PacedWriter

    results: dict[str, LoadResult] = {}
    load_at_start = os.getloadavg()[0]
    writer = PacedWriter(slug, rate=WRITE_RATE) if name == "mixed" else None
    with gunicorn(pass_env(env, name), log) as port:
        if writer is not None:
            writer.start()
        try:
            for target_name, path in targets:
                load(port, path, cookie, max_requests=10 * CONCURRENCY, max_seconds=5)  # warm-up
                results[target_name] = r = load(
                    port, path, cookie, max_requests=max_requests, max_seconds=max_seconds
                )
                if on_result:
                    on_result(name, path, r)
        finally:
            if writer is not None:
                writer.stop.set()
                writer.join(timeout=30)
    stats: dict[str, Any] = {"load_average": [round(load_at_start, 2), round(os.getloadavg()[0], 2)]}
    if writer is not None:
        stats.update(writes=writer.done, errors=writer.errors[:5], error_count=len(writer.errors))
    return results, stats


def write_concurrency(slug: str, seconds: float, writers: int = 8, rounds: int = 2) -> dict[str, Any]:
    """1 writer, then `writers`, alternated `rounds` times (the machine's load drifts): the
    figure is the ratio of the summed throughputs."""
    from bench_writers import write_throughput

    ones, manys = [], []
    load_at_start = os.getloadavg()[0]
    for _ in range(rounds):
        ones.append(write_throughput(slug, 1, seconds))
        manys.append(write_throughput(slug, writers, seconds))
    one, many = sum(ones) / rounds, sum(manys) / rounds
    return {
        "writers": writers,
        "seconds": seconds,
        "rounds": rounds,
        "one_writer_wps": round(one, 1),
        "many_writers_wps": round(many, 1),
        "runs": {"1": [round(x, 1) for x in ones], str(writers): [round(x, 1) for x in manys]},
        "ratio": round(many / one, 2) if one else None,
        "load_average": [round(load_at_start, 2), round(os.getloadavg()[0], 2)],
    }


def pass_rows(
    targets: list[Any], by_pass: dict[str, dict[str, LoadResult]], baseline: str
) -> list[dict[str, Any]]:
    rows = []
    for t in targets:
        row: dict[str, Any] = {"name": t.name}
        for pname, results in by_pass.items():
            r, trivial = results.get(t.name), results.get(baseline)
            row[pname] = (
                None
                if r is None
                else {
                    "p95_ms": r.p95_ms,
                    "rps": r.rps,
                    "hit_ratio": r.hit_ratio,
                    "cpu_p50_ms": r.cpu_p50_ms,
                    "cpu_p95_ms": r.cpu_p95_ms,
                    "share_of_trivial": round(100 * r.rps / trivial.rps, 1)
                    if trivial and trivial.rps
                    else None,
                }
            )
        missed = []
        mixed, cold = row.get("mixed"), row.get("cold")
        if t.kind != "baseline":
            if mixed and (mixed["p95_ms"] or 0) > TARGET_MIXED_P95_MS:
                missed.append(f"mixed p95>{TARGET_MIXED_P95_MS:g}")
            if mixed and t.min_share_of_trivial and (mixed["share_of_trivial"] or 0) < t.min_share_of_trivial:
                missed.append(f"mixed <{t.min_share_of_trivial:g}% of trivial")
            if cold and (cold["p95_ms"] or 0) > TARGET_COLD_P95_MS:
                missed.append(f"cold p95>{TARGET_COLD_P95_MS:g}")
        row["missed"] = missed
        rows.append(row)
    return rows


def print_pass_table(
    rows: list[dict[str, Any]], passes: list[str], concurrency: dict[str, Any] | None
) -> None:
    headers = ["page"]
    for p in passes:
        headers += [f"{p} p95", f"{p} %triv", f"{p} hit%", f"{p} cpu"]
    headers.append("targets")
    lines = []
    for r in rows:
        line = [r["name"]]
        for p in passes:
            cell = r.get(p) or {}
            line += [
                fmt(cell.get("p95_ms")),
                fmt(cell.get("share_of_trivial")),
                fmt(cell.get("hit_ratio")),
                fmt(cell.get("cpu_p95_ms")),
            ]
        line.append("ok" if not r["missed"] else "MISS " + "; ".join(r["missed"]))
        lines.append(line)
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *lines, strict=False)]
    for line in [headers, ["-" * w for w in widths], *lines]:
        print(
            "  ".join(
                str(c).rjust(w) if 0 < i < len(headers) - 1 else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=False))
            )
        )
    print(
        f"targets: mixed p95 ≤ {TARGET_MIXED_P95_MS:g} ms and org home ≥ 25% of trivial; "
        f"cold p95 ≤ {TARGET_COLD_P95_MS:g} ms. cpu: p95 of the worker's CPU ms per request "
        "(what the code costs, whatever else runs on the machine; p95 adds the wait for a core)."
    )
    if concurrency:
        ok = (concurrency["ratio"] or 0) >= TARGET_WRITE_CONCURRENCY
        print(
            f"write concurrency: {concurrency['one_writer_wps']} writes/s with 1 writer, "
            f"{concurrency['many_writers_wps']} with {concurrency['writers']} on unrelated objects: "
            f"{concurrency['ratio']}× ({'ok' if ok else 'MISS'}, target ≥ {TARGET_WRITE_CONCURRENCY}×); "
            f"load average {concurrency['load_average'][0]} → {concurrency['load_average'][1]}"
        )
