"""Pod scorecards: levels reached only through every check of the level and below, the org
rollup, a check's history, admins' edits (audited), members refused."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dashboards import selectors, services
from dashboards.models import PodLevel, ScorecardCheck, ScorecardLevel
from tenancy.models import AuditEvent
from tests.dashboards.factories import lessons
from tests.factories import member

pytestmark = pytest.mark.django_db


def _only(world, *checks):
    """Replace the default checks with `checks`: (rank, measure, operator, threshold)."""
    services.scorecard_seed_defaults(organization=world.org)
    ScorecardCheck.objects.for_org(world.org).delete()
    levels = {lv.rank: lv for lv in ScorecardLevel.objects.for_org(world.org)}
    for i, (rank, measure, op, threshold) in enumerate(checks):
        services.scorecard_check_create(organization=world.org, actor=world.admin.user, level=levels[rank],
                                        name=f"check {i}", measure=measure, operator=op, threshold=threshold)


def _rank(world, pod) -> int:
    return PodLevel.objects.for_org(world.org).get(pod_id=pod.pk, day=timezone.localdate()).rank


def test_a_level_needs_every_check_of_it_and_below(world):
    lessons(world, world.at_risk, 1)
    _only(world, (1, "pods.health_level", "lte", 1),  # not unhealthy
          (2, "knowledge.lessons_90d", "gte", 1),  # shares lessons
          (3, "pods.health_level", "lte", 0))  # healthy
    services.scorecard_evaluate(organization=world.org)
    assert _rank(world, world.unhealthy) == 0  # fails level 1
    assert _rank(world, world.at_risk) == 2  # passes 1 and 2, fails 3
    # Healthy passes levels 1 and 3 but not 2 (no lesson): level 3 does not count.
    assert _rank(world, world.healthy) == 1
    rollup = selectors.scorecard_rollup(organization=world.org)
    assert rollup["none"] == 1 and [lv["pods"] for lv in rollup["levels"]] == [1, 1, 0]
    rates = {c["check"].name: (c["passed"], c["total"]) for c in rollup["checks"]}
    assert rates == {"check 0": (2, 3), "check 1": (1, 3), "check 2": (1, 3)}


def test_a_checks_history(world):
    _only(world, (1, "knowledge.lessons_90d", "gte", 1))
    today = timezone.localdate()
    services.scorecard_evaluate(organization=world.org, today=today - datetime.timedelta(days=7))
    lessons(world, world.healthy, 1)
    services.scorecard_evaluate(organization=world.org, today=today)
    check = ScorecardCheck.objects.for_org(world.org).get()
    history = selectors.check_history(organization=world.org, check=check)
    assert [v for _, v in history["history"]] == [0.0, 33.3]
    assert {f["pod_id"] for f in history["failing"]} == {world.at_risk.pk, world.unhealthy.pk}


def test_evaluating_twice_a_day_replaces_the_day(world):
    services.scorecard_evaluate(organization=world.org)
    services.scorecard_evaluate(organization=world.org)
    assert PodLevel.objects.for_org(world.org).count() == 3


def test_admin_edits_checks_on_the_page_audited(client, world):
    services.scorecard_seed_defaults(organization=world.org)
    level = ScorecardLevel.objects.for_org(world.org).get(rank=2)
    client.force_login(world.admin.user)
    url = f"/o/{world.org.slug}/overview/scorecards/checks/"
    r = client.post(url, {"name": "Two lessons", "level": level.pk, "measure": "knowledge.lessons_90d",
                          "operator": "gte", "threshold": "2", "enabled": "on"})
    assert r.status_code == 302
    check = ScorecardCheck.objects.for_org(world.org).get(name="Two lessons")
    assert AuditEvent.objects.for_org(world.org).filter(action="scorecard_check.created",
                                                        target_id=str(check.pk)).exists()
    r = client.post(f"{url}{check.pk}/", {"name": "Two lessons", "level": level.pk, "measure": "nope",
                                          "operator": "gte", "threshold": "2"})
    assert r.status_code == 400 and b"measure" in r.content
    r = client.post(f"{url}{check.pk}/delete/")
    assert r.status_code == 302 and not ScorecardCheck.objects.for_org(world.org).filter(pk=check.pk).exists()
    assert AuditEvent.objects.for_org(world.org).filter(action="scorecard_check.deleted").exists()


def test_members_cannot_edit_checks(client, world):
    services.scorecard_seed_defaults(organization=world.org)
    level = ScorecardLevel.objects.for_org(world.org).first()
    client.force_login(member(world.org).user)
    r = client.post(f"/o/{world.org.slug}/overview/scorecards/checks/",
                    {"name": "x", "level": level.pk, "measure": "pods.health_level", "operator": "lte", "threshold": 0})
    assert r.status_code == 403
    assert client.get(f"/o/{world.org.slug}/overview/scorecards/checks/").status_code == 200


def test_levels_grow_on_top_and_only_the_top_one_goes(client, world):
    services.scorecard_seed_defaults(organization=world.org)
    client.force_login(world.admin.user)
    base = f"/o/{world.org.slug}/overview/scorecards/levels/"
    assert client.post(base, {"name": "Platinum"}).status_code == 302
    top = ScorecardLevel.objects.for_org(world.org).get(name="Platinum")
    assert top.rank == 4
    bronze = ScorecardLevel.objects.for_org(world.org).get(rank=1)
    r = client.post(f"{base}{bronze.pk}/", {"delete": "1"})
    assert r.status_code == 400 and b"Only the highest level" in r.content
    assert client.post(f"{base}{top.pk}/", {"delete": "1"}).status_code == 302
    assert client.post(f"{base}{bronze.pk}/", {"name": "Starter"}).status_code == 302
    assert ScorecardLevel.objects.for_org(world.org).get(rank=1).name == "Starter"


def test_pages_render(client, world):
    services.scorecard_evaluate(organization=world.org)
    client.force_login(member(world.org).user)
    slug = world.org.slug
    check = ScorecardCheck.objects.for_org(world.org).first()
    for url in (f"/o/{slug}/overview/scorecards/", f"/o/{slug}/overview/scorecards/pods/{world.healthy.pk}/",
                f"/o/{slug}/overview/scorecards/checks/{check.pk}/"):
        assert client.get(url).status_code == 200, url


def test_scorecard_list_has_constant_queries(client, world, django_assert_max_num_queries):
    from tests.dashboards.factories import staffed
    from tests.factories import PodFactory

    services.scorecard_evaluate(organization=world.org)
    client.force_login(world.leader.user)
    url = f"/o/{world.org.slug}/overview/scorecards/"
    with django_assert_max_num_queries(14):
        client.get(url)
    for i in range(10):
        staffed(world.org, PodFactory(organization=world.org, name=f"More {i}"), 3)
    services.scorecard_evaluate(organization=world.org)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
