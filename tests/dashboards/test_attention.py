"""The attention queue: one list, most overdue first, each item linking to where it is acted on."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dashboards import selectors
from dashboards.periods import Period
from dashboards.services import facets_refresh
from governance.models import Escalation
from pods.models import Assignment
from tests.dashboards.factories import staffed
from tests.factories import PodFactory, member, role
from tests.governance.helpers import file

pytestmark = pytest.mark.django_db


def _past_sla(world, hours_overdue: float, title: str) -> Escalation:
    esc = file(world.org, world.lead, title=title)
    Escalation.objects.for_org(world.org).filter(pk=esc.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=hours_overdue))
    return esc


def _queue(world, membership=None, **dims):
    today = timezone.localdate()
    filters = selectors.Filters(Period(today, today), dims)
    return selectors.attention_queue(organization=world.org, membership=membership or world.leader,
                                     filters=filters)


def test_most_overdue_first_across_sources(world):
    _past_sla(world, 72, "Three days late")
    _past_sla(world, 1, "An hour late")
    # The unhealthy pod's lead left ten days ago.
    lead_gone = timezone.localdate() - datetime.timedelta(days=10)
    Assignment.objects.create(organization=world.org, pod=world.unhealthy, person=world.lead[1],
                              role=role(world.org, "pod_lead"), allocation_percent=20,
                              start_date=lead_gone - datetime.timedelta(days=60), end_date=lead_gone)
    rows = _queue(world)
    assert [r.item.title for r in rows] == ["Unhealthy pod is unhealthy", "Three days late", "An hour late"]
    assert rows[0].item.url == f"/o/{world.org.slug}/pods/{world.unhealthy.pk}/"
    assert rows[1].item.url.endswith(f"/governance/escalations/{rows[1].item.url.rstrip('/').split('/')[-1]}/")
    assert rows[0].overdue > rows[1].overdue > rows[2].overdue


def test_a_member_sees_only_escalations_they_may_open(world):
    _past_sla(world, 5, "Late")
    outsider = member(world.org)
    assert [r.item.source for r in _queue(world, outsider)] == ["pods_at_risk"]
    assert {r.item.source for r in _queue(world, world.lead[0])} == {"pods_at_risk", "escalations_past_sla"}


def test_filters_keep_the_chosen_pods(world):
    _past_sla(world, 5, "Late")  # filed for the healthy pod, sponsored by world.leader
    facets_refresh(organization=world.org)
    assert {r.item.source for r in _queue(world, sponsor=str(world.other_sponsor.pk))} == set()
    assert {r.item.pod_id for r in _queue(world, sponsor=str(world.leader.pk))} == {
        world.healthy.pk, world.unhealthy.pk}


def test_constant_queries(world, django_assert_max_num_queries):
    _past_sla(world, 5, "Late")
    with django_assert_max_num_queries(8):
        _queue(world)
    for i in range(6):
        staffed(world.org, PodFactory(organization=world.org, name=f"Leaderless {i}"), 3)
        _past_sla(world, 2 + i, f"Late {i}")
    with django_assert_max_num_queries(8):
        assert len(_queue(world)) >= 13


def test_a_decision_leaves_the_cached_queue_at_once(world):
    from governance.services.escalations import escalation_decide

    esc = _past_sla(world, 5, "Late")
    assert "Late" in [r.item.title for r in _queue(world)]
    escalation_decide(organization=world.org, actor=world.leader.user, escalation=esc, outcome="approved")
    assert "Late" not in [r.item.title for r in _queue(world)]


def test_a_new_snapshot_replaces_the_cached_tiles(world):
    from dashboards.services import snapshot_recompute
    from tests.dashboards.factories import lessons

    today = timezone.localdate()
    filters = selectors.Filters(Period(today, today))
    snapshot_recompute(organization=world.org)
    knowledge = {t.key: t for t in selectors.overview_tiles(organization=world.org, membership=world.leader,
                                                            filters=filters)}["knowledge_flow"]
    assert knowledge.figures[0].value == 0
    lessons(world, world.healthy, 2)
    snapshot_recompute(organization=world.org)
    knowledge = {t.key: t for t in selectors.overview_tiles(organization=world.org, membership=world.leader,
                                                            filters=filters)}["knowledge_flow"]
    assert knowledge.figures[0].value == 2
