"""`make bench`, strategy (#12): the theme and outcome pages (p95 and queries, in-process, on the
theme and the outcome with the most rows) and a push of one measurement through the service (each
rolled back, so the bench database keeps its seed). The issue's bars: pages p95 <= 25 ms with
constant queries; a push p95 <= 30 ms."""

from __future__ import annotations

import time
from typing import Any

PAGE_P95_MS, PUSH_P95_MS = 25.0, 30.0


class _Rollback(Exception):
    pass


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1)


def _page(client: Any, path: str, n: int) -> dict[str, Any]:
    """Queries and p95 with this process's cache cleared before each request (cold), and warm."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # settle per-process state
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    timings: dict[str, list[float]] = {"cold": [], "warm": []}
    for i in range(2 * n):
        kind = "cold" if i % 2 == 0 else "warm"
        if kind == "cold":
            cache.clear()
        start = time.perf_counter()
        client.get(path)
        timings[kind].append((time.perf_counter() - start) * 1000)
    cold, warm = _p95(timings["cold"]), _p95(timings["warm"])
    return {"path": path, "status": status, "queries": len(queries.captured_queries), "cold_p95_ms": cold,
            "warm_p95_ms": warm, "met": cold is not None and cold <= PAGE_P95_MS}


def measure(slug: str, user_email: str, n: int = 40) -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import Count
    from django.test import Client

    from strategy.models import Outcome, Theme
    from strategy.services import measurement_record
    from tenancy.models import Organization, User

    org = Organization.objects.get(slug=slug)
    theme = (Theme.objects.for_org(org).annotate(n=Count("outcomes")).order_by("-n", "pk").first())
    outcome = (Outcome.objects.for_org(org).annotate(n=Count("measurements")).order_by("-n", "pk")
               .select_related("pod").first())
    if theme is None or outcome is None:
        return {"skipped": "no themes or outcomes in this organization"}
    client = Client()
    client.force_login(User.objects.get(email=user_email))
    pages = {name: _page(client, f"/o/{slug}/strategy/{path}", n) for name, path in (
        ("theme page", f"themes/{theme.pk}/"), ("outcome page", f"outcomes/{outcome.pk}/"),
        ("strategy home", ""), ("signals", "signals/"), ("pod operations", "operations/"))}
    actor = User.objects.get(email=user_email)
    pushes: list[float] = []
    for i in range(n):
        start = time.perf_counter()
        try:
            with transaction.atomic():
                measurement_record(organization=org, actor=actor, outcome=outcome, value=float(i),
                                   source="bench", idempotency_key=f"bench-{i}")
                pushes.append((time.perf_counter() - start) * 1000)
                raise _Rollback
        except _Rollback:
            pass
    push = _p95(pushes)
    return {"theme_outcomes": theme.n, "outcome_measurements": outcome.n,  # type: ignore[attr-defined]
            "pages": pages, "push_p95_ms": push, "push_met": push is not None and push <= PUSH_P95_MS}


def report(result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"strategy: skipped ({result['skipped']})"
    lines = [f"strategy (theme with {result['theme_outcomes']} outcomes, outcome with "
             f"{result['outcome_measurements']} measurements; bars: pages p95 <= {PAGE_P95_MS} ms, "
             f"push p95 <= {PUSH_P95_MS} ms):"]
    for name, row in result["pages"].items():
        lines.append(f"  {name:<16} {row['status']}  cold p95 {row['cold_p95_ms']} ms, warm {row['warm_p95_ms']} ms,"
                     f" {row['queries']} queries cold{'' if row['met'] else '  (missed)'}")
    lines.append(f"  measurement push p95 {result['push_p95_ms']} ms{'' if result['push_met'] else '  (missed)'}")
    return "\n".join(lines)
