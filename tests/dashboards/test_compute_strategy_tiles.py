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
from strategy.selectors import outcome_list, outcome_state_attach
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
    expected = Counter(o.state.status for o in outcome_state_attach(outcome_list(organization=world.org)))
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


def test_time_to_value_and_stability_tile_against_a_hand_built_org(org, time_machine):
    """Median days from active to the first passed gate over the pods that shipped in the range,
    how many shipped, and the running quarter's churn as strategy computes it."""
    from governance.services.guardrails import deployment_submit
    from governance.services.matrix import governance_seed_defaults
    from pods.services import pod_create
    from strategy.selectors.stability import pod_stability
    from tests.factories import AssignmentFactory, PersonFactory, member
    from tests.governance.helpers import rtier

    D = datetime.date
    governance_seed_defaults(organization=org)
    org.quarter_start_month = 1
    org.save()
    admin, leader = member(org, "admin").user, member(org, "leader")
    time_machine.move_to(datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC), tick=False)
    fast = pod_create(organization=org, actor=admin, name="Fast", status="active")
    slow = pod_create(organization=org, actor=admin, name="Slow", status="active")
    pod_create(organization=org, actor=admin, name="Waiting", status="active")
    a, b, c = (PersonFactory(organization=org) for _ in range(3))
    AssignmentFactory(organization=org, pod=fast, person=a, start_date=D(2026, 1, 1))
    AssignmentFactory(organization=org, pod=fast, person=b, start_date=D(2026, 1, 1), end_date=D(2026, 2, 15))
    AssignmentFactory(organization=org, pod=fast, person=c, start_date=D(2026, 2, 1))

    def ship(pod, day):
        time_machine.move_to(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False)
        review = deployment_submit(organization=org, actor=admin, pod=pod, model_name="m", version=str(day),
                                   risk_tier=rtier(org, "low"), results={"performance": 0.9, "security": 0.9})
        assert review.gate == "pass"

    ship(fast, D(2026, 1, 15))  # 10 days
    ship(slow, D(2026, 2, 4))  # 30 days
    ship(fast, D(2026, 2, 20))  # not its first: no second value
    time_machine.move_to(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC), tick=False)
    from dashboards.services import snapshot_backfill

    snapshot_backfill(organization=org, days=90)
    filters = selectors.Filters(Period(D(2026, 1, 1), D(2026, 3, 1)))
    tile = {t.key: t for t in selectors.overview_tiles(organization=org, membership=leader,
                                                       filters=filters)}["time_to_value"]
    figures = _figures(tile)
    assert figures["Median time to value"] == 20.0 and figures["Pods that shipped first"] == 2
    churn = [r.churn for r in pod_stability(organization=org, today=D(2026, 3, 1)) if r.churn is not None]
    assert churn and figures["Churn this quarter"] == round(sum(round(100 * x, 1) for x in churn) / len(churn), 1)
    assert figures["Churn this quarter"] > 0  # B left and C joined within the quarter
    later = selectors.Filters(Period(D(2026, 2, 1), D(2026, 3, 1)))  # only Slow shipped first in it
    tile = {t.key: t for t in selectors.overview_tiles(organization=org, membership=leader,
                                                       filters=later)}["time_to_value"]
    assert _figures(tile)["Median time to value"] == 30.0 and _figures(tile)["Pods that shipped first"] == 1
