"""Admission routes by the decision-rights matrix cached for it (governance.routing_selectors): no
matrix query while the matrix and the members' roles are unchanged, and never an old matrix or an
old approver list after a write to either has committed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import DecisionTier, DecisionType, RiskTier
from governance.services.matrix import governance_seed_defaults, matrix_cell_set, matrix_publish
from resources.models import AllocationState
from resources.selectors import request_preview
from tenancy import services as tenancy_services
from tests.factories import member
from tests.resources.helpers import compute_setup, soon

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(org, django_capture_on_commit_callbacks):
    """Every write of these tests inside `django_capture_on_commit_callbacks(execute=True)`, which
    stands for its commit (a write left uncommitted keeps what it reads out of the cache)."""
    with django_capture_on_commit_callbacks(execute=True):
        governance_seed_defaults(organization=org)  # low risk: spend below 10,000 the pod decides
        return compute_setup(org, unit_cost=Decimal("1000"))


def _ask(c, committed, **kw):
    """An admission whose write commits (so the matrix read inside it is cached afterwards)."""
    with committed(execute=True), CaptureQueriesContext(connection) as ctx:
        a = c.ask(**kw)
    matrix_reads = [q["sql"] for q in ctx.captured_queries
                    if any(t in q["sql"] for t in ("governance_decisiontype", "governance_risktier",
                                                   "governance_matrixversion", "governance_decisiontier"))]
    return a, matrix_reads, len(ctx.captured_queries)


def test_a_second_admission_reads_no_matrix_row(org, c, django_capture_on_commit_callbacks):
    first, reads, _ = _ask(c, django_capture_on_commit_callbacks, amount=1, start=0, end=1)
    assert first.state == AllocationState.ADMITTED and reads  # read live inside the write
    second, reads, _ = _ask(c, django_capture_on_commit_callbacks, amount=1, start=2, end=3)
    assert second.state == AllocationState.ADMITTED and reads == []


def test_a_published_matrix_change_routes_the_next_admission(org, c, django_capture_on_commit_callbacks):
    admin = c.admin.user
    _ask(c, django_capture_on_commit_callbacks, amount=1, start=0, end=1)
    cheap, reads, _ = _ask(c, django_capture_on_commit_callbacks, amount=1, start=1, end=2)
    assert cheap.state == AllocationState.ADMITTED and reads == []  # cached: 1,000 credits, the pod decides
    spend = DecisionType.objects.for_org(org).get(key="compute_spend")
    low = RiskTier.objects.for_org(org).order_by("rank").first()
    leaders = DecisionTier.objects.for_org(org).get(level=3)
    with django_capture_on_commit_callbacks(execute=True):
        matrix_cell_set(organization=org, actor=admin, decision_type=spend, risk_tier=low,
                        bands=[(None, None, leaders)])  # every spend: a leader decides
        matrix_publish(organization=org, actor=admin)
    now_approved, reads, _ = _ask(c, django_capture_on_commit_callbacks, amount=1, start=2, end=3)
    assert now_approved.state == AllocationState.NEEDS_APPROVAL and reads


def test_a_role_change_reaches_the_approvers_the_next_preview_names(org, c, django_capture_on_commit_callbacks):
    """The preview (shown while a request is typed) reads the same cached matrix outside any write."""
    leader = member(org, "leader")

    def preview() -> dict:
        return request_preview(organization=org, pod=c.pod_a, pool=c.pool, amount=3, start=soon(0), end=soon(4))

    assert preview()["approvers"] == [leader]  # 12,000 credits: tier 3, the leaders
    with CaptureQueriesContext(connection) as ctx:
        assert preview()["approvers"] == [leader]
    assert not any("governance_" in q["sql"] for q in ctx.captured_queries)
    promoted = member(org, "member")
    with django_capture_on_commit_callbacks(execute=True):
        tenancy_services.membership_change_role(organization=org, actor=c.admin.user, membership=promoted,
                                                role="leader")
    assert preview()["approvers"] == [leader, promoted]
