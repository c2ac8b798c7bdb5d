"""The pages and API lists `make bench` measures (scripts/bench.py).

Add a page by appending a `Target` to TARGETS; if its URL needs a new object id, add a
function to PLACEHOLDERS (scripts/bench_objects.py) that picks a representative one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One URL to measure. `path` may name {slug} and any key of PLACEHOLDERS."""

    name: str
    path: str
    kind: str = "page"  # "baseline", "page" or "api" (an API 404 is reported as missing)
    min_share_of_trivial: float | None = None  # % of the baseline's requests/s


TARGETS: list[Target] = [
    Target("trivial (baseline)", "/bench/trivial", kind="baseline"),
    Target("org home", "/o/{slug}/", min_share_of_trivial=25.0),
    Target("pod detail", "/o/{slug}/pods/{pod}/"),
    Target("people directory", "/o/{slug}/people/"),
    Target("person", "/o/{slug}/people/{person}/"),
    Target("charter history", "/o/{slug}/pods/{pod}/charter/history/"),
    Target("audit log", "/o/{slug}/audit/"),
    Target("API pods", "/api/v1/o/{slug}/pods/", kind="api"),
    Target("API people", "/api/v1/o/{slug}/people/", kind="api"),
    Target("decision-rights matrix", "/o/{slug}/governance/matrix/"),
    Target("escalation inbox", "/o/{slug}/governance/inbox/"),
    Target("escalations", "/o/{slug}/governance/escalations/"),
    Target("cycle-time dashboard", "/o/{slug}/governance/cycle-time/"),
    Target("pod escalations panel", "/o/{slug}/governance/pods/{pod}/panel/"),
    Target("API escalations", "/api/v1/o/{slug}/escalations/", kind="api"),
    # --- knowledge ---
    Target("overview", "/o/{slug}/overview/", min_share_of_trivial=25.0),
    Target("overview: attention queue", "/o/{slug}/overview/attention/"),
    Target("overview: pod scorecards", "/o/{slug}/overview/scorecards/"),
    Target("API overview", "/api/v1/o/{slug}/overview/", kind="api"),
    Target("knowledge home", "/o/{slug}/knowledge/"),
    Target("guild page", "/o/{slug}/knowledge/guilds/{guild}/"),
    Target("lesson list", "/o/{slug}/knowledge/lessons/"),
    Target("search: nothing typed yet (newest)", "/o/{slug}/knowledge/search/"),
    Target("search: evaluation", "/o/{slug}/knowledge/search/?q=evaluation"),
    Target("search: shadow deployment", "/o/{slug}/knowledge/search/?q=shadow+deployment"),
    Target("search: alert -cost (post-mortems)",
           "/o/{slug}/knowledge/search/?q=alert+-cost&kind=postmortem"),
    Target("search: typo (tokenzier)", "/o/{slug}/knowledge/search/?q=tokenzier"),
    Target("API search: rollback", "/api/v1/o/{slug}/search/?q=rollback", kind="api"),
    # --- elastic bench ---
    Target("bench: who is free", "/o/{slug}/bench/"),
    Target("bench: staffing requests", "/o/{slug}/bench/requests/"),
    Target("bench: suggestions", "/o/{slug}/bench/suggestions/"),
    Target("API staffing requests", "/api/v1/o/{slug}/bench/requests/", kind="api"),
    Target("API suggestions", "/api/v1/o/{slug}/bench/suggestions/", kind="api"),
    # --- platform catalog (its snapshot and MLflow figures: scripts/bench_catalog.py) ---
    Target("catalog home", "/o/{slug}/catalog/"),
    Target("catalog models", "/o/{slug}/catalog/models/"),
    Target("catalog components", "/o/{slug}/catalog/components/"),
    Target("catalog data products", "/o/{slug}/catalog/data-products/"),
    Target("catalog experiments", "/o/{slug}/catalog/experiments/"),
    Target("catalog experiment runs", "/o/{slug}/catalog/experiments/{experiment}/"),
    Target("catalog run comparison", "/o/{slug}/catalog/experiments/{experiment}/compare/?{compare_runs}"),
    Target("catalog model", "/o/{slug}/catalog/models/{catalog_model}/"),
    Target("catalog data product", "/o/{slug}/catalog/data-products/{data_product}/"),
    Target("catalog duplicates", "/o/{slug}/catalog/duplicates/"),
    Target("API catalog models", "/api/v1/o/{slug}/catalog/models/", kind="api"),
    Target("API catalog experiments", "/api/v1/o/{slug}/catalog/experiments/", kind="api"),
    # --- expert time (resources) ---
    Target("experts", "/o/{slug}/experts/"),
    Target("expert: slots and booking form", "/o/{slug}/experts/{expert}/"),
    Target("expert bookings (everyone's)", "/o/{slug}/experts/bookings/?all=1"),
    Target("expert utilisation per week", "/o/{slug}/experts/utilisation/"),
    Target("guild office-hours panel", "/o/{slug}/experts/guilds/{guild}/panel/"),
    Target("API bookings", "/api/v1/o/{slug}/bookings/", kind="api"),
    Target("API office hours", "/api/v1/o/{slug}/office-hours/", kind="api"),
]
