"""The attention queue: one list, most overdue first, each item linking to where it is acted on.
It is read from a snapshot of every registered source (`dashboards.attention_services`), so the
tests refresh it the way a worker does: explicitly, or by running the write's on-commit work."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dashboards import selectors
from dashboards.attention_services import HORIZON, attention_refresh, attention_scopes
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


def _queue(world, membership=None, now=None, **dims):
    today = timezone.localdate()
    filters = selectors.Filters(Period(today, today), dims)
    return selectors.attention_queue(organization=world.org, membership=membership or world.leader,
                                     filters=filters, now=now)


def test_most_overdue_first_across_sources(world):
    _past_sla(world, 72, "Three days late")
    _past_sla(world, 1, "An hour late")
    # The unhealthy pod's lead left ten days ago.
    lead_gone = timezone.localdate() - datetime.timedelta(days=10)
    Assignment.objects.create(organization=world.org, pod=world.unhealthy, person=world.lead[1],
                              role=role(world.org, "pod_lead"), allocation_percent=20,
                              start_date=lead_gone - datetime.timedelta(days=60), end_date=lead_gone)
    attention_refresh(organization=world.org)
    rows = _queue(world)
    assert [r.item.title for r in rows] == ["Unhealthy pod is unhealthy", "Three days late", "An hour late"]
    assert rows[0].item.url == f"/o/{world.org.slug}/pods/{world.unhealthy.pk}/"
    assert rows[1].item.url.endswith(f"/governance/escalations/{rows[1].item.url.rstrip('/').split('/')[-1]}/")
    assert rows[0].overdue > rows[1].overdue > rows[2].overdue


def test_a_member_sees_only_escalations_they_may_open(world):
    _past_sla(world, 5, "Late")
    attention_refresh(organization=world.org)
    outsider = member(world.org)
    assert [r.item.source for r in _queue(world, outsider)] == ["pods_at_risk"]
    # The healthy pod's lead filed it: they see it, as they may open it.
    assert {r.item.source for r in _queue(world, world.lead[0])} == {"pods_at_risk", "escalations_past_sla"}


def test_an_approver_routed_to_sees_the_escalation(world):
    esc = _past_sla(world, 5, "Late")
    approver = member(world.org)
    esc.approvers.add(approver)
    attention_refresh(organization=world.org)
    assert "Late" in [r.item.title for r in _queue(world, approver)]


def test_filters_keep_the_chosen_pods(world):
    _past_sla(world, 5, "Late")  # filed for the healthy pod, sponsored by world.leader
    facets_refresh(organization=world.org)
    attention_refresh(organization=world.org)
    assert {r.item.source for r in _queue(world, sponsor=str(world.other_sponsor.pk))} == set()
    assert {r.item.pod_id for r in _queue(world, sponsor=str(world.leader.pk))} == {
        world.healthy.pk, world.unhealthy.pk}


def test_one_query_whatever_the_sources_and_the_size(world, django_assert_max_num_queries):
    _past_sla(world, 5, "Late")
    facets_refresh(organization=world.org)
    attention_refresh(organization=world.org)
    for membership in (world.leader, world.lead[0]):
        with django_assert_max_num_queries(1):
            assert _queue(world, membership)
        with django_assert_max_num_queries(1):
            assert _queue(world, membership, sponsor=str(world.leader.pk))
    for i in range(6):
        staffed(world.org, PodFactory(organization=world.org, name=f"Leaderless {i}"), 3)
        _past_sla(world, 2 + i, f"Late {i}")
    attention_refresh(organization=world.org)
    with django_assert_max_num_queries(1):
        assert len(_queue(world)) >= 13


def test_a_decision_leaves_the_queue_after_its_commit(world, django_capture_on_commit_callbacks):
    """No stale read: the decision's commit refreshes the snapshot (the task is eager in tests)."""
    from governance.services.escalations import escalation_decide

    esc = _past_sla(world, 5, "Late")
    attention_refresh(organization=world.org)
    before = _queue(world)
    assert "Late" in [r.item.title for r in before]
    with django_capture_on_commit_callbacks(execute=True):
        escalation_decide(organization=world.org, actor=world.leader.user, escalation=esc, outcome="approved")
    after = _queue(world)
    assert "Late" not in [r.item.title for r in after]
    assert after.as_of > before.as_of


def test_time_passing_needs_no_refresh_within_the_horizon(world, django_assert_max_num_queries):
    """An escalation falling due 10 minutes after the snapshot shows 10 minutes later, unrefreshed."""
    esc = file(world.org, world.lead, title="Due soon")
    now = timezone.now()
    Escalation.objects.for_org(world.org).filter(pk=esc.pk).update(due_at=now + datetime.timedelta(minutes=10))
    attention_refresh(organization=world.org, now=now)
    assert "Due soon" not in [r.item.title for r in _queue(world, now=now)]
    later = now + datetime.timedelta(minutes=11)
    with django_assert_max_num_queries(1):
        rows = _queue(world, now=later)
    assert "Due soon" in [r.item.title for r in rows] and rows.as_of == now


def test_a_snapshot_past_its_horizon_is_refreshed_on_read(world):
    """With no worker running (the embedded default without beat), a read does not serve a
    snapshot older than its horizon."""
    now = timezone.now()
    attention_refresh(organization=world.org, now=now - HORIZON - datetime.timedelta(minutes=1))
    _past_sla(world, 1, "Late")
    rows = _queue(world, now=now)
    assert "Late" in [r.item.title for r in rows] and rows.as_of == now


def test_no_snapshot_yet_is_computed_on_first_read(world):
    _past_sla(world, 1, "Late")
    rows = _queue(world)
    assert "Late" in [r.item.title for r in rows] and rows.as_of is not None


def test_every_source_names_the_scopes_that_refresh_it():
    """Writes refresh the snapshot only when they touch what a source reads; every source says what."""
    from tenancy.registry import registry

    keys = {s.key for s in registry.attention.all()}
    assert {"escalations_past_sla", "signals_waiting", "contract_breaches", "reclaims_upcoming",
            "pods_at_risk", "outcomes_stale", "staffing_past_start"} <= keys
    scopes = attention_scopes()
    assert scopes is not None and {"escalations", "strategy", "compute", "catalog", "bench", "pods"} <= scopes
    assert "lesson_feedback" not in scopes


def test_a_write_elsewhere_queues_one_refresh_and_an_unrelated_one_none(world, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    from celery import current_app

    from tenancy.cache import LESSON_FEEDBACK, STRATEGY
    from tenancy.writes import org_write

    sent = []
    task = current_app.tasks["dashboards.tasks.attention_refresh_task"]
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)  # a worker runs the tasks
    monkeypatch.setattr(task, "apply_async", lambda args, countdown=None: sent.append((args, countdown)))
    with django_capture_on_commit_callbacks(execute=True):
        with org_write(world.org, None, LESSON_FEEDBACK):
            pass
    assert sent == []
    for _ in range(3):  # debounced: one queued run until it starts
        with django_capture_on_commit_callbacks(execute=True):
            with org_write(world.org, None, STRATEGY):
                pass
    assert len(sent) == 1 and sent[0][0] == (world.org.pk,)


def test_beat_refreshes_the_queue_within_its_horizon():
    from config.celery import app

    entry = app.conf.beat_schedule["dashboards-attention-refresh"]
    assert entry["task"] == "dashboards.tasks.attention_refresh_all"
    assert datetime.timedelta(seconds=entry["schedule"]) < HORIZON


# --- The sources that strategy and resources contribute ----------------------------------------------


def test_signals_past_their_triage_sla_wait_for_those_who_triage(world):
    from strategy.models import Signal
    from tests.strategy.test_signals import pod_member, raise_

    m, pod = pod_member(world.org)
    late = raise_(world.org, m, pod, "Competitor launched a churn prediction product")
    raise_(world.org, m, pod, "GPU prices are rising fast", kind="observation")  # still within its SLA
    Signal.objects.for_org(world.org).filter(pk=late.pk).update(
        triage_due_at=timezone.now() - datetime.timedelta(hours=5))
    attention_refresh(organization=world.org)
    rows = [r for r in _queue(world) if r.item.source == "signals_waiting"]
    assert [r.item.title for r in rows] == ["Signal waiting for triage: Competitor launched a churn prediction product"]
    assert rows[0].source_label == "Signals waiting for triage" and rows[0].item.url.endswith(f"/signals/{late.pk}/")
    assert datetime.timedelta(hours=5) <= rows[0].overdue < datetime.timedelta(hours=6)
    assert not [r for r in _queue(world, member(world.org)) if r.item.source == "signals_waiting"]


def test_an_outcome_gone_stale_waits_until_a_reading_arrives(world, django_capture_on_commit_callbacks):
    from strategy.services import measurement_record
    from tests.strategy.factories import outcome, theme

    start = timezone.localdate() - datetime.timedelta(days=40)
    o = outcome(world.org, theme(world.org, world.leader), pod=world.healthy, start_date=start,
                due_date=start + datetime.timedelta(days=120), cadence_days=7)
    fresh = outcome(world.org, theme(world.org, world.leader, title="Cut costs"), pod=world.healthy,
                    metric="Cost per call", start_date=timezone.localdate(),
                    due_date=timezone.localdate() + datetime.timedelta(days=90), cadence_days=7)
    attention_refresh(organization=world.org)
    rows = [r for r in _queue(world) if r.item.source == "outcomes_stale"]
    assert [r.item.title for r in rows] == ["90-day retention: no reading within 7 days"]
    assert rows[0].item.url.endswith(f"/outcomes/{o.pk}/") and rows[0].item.pod_id == world.healthy.pk
    # Never measured: stale from the first midnight more than a cadence after its start.
    assert rows[0].item.due_at.date() == start + datetime.timedelta(days=8)
    assert fresh.pk  # within its first cadence: not stale
    with django_capture_on_commit_callbacks(execute=True):
        measurement_record(organization=world.org, actor=None, outcome=o, value=72.0)
    assert not [r for r in _queue(world) if r.item.source == "outcomes_stale"]


def test_a_reclaim_shows_from_its_notice_to_leaders_and_the_borrowing_pods_lead(org):
    from dashboards.attention_services import attention_refresh as refresh
    from resources.selectors import reclaim_notice
    from tests.resources.helpers import compute_setup

    c = compute_setup(org)
    c.ask(pod=c.pod_b, amount=4, start=0, end=48)
    borrowed = c.ask(pod=c.pod_b, amount=4, start=0, end=48)
    c.ask(amount=4, start=30, end=40)  # A reserves its nominal back: B's borrowed 4 are reclaimed then
    borrowed.refresh_from_db()
    at = borrowed.reclaim_at
    assert at is not None
    leader = member(org, "leader")

    def queue(membership, now):
        refresh(organization=org, now=now)
        return [r for r in selectors.attention_queue(organization=org, membership=membership, now=now)
                if r.item.source == "reclaims_upcoming"]

    assert queue(leader, at - reclaim_notice() - HORIZON - datetime.timedelta(hours=1)) == []
    rows = queue(leader, at - datetime.timedelta(hours=2))
    assert len(rows) == 1 and rows[0].item.url.endswith(f"/allocations/{borrowed.pk}/")
    assert rows[0].overdue == -datetime.timedelta(hours=2)  # due in two hours: after what is overdue
    assert len(queue(c.lead_b, at - datetime.timedelta(hours=2))) == 1
    assert queue(c.lead_a, at - datetime.timedelta(hours=2)) == []  # A's lead may not open B's allocation
    assert queue(member(org), at - datetime.timedelta(hours=2)) == []


def test_staffing_past_start_shows_from_the_next_midnight(world):
    """A request needed from today is not late yet; from tomorrow's midnight it is, overdue since today."""
    from bench.models import StaffingRequest
    from tests.bench.factories import file_request, skill

    req = file_request(world.org, world.at_risk, {skill(world.org, "Python"): 3}, actor=world.lead[0].user)
    today = timezone.localdate()
    StaffingRequest.objects.for_org(world.org).filter(pk=req.pk).update(start_date=today)
    midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min,
                                         tzinfo=timezone.get_current_timezone())
    attention_refresh(organization=world.org, now=midnight - datetime.timedelta(minutes=20))
    assert not [r for r in _queue(world, now=midnight - datetime.timedelta(minutes=1))
                if r.item.source == "staffing_past_start"]
    rows = [r for r in _queue(world, now=midnight + datetime.timedelta(minutes=1))
            if r.item.source == "staffing_past_start"]
    assert [r.item.pod_id for r in rows] == [world.at_risk.pk]
    assert rows[0].overdue == datetime.timedelta(days=1, minutes=1)


def test_how_late_or_how_soon_reads():
    from dashboards.templatetags.dashboards import due_in, overdue

    assert overdue(datetime.timedelta(minutes=20)) == "under 1 h"
    assert overdue(datetime.timedelta(hours=5)) == "5 h" and overdue(datetime.timedelta(days=3)) == "3 days"
    assert due_in(-datetime.timedelta(hours=9, minutes=10)) == "9 h"


def test_with_no_worker_a_write_marks_the_snapshot_and_the_next_read_refreshes(
        world, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    """The embedded default runs tasks in-process: the write pays one UPDATE, not a refresh."""
    from dashboards.models import AttentionSnapshot
    from tenancy.cache import ESCALATIONS
    from tenancy.writes import org_write

    attention_refresh(organization=world.org)
    _past_sla(world, 2, "Late")  # (a bulk update: no write hook)
    assert "Late" not in [r.item.title for r in _queue(world)]
    with django_capture_on_commit_callbacks() as callbacks:
        with org_write(world.org, None, ESCALATIONS):
            pass
    with django_assert_max_num_queries(1):
        for callback in callbacks:
            callback()
    assert AttentionSnapshot.objects.for_org(world.org).get().valid_until <= timezone.now()
    assert "Late" in [r.item.title for r in _queue(world)]
