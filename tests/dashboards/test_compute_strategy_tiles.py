"""The compute and strategy tiles and the theme filter, against hand-built data: figures read from
resources' capacity snapshots and strategy's outcome states, gauges that keep their history."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from dashboards import selectors
from dashboards.contrib.strategy import OUTCOME
from dashboards.models import DailyFact
from dashboards.periods import Period
from dashboards.services import snapshot_recompute
from resources.models import CapacitySnapshot
from strategy.selectors import outcome_list, with_state
from tests.resources.helpers import compute_setup
from tests.strategy.factories import outcome, theme

pytestmark = pytest.mark.django_db


def _tiles(world, start=None, **dims):
    today = timezone.localdate()
    filters = selectors.Filters(Period(start or today, today), dims)
    return {t.key: t for t in selectors.overview_tiles(organization=world.org, membership=world.leader,
                                                       filters=filters)}


def _figures(tile):
    return {f.label: f.value for f in tile.figures}


def _snap(org, pool, day, **values):
    fields = {"capacity": 8, "nominal": 8, "within_nominal": 0.0, "borrowed": 0.0, "lent": 0.0,
              "pending": 0.0, "free": 0.0, **values}
    CapacitySnapshot.objects.create(organization=org, pool=pool, day=day, **fields)


def test_compute_tile_sums_pools_before_dividing(world):
    today = timezone.localdate()
    c = compute_setup(world.org, capacity=8)
    other = compute_setup(world.org, capacity=2, name="A10").pool
    _snap(world.org, c.pool, today, within_nominal=3.0, borrowed=1.0, pending=2.0)
    _snap(world.org, other, today, capacity=2, within_nominal=2.0, pending=1.0)
    _snap(world.org, c.pool, today - datetime.timedelta(days=1), within_nominal=8.0)
    snapshot_recompute(organization=world.org)
    tile = _tiles(world)["compute"]
    # (3 + 1 + 2) / (8 + 2) = 60 %, not the mean of 50 % and 100 %; borrowed 1 of 6 used.
    assert _figures(tile) == {"Utilisation": 60.0, "Borrowed share": 16.7, "Pending demand": 3.0}
    assert tile.url.endswith("/compute/capacity/")


def test_outcomes_tile_counts_each_status_as_strategy_does(world):
    t = theme(world.org, world.leader)
    outcome(world.org, t, pod=world.healthy)
    outcome(world.org, t, pod=world.at_risk, metric="Latency", unit="ms", direction="decrease",
            baseline=300.0, target=200.0)
    snapshot_recompute(organization=world.org)
    expected = Counter(o.state.status for o in with_state(outcome_list(organization=world.org)))
    figures = _figures(_tiles(world)["outcomes"])
    assert figures == {"On track": float(expected["on_track"]), "Behind": float(expected["behind"]),
                       "At risk": float(expected["at_risk"]), "Stale": float(expected["stale"])}
    assert sum(figures.values()) == 2


def test_a_gauge_keeps_yesterdays_reading(world):
    outcome(world.org, theme(world.org, world.leader), pod=world.healthy)
    snapshot_recompute(organization=world.org)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    DailyFact.objects.for_org(world.org).filter(metric=OUTCOME).update(day=yesterday)
    snapshot_recompute(organization=world.org)  # the hourly one covers yesterday and today
    days = Counter(DailyFact.objects.for_org(world.org).filter(metric=OUTCOME).values_list("day", flat=True))
    assert days == {yesterday: 1, timezone.localdate(): 1}
    snapshot_recompute(organization=world.org)  # today's reading is replaced, not added to
    assert DailyFact.objects.for_org(world.org).filter(metric=OUTCOME).count() == 2


def test_theme_filter_narrows_every_tile_to_its_pods(world):
    t = theme(world.org, world.leader, title="Retention")
    other = theme(world.org, world.leader, title="Latency")
    outcome(world.org, t, pod=world.healthy)
    outcome(world.org, other, pod=world.at_risk)
    outcome(world.org, other, pod=world.unhealthy)
    snapshot_recompute(organization=world.org)
    dims = {d["key"]: d for d in selectors.dimension_choices(organization=world.org)}
    assert dims["theme"]["choices"] == [(str(other.pk), "Latency"), (str(t.pk), "Retention")]
    assert sum(_figures(_tiles(world)["outcomes"]).values()) == 3
    assert sum(_figures(_tiles(world, theme=str(t.pk))["outcomes"]).values()) == 1
    health = _tiles(world, theme=str(t.pk))["pod_health"]  # every tile follows: one pod here, three in all
    assert sum(f.value or 0 for f in health.figures) == 1
    assert sum(f.value or 0 for f in _tiles(world)["pod_health"].figures) == 3


def test_overview_page_offers_the_theme_filter(client, world):
    t = theme(world.org, world.leader, title="Retention")
    outcome(world.org, t, pod=world.healthy)
    snapshot_recompute(organization=world.org)
    client.force_login(world.leader.user)
    html = client.get(f"/o/{world.org.slug}/overview/").content.decode()
    assert "Compute" in html and "Outcomes" in html and "Time to value and stability" in html
    assert f'<option value="{t.pk}">Retention</option>' in html
    r = client.get(f"/o/{world.org.slug}/overview/", {"theme": str(t.pk)})
    assert r.status_code == 200
    assert client.get(f"/o/{world.org.slug}/overview/", {"theme": "999999"}).status_code == 400


def test_a_tile_that_lands_later_gets_its_history(world):
    from dashboards.models import TileSnapshot
    from dashboards.tasks import overview_refresh_task

    c = compute_setup(world.org)
    month_ago = timezone.localdate() - datetime.timedelta(days=30)
    _snap(world.org, c.pool, month_ago, within_nominal=4.0)
    overview_refresh_task(world.org.pk)
    assert DailyFact.objects.for_org(world.org).filter(metric="compute.utilisation", day=month_ago).exists()
    # As if the compute tile had just been registered: no snapshot of it, no facts.
    TileSnapshot.objects.for_org(world.org).filter(tile="compute").delete()
    DailyFact.objects.for_org(world.org).filter(metric__startswith="compute.").delete()
    overview_refresh_task(world.org.pk)  # the hourly run: the others' last two days, compute's history
    assert DailyFact.objects.for_org(world.org).filter(metric="compute.utilisation", day=month_ago).exists()


def test_outcome_and_reuse_checks_on_the_scorecard(world):
    from dashboards import services as dash
    from dashboards.models import ScorecardResult
    from platform_catalog.models import Adoption

    late = outcome(world.org, theme(world.org, world.leader), pod=world.at_risk, cadence_days=7,
                   start_date=timezone.localdate() - datetime.timedelta(days=30),
                   due_date=timezone.localdate() + datetime.timedelta(days=30))  # stale: no reading in a week
    Adoption.objects.create(organization=world.org, pod=world.healthy, entity_kind="component", entity_id=1)
    dash.scorecard_seed_defaults(organization=world.org)
    dash.scorecard_evaluate(organization=world.org)
    today = timezone.localdate()

    def result(measure, pod):
        return ScorecardResult.objects.for_org(world.org).get(check_rule__measure=measure, pod_id=pod.pk, day=today)

    assert (result("strategy.outcomes_off_track", world.at_risk).value, late.pod_id) == (1.0, world.at_risk.pk)
    assert not result("strategy.outcomes_off_track", world.at_risk).passed
    assert result("strategy.outcomes_off_track", world.healthy).passed  # no outcome: nothing off course
    assert result("catalog.adoptions", world.healthy).passed
    assert not result("catalog.adoptions", world.unhealthy).passed


@pytest.mark.parametrize("metric", ["staffing.open", "catalog.duplicates_open"])
def test_the_now_gauges_of_other_tiles_keep_their_history_too(world, metric):
    snapshot_recompute(organization=world.org)
    assert DailyFact.objects.for_org(world.org).filter(metric=metric).count() == 1
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    DailyFact.objects.for_org(world.org).filter(metric=metric).update(day=yesterday)
    snapshot_recompute(organization=world.org)
    assert set(DailyFact.objects.for_org(world.org).filter(metric=metric).values_list("day", flat=True)) == {
        yesterday, timezone.localdate()}
