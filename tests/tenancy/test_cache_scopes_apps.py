"""Fine-grained invalidation for the apps that landed after tenancy.cache: strategy, the platform
catalog, the bench, compute and the overview (the pattern of tests/tenancy/test_cache_scopes.py).

A read after a committed write in one of these apps shows it; a write in one of them drops no cached
fragment of another area (asserted with query counts: a cached page costs fewer queries than one
rendered again). Writes run inside `django_capture_on_commit_callbacks(execute=True)`, which stands
for their commit in these single-transaction tests.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from bench.services.entries import bench_entry_create
from dashboards.services import (
    scorecard_evaluate,
    scorecard_level_create,
    scorecard_seed_defaults,
    snapshot_recompute,
)
from governance.services.matrix import governance_seed_defaults
from platform_catalog.services.components import component_save
from resources import services as compute_services
from strategy import services as strategy_services
from strategy.quarters import quarter_of
from tests.factories import PersonFactory, member
from tests.knowledge.factories import guild, lesson
from tests.resources.helpers import compute_setup
from tests.strategy.factories import outcome, theme
from tests.tenancy.test_cache_scopes import _query_counts, _urls


@pytest.fixture
def world(org, django_capture_on_commit_callbacks):
    """Pods A and B sharing a compute pool, a theme with an outcome of pod A, a lesson, the
    overview's first snapshot; the admin signed in."""
    with django_capture_on_commit_callbacks(execute=True):
        governance_seed_defaults(organization=org)
        c = compute_setup(org, unit_cost=Decimal("1"))
        les = lesson(org, guild(org))
        leader = member(org, "leader")
        th = theme(org, leader)
        oc = outcome(org, th, pod=c.pod_a)
        snapshot_recompute(organization=org)
        scorecard_seed_defaults(organization=org)
        scorecard_evaluate(organization=org)
    return {"org": org, "c": c, "admin": c.admin, "leader": leader, "theme": th, "outcome": oc,
            "lesson": les}


def _cached_pages(org, pod_b: int) -> dict[str, str]:
    """Pages that keep fragments (tenancy.cache); the app pages below render from the data. Not the
    overview: its attention queue is a snapshot that a write to any area its sources read (each of
    these apps has one) marks out of date, to be refreshed by the next read."""
    return {**_urls(org, pod_b), "scorecards": f"/o/{org.slug}/overview/scorecards/"}


def test_a_write_in_one_of_these_apps_leaves_other_areas_fragments_cached(
    client, world, django_capture_on_commit_callbacks
):
    org, admin, c = world["org"], world["admin"], world["c"]
    client.force_login(admin.user)
    urls = _cached_pages(org, c.pod_b.pk)
    cold = _query_counts(client, urls)
    warm = _query_counts(client, urls)
    assert all(warm[page] < cold[page] for page in urls), (cold, warm)  # each page is cached
    today = timezone.localdate()
    writes = {
        "strategy: a measurement": lambda: strategy_services.measurement_record(
            organization=org, actor=admin.user, outcome=world["outcome"], value=75.0),
        "strategy: a theme": lambda: theme(org, world["leader"], title="Grow the partner channel"),
        "catalog: a component": lambda: component_save(
            organization=org, actor=admin.user, owner_pod=c.pod_a, name="Eval harness",
            description="Offline evaluation."),
        "bench: an entry": lambda: bench_entry_create(
            organization=org, actor=admin.user, person=PersonFactory(organization=org),
            available_from=today, hours_per_week=20),
        "compute: an allocation": lambda: c.ask(amount=1, start=0, end=2),
        "compute: a pool": lambda: compute_services.pool_create(
            organization=org, actor=admin.user, name="Spot pool", capacity=4),
    }
    for name, write in writes.items():
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert _query_counts(client, urls) == warm, name  # every page still served from its fragments


def test_reads_after_a_committed_write_in_these_apps_are_never_stale(
    client, world, django_capture_on_commit_callbacks
):
    org, admin, c = world["org"], world["admin"], world["c"]
    client.force_login(admin.user)
    base = f"/o/{org.slug}"

    def fresh(url: str, text: str, write) -> None:
        assert text not in client.get(url).content.decode(), url  # read (and cached, where it caches)
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert text in client.get(url).content.decode(), url

    # strategy
    fresh(f"{base}/strategy/", "Grow the partner channel",
          lambda: strategy_services.theme_create(
              organization=org, actor=admin.user, owner=world["leader"], title="Grow the partner channel",
              quarter=quarter_of(timezone.localdate(), org.quarter_start_month)))
    # platform catalog
    fresh(f"{base}/catalog/components/", "Eval harness",
          lambda: component_save(organization=org, actor=admin.user, owner_pod=c.pod_a, name="Eval harness",
                                 description="Offline evaluation."))
    # bench
    person = PersonFactory(organization=org, full_name="Newly Benched Specialist")
    fresh(f"{base}/bench/", "Newly Benched Specialist",
          lambda: bench_entry_create(organization=org, actor=admin.user, person=person,
                                     available_from=timezone.localdate(), hours_per_week=20))
    # compute
    fresh(f"{base}/compute/", "Spot pool",
          lambda: compute_services.pool_create(organization=org, actor=admin.user, name="Spot pool", capacity=4))
    fresh(f"{base}/compute/pools/{c.pool.pk}/", "Waiting for",  # a request that must queue
          lambda: [c.ask(amount=4, start=0, end=2), c.ask(pod=c.pod_b, amount=4, start=0, end=2),
                   c.ask(amount=2, start=0, end=2)])
    # overview: the scorecards (cached under `overview`) and the attention queue (a snapshot that
    # a commit touching what its sources read refreshes), here the pods at risk: pod B loses its lead
    fresh(f"{base}/overview/scorecards/", "Platinum",
          lambda: scorecard_level_create(organization=org, actor=admin.user, name="Platinum"))
    lead_b = _lead_assignment(org, c.pod_b)
    fresh(f"{base}/overview/attention/", c.pod_b.name,
          lambda: _end(org, admin.user, lead_b))


def _lead_assignment(org, pod):
    from pods.models import Assignment

    return Assignment.objects.for_org(org).get(pod=pod, role__is_lead=True)


def _end(org, actor, assignment) -> None:
    from pods import services as pod_services

    pod_services.assignment_end(organization=org, actor=actor, assignment=assignment,
                                end_date=timezone.localdate() - datetime.timedelta(days=1))
