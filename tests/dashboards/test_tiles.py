"""The overview's tiles against a hand-built organization: figures, the previous quarter, filters,
trends, "as of", permissions and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dashboards import selectors
from dashboards.models import DailyFact
from dashboards.periods import Period, quarter_start, shift_months
from dashboards.services import snapshot_recompute
from tests.dashboards.factories import decided, lessons, staffed
from tests.factories import PodFactory, member

pytestmark = pytest.mark.django_db


def _snapshot(world):
    today = timezone.localdate()
    snapshot_recompute(organization=world.org, start=today - datetime.timedelta(days=140), end=today)


def _period() -> Period:
    today = timezone.localdate()
    return Period(today - datetime.timedelta(days=30), today)


def _tiles(world, membership=None, **dims):
    tiles = selectors.overview_tiles(organization=world.org, membership=membership or world.leader,
                                     filters=selectors.Filters(_period(), dims))
    return {t.key: t for t in tiles}


def _fig(tile, label):
    return next(f for f in tile.figures if f.label == label)


def test_figures_now_and_a_quarter_earlier(world):
    for hours in (2, 4):
        decided(world, hours)
    decided(world, 10, breached=True)
    decided(world, 20, days_ago=100)  # inside the same span one quarter earlier
    lessons(world, world.healthy, 2)
    lessons(world, world.at_risk, 1)
    _snapshot(world)
    tiles = _tiles(world)

    health = tiles["pod_health"]
    assert [(_fig(health, n).value) for n in ("Healthy", "At risk", "Unhealthy")] == [1, 1, 1]

    cycle = tiles["approval_cycle_time"]
    assert _fig(cycle, "Median").value == 4.0
    assert _fig(cycle, "p90").value == 8.8  # percentile_cont: 4 + 0.8 × (10 − 4)
    assert _fig(cycle, "SLA breaches").value == 1
    assert _fig(cycle, "Median").previous == 20.0
    assert _fig(cycle, "Median").delta == -16.0
    assert _fig(cycle, "Median").trend_word == "better"  # shorter is better

    knowledge = tiles["knowledge_flow"]
    assert _fig(knowledge, "Lessons").value == 3
    assert _fig(knowledge, "Lessons per pod").value == 1.0
    assert all(t.as_of is not None for t in tiles.values())
    assert all(tiles[k].url for k in ("pod_health", "approval_cycle_time", "knowledge_flow"))


def test_every_tile_honours_the_sponsor_filter(world):
    decided(world, 3)
    lessons(world, world.healthy, 2)
    lessons(world, world.at_risk, 4)
    _snapshot(world)
    tiles = _tiles(world, sponsor=str(world.leader.pk))  # the healthy and the unhealthy pod
    health = tiles["pod_health"]
    assert [_fig(health, n).value for n in ("Healthy", "At risk", "Unhealthy")] == [1, 0, 1]
    assert _fig(tiles["knowledge_flow"], "Lessons").value == 2
    assert _fig(tiles["knowledge_flow"], "Lessons per pod").value == 1.0
    other = _tiles(world, sponsor=str(world.other_sponsor.pk))
    assert _fig(other["approval_cycle_time"], "Median").value is None  # its pod decided nothing
    assert _fig(other["knowledge_flow"], "Lessons").value == 4


def test_the_date_range_bounds_the_figures(world):
    decided(world, 5, days_ago=2)
    decided(world, 50, days_ago=20)
    _snapshot(world)
    today = timezone.localdate()
    narrow = selectors.Filters(Period(today - datetime.timedelta(days=7), today))
    tiles = {t.key: t for t in selectors.overview_tiles(organization=world.org, membership=world.leader,
                                                         filters=narrow)}
    assert _fig(tiles["approval_cycle_time"], "Median").value == 5.0


def test_trend_has_one_point_per_week_and_a_chart(world):
    decided(world, 6, days_ago=2)
    _snapshot(world)
    tile = _tiles(world)["pod_health"]
    assert len(tile.trend) == len(_period().weeks())
    assert tile.trend[-1][1] == pytest.approx(33.3)  # one healthy pod of three
    assert tile.chart is not None and "33.3%" in tile.chart["summary"]


def test_a_member_does_not_see_approval_cycle_times(world):
    _snapshot(world)
    keys = set(_tiles(world, membership=member(world.org)))
    assert "pod_health" in keys and "approval_cycle_time" not in keys


def test_recompute_replaces_a_days_facts(world):
    lessons(world, world.healthy, 1)
    _snapshot(world)
    _snapshot(world)
    assert DailyFact.objects.for_org(world.org).filter(metric="lesson.published").count() == 1


def test_constant_queries_at_two_sizes(world, django_assert_max_num_queries):
    decided(world, 2)
    _snapshot(world)
    with django_assert_max_num_queries(3):  # the cache versions, figures (with as-of), trends
        _tiles(world)
    for i in range(12):
        pod = PodFactory(organization=world.org, sponsor=world.leader, name=f"More {i}")
        staffed(world.org, pod, 3)
    for hours in range(5):
        decided(world, hours + 1)
    lessons(world, world.healthy, 5)
    _snapshot(world)
    with django_assert_max_num_queries(3):  # the cache versions, figures (with as-of), trends
        _tiles(world, sponsor=str(world.leader.pk))


def test_quarters_follow_the_organization():
    assert quarter_start(datetime.date(2026, 5, 15), 1) == datetime.date(2026, 4, 1)
    assert quarter_start(datetime.date(2026, 1, 15), 2) == datetime.date(2025, 11, 1)
    assert shift_months(datetime.date(2026, 5, 31), -3) == datetime.date(2026, 2, 28)
    assert Period(datetime.date(2026, 4, 1), datetime.date(2026, 5, 10)).previous_quarter() == Period(
        datetime.date(2026, 1, 1), datetime.date(2026, 2, 10))
