"""Decision rights as an admission check: "Spend on compute" above the matrix's band waits for a
person; approval admits (or queues), rejection cancels."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance.models import Escalation
from governance.services.escalations import escalation_decide
from governance.services.matrix import governance_seed_defaults
from resources.models import AllocationState
from tests.factories import member
from tests.resources.helpers import compute_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(org):
    governance_seed_defaults(organization=org)  # low risk: spend below 10,000 the pod decides
    return compute_setup(org, unit_cost=Decimal("1000"))


def test_cheap_requests_are_admitted_expensive_ones_wait_for_a_leader(org, c):
    leader = member(org, "leader")
    cheap = c.ask(amount=1, start=0, end=2)  # 2,000 credits: tier 1, the pod decides
    assert cheap.state == AllocationState.ADMITTED and cheap.escalation_id is None
    big = c.ask(amount=3, start=0, end=4)  # 12,000 credits: tier 3
    assert big.state == AllocationState.NEEDS_APPROVAL and "12000.00 credits needs approval" in big.reason
    esc = Escalation.objects.for_org(org).get(pk=big.escalation_id)
    assert esc.amount == Decimal("12000.00") and list(esc.approvers.all()) == [leader]
    escalation_decide(organization=org, actor=leader.user, escalation=esc, outcome="approved", note="go")
    big.refresh_from_db()
    assert big.state == AllocationState.ADMITTED


def test_approval_queues_when_the_capacity_has_gone_and_rejection_cancels(org, c):
    leader = member(org, "leader")
    big = c.ask(amount=4, start=0, end=4)  # 16,000 credits: waits for the leader
    assert big.state == AllocationState.NEEDS_APPROVAL
    c.ask(amount=4, start=0, end=2)  # meanwhile A's own cheaper request takes its nominal...
    c.ask(pod=c.pod_b, amount=4, start=0, end=2)  # ...and B uses all of its own: nothing to lend
    escalation_decide(organization=org, actor=leader.user,
                      escalation=Escalation.objects.for_org(org).get(pk=big.escalation_id), outcome="approved")
    big.refresh_from_db()
    assert big.state == AllocationState.PENDING and "Waiting for capacity" in big.reason
    other = c.ask(amount=4, start=5, end=9)
    escalation_decide(organization=org, actor=leader.user,
                      escalation=Escalation.objects.for_org(org).get(pk=other.escalation_id),
                      outcome="rejected", note="Use the spot pool.")
    other.refresh_from_db()
    assert other.state == AllocationState.CANCELLED and "Use the spot pool" in other.reason
