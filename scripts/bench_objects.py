"""Representative objects for `make bench` URLs (the heaviest pod, person, guild of an
organization), and the raw-SQL timing of search beside the app's. Run in-process, after
django.setup()."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any

# The same searches as raw SQL through a cursor, timed beside the app's p95 (search_sql_report).
SEARCH_SQL_QUERIES = ["evaluation", "shadow deployment", "retraining job"]


# --- Representative objects (run in-process, after django.setup()) ----------------------------


def _busiest_pod(org: Any) -> int | None:
    """The pod with the most running members and charter versions: the heaviest page."""
    from django.db.models import Count
    from django.utils import timezone

    from pods.models import Pod, active_assignment_q

    running = active_assignment_q(timezone.localdate(), "assignments__")
    pod = (
        Pod.objects.for_org(org)
        .annotate(members=Count("assignments", filter=running, distinct=True),
                  versions=Count("charters", distinct=True))
        .order_by("-members", "-versions", "id").first()
    )
    return pod.pk if pod else None


def _busiest_person(org: Any) -> int | None:
    """The person with the most assignments (and skills), so their page is the heaviest."""
    from django.db.models import Count

    from tenancy.models import Person

    person = (Person.objects.for_org(org)
              .annotate(n=Count("assignments", distinct=True), s=Count("skills", distinct=True))
              .order_by("-n", "-s", "id").first())
    return person.pk if person else None


def _busiest_guild(org: Any) -> int | None:
    """The guild with the most members: the heaviest guild page."""
    from django.db.models import Count

    from knowledge.models import Guild

    guild = (Guild.objects.for_org(org).annotate(n=Count("members")).order_by("-n", "id").first())
    return guild.pk if guild else None


def search_sql_report(slug: str, app_p95: dict[str, float | None], runs: int = 60) -> list[str]:
    """Raw SQL time of the ranked search page query (the app's main search query), to set the
    app's p95 beside the database's: the difference is the app's overhead."""
    from django.db import connection

    from knowledge.search import search_sql
    from tenancy.models import Organization

    org = Organization.objects.get(slug=slug)
    lines = []
    for q in SEARCH_SQL_QUERIES:
        sql, params = search_sql(organization=org, q=q)
        timings = []
        with connection.cursor() as cursor:
            for _ in range(runs):
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                timings.append(time.perf_counter() - t0)
            cursor.execute("SELECT count(*) FROM knowledge_searchdocument WHERE organization_id = %s",
                           [org.pk])
            docs = cursor.fetchone()[0]
        ordered = sorted(timings)
        p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000
        app = next((v for k, v in app_p95.items() if q.split()[0] in k), None)
        lines.append(f"  search {q!r:<22} raw SQL p50 {statistics.median(ordered) * 1000:6.1f} ms"
                     f"  p95 {p95:6.1f} ms   app page p95 {fmt(app)} ms   ({docs} documents)")
    return lines


PLACEHOLDERS: dict[str, Callable[[Any], int | None]] = {
    "pod": _busiest_pod,
    "person": _busiest_person,
    "guild": _busiest_guild,
}




def fmt(value: float | None) -> str:
    """A number for the report: whole above 100, one decimal below, "-" when missing."""
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"
