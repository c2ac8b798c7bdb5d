"""Representative objects for `make bench` URLs (the heaviest pod, person, guild of an
organization), and the raw-SQL timing of search beside the app's. Run in-process, after
django.setup()."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any

# The searches whose SQL is timed alone beside the app's p95 (search_sql_report): bench target
# name -> (q, filters). Each matches in both seeded orgs, so the same statements run in both.
SEARCH_SQL_QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "search: evaluation": ("evaluation", {}),
    "search: shadow deployment": ("shadow deployment", {}),
    "search: alert -cost (post-mortems)": ("alert -cost", {"kind": "postmortem"}),
    "search: typo (tokenzier)": ("tokenzier", {}),
    "API search: rollback": ("rollback", {}),
}


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


def _busiest_expert(org: Any) -> int | None:
    """The expert with the most bookings: the heaviest slots page."""
    from django.db.models import Count

    from resources.experts.models import ExpertProfile

    expert = (ExpertProfile.objects.for_org(org).annotate(n=Count("bookings")).order_by("-n", "id").first())
    return expert.pk if expert else None


def _busiest_experiment(org: Any) -> int | None:
    """The experiment with the most runs: the heaviest runs page."""
    from django.db.models import Count

    from platform_catalog.models import Experiment

    exp = Experiment.objects.for_org(org).annotate(n=Count("runs")).order_by("-n", "id").first()
    return exp.pk if exp else None


def _compare_runs(org: Any) -> str | None:
    """The query string comparing the busiest experiment's three newest runs."""
    from platform_catalog.models import Run

    pk = _busiest_experiment(org)
    uuids = list(Run.objects.for_org(org).filter(experiment_id=pk).order_by("-start_time", "-id")
                 .values_list("run_uuid", flat=True)[:3])
    return "&".join(f"run={u}" for u in uuids) if uuids else None


def _most_linked(kind: str) -> Callable[[Any], int | None]:
    """The catalog model or data product with the most relations and experiments: its heaviest page."""

    def pick(org: Any) -> int | None:
        from django.db.models import Count

        from platform_catalog.models import CatalogModel, DataProduct

        table = CatalogModel if kind == "model" else DataProduct
        row = table.objects.for_org(org).annotate(n=Count("experiments")).order_by("-n", "id").first()
        return row.pk if row else None

    return pick


def search_sql_report(slug: str, app_p95: dict[str, float | None], runs: int = 60) -> list[str]:
    """The database's own time for each search: every statement `search_documents` runs for it
    (the ranked page; for a typo also the prefix try, the lexicon look-up and the corrected
    page), captured once, then replayed through a cursor. Beside the app's page p95, the
    difference is what the app adds over PostgreSQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from knowledge.models import SearchDocument, SearchTerm
    from knowledge.search import search_documents
    from tenancy.models import Organization

    org = Organization.objects.get(slug=slug)
    docs = SearchDocument.objects.for_org(org).count()
    words = SearchTerm.objects.for_org(org).count()
    lines = [f"  ({docs} documents, {words} words in the typo lexicon)"]
    for name, (q, filters) in SEARCH_SQL_QUERIES.items():
        with CaptureQueriesContext(connection) as ctx:
            search_documents(organization=org, q=q, **filters)
        statements = [c["sql"] for c in ctx.captured_queries]
        timings = []
        with connection.cursor() as cursor:
            for _ in range(runs):
                t0 = time.perf_counter()
                for statement in statements:
                    cursor.execute(statement)
                    cursor.fetchall()
                timings.append(time.perf_counter() - t0)
        ordered = sorted(timings)
        p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000
        lines.append(f"  {name:<36} {len(statements)} statement{'s' if len(statements) > 1 else ''}"
                     f"  raw SQL p50 {statistics.median(ordered) * 1000:5.1f} ms  p95 {p95:5.1f} ms"
                     f"   app p95 {fmt(app_p95.get(name))} ms")
    return lines


PLACEHOLDERS: dict[str, Callable[[Any], int | str | None]] = {
    "pod": _busiest_pod,
    "person": _busiest_person,
    "guild": _busiest_guild,
    "expert": _busiest_expert,
    "experiment": _busiest_experiment,
    "compare_runs": _compare_runs,
    "catalog_model": _most_linked("model"),
    "data_product": _most_linked("data_product"),
}




def fmt(value: float | None) -> str:
    """A number for the report: whole above 100, one decimal below, "-" when missing."""
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"
