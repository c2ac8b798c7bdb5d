"""A lender that releases its reservation before a time-based reclaim calls the reclaim off,
unless the capacity the borrower would keep has gone to someone else meanwhile."""

from __future__ import annotations

import pytest

from resources import services
from resources.models import Allocation, AllocationState
from tenancy.models import AuditEvent, Notification
from tests.api.helpers import client_for, url
from tests.resources.helpers import compute_setup, soon

pytestmark = pytest.mark.django_db


def _b_borrows_all_and_a_reserves(c, amount):
    own = c.ask(pod=c.pod_b, amount=4, start=0, end=48)
    borrowed = c.ask(pod=c.pod_b, amount=4, start=0, end=48)
    mine = c.ask(amount=amount, start=30, end=40)
    borrowed.refresh_from_db()
    assert (borrowed.preempted_by_id, borrowed.reclaim_at) == (mine.pk, soon(30))
    return own, borrowed, mine


def test_release_before_the_reclaim_calls_it_off_and_tells_the_warned_lead(org):
    c = compute_setup(org)
    _own, borrowed, mine = _b_borrows_all_and_a_reserves(c, 4)
    services.compute_tick(organization=org, now=soon(7))  # B's lead is warned (24 h notice)
    assert Notification.objects.for_org(org).filter(kind="resources.reclaim_forecast").count() == 1
    r = client_for(c.lead_a).post(url(org, "resources_api:allocation-release", pk=mine.pk), format="json")
    assert r.status_code == 200 and r.json()["state"] == "released"
    borrowed.refresh_from_db()
    assert borrowed.state == AllocationState.ADMITTED
    assert (borrowed.preempted_by_id, borrowed.reclaim_at, borrowed.reclaim_notified_at) == (None, None, None)
    assert "called off" in borrowed.events.order_by("-id").first().reason
    assert AuditEvent.objects.for_org(org).filter(action="allocation.reclaim_called_off",
                                                  target_id=str(borrowed.pk)).count() == 1
    note = Notification.objects.for_org(org).get(kind="resources.reclaim_called_off")
    assert note.user_id == c.lead_b.user_id and f"#{borrowed.pk}" in note.title
    # At hour 30 nothing is reclaimed: B keeps its whole window.
    assert services.compute_tick(organization=org, now=soon(30))["reclaimed"] == 0
    borrowed.refresh_from_db()
    assert borrowed.state == AllocationState.ADMITTED


def test_reclaim_stands_when_the_capacity_went_elsewhere(org):
    c = compute_setup(org)
    _own, borrowed, mine = _b_borrows_all_and_a_reserves(c, 2)  # B's 4 are reclaimed whole, 2 are spare
    other = c.ask(amount=2, start=30, end=40)  # A takes the spare 2 within its nominal
    assert other.state == AllocationState.ADMITTED
    services.allocation_release(organization=org, actor=c.lead_a.user, allocation=mine)
    borrowed.refresh_from_db()
    # Keeping 4 from hour 30 would overbook beside B's own 4 and A's other 2: the reclaim stands.
    assert (borrowed.preempted_by_id, borrowed.reclaim_at) == (mine.pk, soon(30))
    assert services.compute_tick(organization=org, now=soon(30))["reclaimed"] == 1
    borrowed.refresh_from_db()
    assert borrowed.state == AllocationState.PREEMPTED
    assert not Notification.objects.for_org(org).filter(kind="resources.reclaim_called_off").exists()
    assert Allocation.objects.for_org(org).filter(state=AllocationState.ADMITTED, pod=c.pod_a).count() == 1
