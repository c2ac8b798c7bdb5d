"""Time: expiry at `end`, windows that pass in the queue, the worker's queue pass, time-based
reclaim with its forecast and the lead's notice, and the beat entries."""

from __future__ import annotations

import pytest

from resources import services
from resources.models import Allocation, AllocationState, LedgerKind
from resources.selectors import pool_state
from tenancy.models import Notification
from tests.resources.helpers import compute_setup, soon

pytestmark = pytest.mark.django_db


def states(org):
    return dict(Allocation.objects.for_org(org).values_list("pk", "state"))


def test_expiry_finishes_at_end_and_rejects_passed_windows(org):
    c = compute_setup(org, unit_cost=1)
    services.budget_set(organization=org, actor=c.admin.user, pod=c.pod_b,
                        quarter=services.quarter_of(soon()), category="compute", amount=1000)
    hog = c.ask(pod=c.pod_b, amount=8, start=0, end=2)
    late = c.ask(amount=2, start=1, end=2)  # waits behind the hog and its window passes
    assert late.state == AllocationState.PENDING
    # Half-open: at exactly `end` it is finished.
    counts = services.compute_tick(organization=org, now=soon(2))
    assert counts["finished"] == 1 and counts["rejected"] == 1
    assert states(org) == {hog.pk: AllocationState.FINISHED, late.pk: AllocationState.REJECTED}
    # The hold was posted in full (8 units × 2 h × 1 credit) and closed: nothing committed.
    kinds = {k: str(a) for k, a in hog.ledger.values_list("kind", "amount")}
    assert kinds == {LedgerKind.HOLD: "16.00", LedgerKind.POST: "16.00"}
    assert services.compute_tick(organization=org, now=soon(2)) == {
        "finished": 0, "rejected": 0, "reclaimed": 0, "admitted": 0, "notified": 0}  # safe to run twice


def test_worker_admits_the_queue_when_capacity_frees(org):
    c = compute_setup(org)
    c.ask(pod=c.pod_b, amount=8, start=0, end=2)
    waiting = c.ask(amount=4, start=0, end=4)
    assert waiting.state == AllocationState.PENDING
    counts = services.compute_tick(organization=org, now=soon(2))
    waiting.refresh_from_db()
    assert counts["admitted"] == 1 and waiting.state == AllocationState.ADMITTED
    assert waiting.start == soon(2)  # admitted for what remains of its window


def test_future_reservation_reclaims_at_its_start_with_forecast_and_notice(org):
    c = compute_setup(org)
    own = c.ask(pod=c.pod_b, amount=4, start=0, end=48)
    borrowed = c.ask(pod=c.pod_b, amount=4, start=0, end=48)
    assert borrowed.borrowed == 4
    # A reserves its nominal from hour 30: B's borrowed allocation keeps running until then.
    mine = c.ask(amount=4, start=30, end=40)
    assert mine.state == AllocationState.ADMITTED
    borrowed.refresh_from_db()
    assert borrowed.state == AllocationState.ADMITTED and borrowed.reclaim_at == soon(30)
    assert borrowed.preempted_by_id == mine.pk
    # Limits hold at every instant: the engine sees B's allocation only until the reclaim.
    state = pool_state(org, c.pool)
    assert next(h for h in state.held if h.id == borrowed.pk).end == soon(30)
    # No notice 25 h ahead, one notice within 24 h (once), to B's lead.
    services.compute_tick(organization=org, now=soon(5))
    assert not Notification.objects.for_org(org).filter(kind="resources.reclaim_forecast").exists()
    services.compute_tick(organization=org, now=soon(7))
    services.compute_tick(organization=org, now=soon(8))
    notes = Notification.objects.for_org(org).filter(kind="resources.reclaim_forecast")
    assert [n.user_id for n in notes] == [c.lead_b.user_id]
    # At hour 30 the worker preempts it and requeues it; the history names who and why.
    counts = services.compute_tick(organization=org, now=soon(30))
    borrowed.refresh_from_db()
    own.refresh_from_db()
    assert counts["reclaimed"] == 1 and borrowed.state == AllocationState.PREEMPTED
    assert own.state == AllocationState.ADMITTED  # B is never pushed below its nominal
    last = borrowed.events.order_by("-at", "-id").first()
    assert last.by_allocation_id == mine.pk and f"#{mine.pk}" in last.reason
    # When A's reservation ends, the worker admits B's requeued allocation for the rest.
    services.compute_tick(organization=org, now=soon(40))
    borrowed.refresh_from_db()
    assert (borrowed.state, borrowed.start) == (AllocationState.ADMITTED, soon(40))


def test_reservation_that_starts_now_preempts_at_once(org):
    c = compute_setup(org)
    c.ask(pod=c.pod_b, amount=4, start=-30, end=10)
    borrowed = c.ask(pod=c.pod_b, amount=4, start=-30, end=10)
    mine = c.ask(amount=1, start=-30, end=5)
    borrowed.refresh_from_db()
    assert borrowed.state == AllocationState.PREEMPTED and borrowed.preempted_by_id == mine.pk


def test_beat_schedules_the_tick_and_the_nightly_recompute():
    from config.celery import app

    tasks = {e["task"] for e in app.conf.beat_schedule.values()}
    assert {"resources.tasks.compute_tick_all", "resources.tasks.capacity_recompute_all"} <= tasks
    assert app.conf.beat_schedule["resources-compute-tick"]["schedule"] == 60


def test_tick_task_runs_for_every_org_with_pools(org):
    from resources.tasks import compute_tick_all, compute_tick_task

    compute_setup(org)
    compute_tick_all.delay()
    assert compute_tick_task(org.pk)["finished"] == 0
    assert compute_tick_task(10**9) is None
