"""Usage pushed through the API: posted on the allocation's compute hold, idempotent, and the
metered truth at its end (the rest of the hold is voided instead of posting the estimate)."""

from __future__ import annotations

import pytest

from resources import services
from resources.models import LedgerEntry, LedgerKind
from tests.api.helpers import client_for, error_fields, url
from tests.factories import member
from tests.resources.helpers import compute_setup, soon

pytestmark = pytest.mark.django_db


def push(m, a, **data):
    return client_for(m).post(url(a.organization, "resources_api:allocation-usage", pk=a.pk), data, format="json")


def ledger(a):
    return [(k, str(v)) for k, v in LedgerEntry.objects.for_org(a.organization).filter(allocation=a)
            .order_by("id").values_list("kind", "amount")]


@pytest.fixture
def running(org):
    c = compute_setup(org, unit_cost=1)
    for pod in (c.pod_a, c.pod_b):
        services.budget_set(organization=org, actor=c.admin.user, pod=pod, quarter=services.quarter_of(soon()),
                            category="compute", amount=1000)
    return c, c.ask(amount=2, start=0, end=4)  # holds 2 × 4 h × 1 credit


def test_pushed_usage_is_posted_once_and_the_end_voids_the_rest(running):
    c, a = running
    first = push(c.lead_a, a, amount="3.00", idempotency_key="meter-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["kind"], body["amount"], body["allocation"]) == ("post", "3.00", a.pk)
    again = push(c.lead_a, a, amount="3.00", idempotency_key="meter-1")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    r = push(c.lead_a, a, amount=6)
    assert r.status_code == 400 and error_fields(r) == {"amount"} and "Only 5.00 credits remain" in r.content.decode()
    services.allocation_release(organization=c.org, actor=c.lead_a.user, allocation=a)
    assert ledger(a) == [(LedgerKind.HOLD, "8.00"), (LedgerKind.POST, "3.00"), (LedgerKind.VOID, "5.00")]
    r = push(c.lead_a, a, amount=1)
    assert r.status_code == 400 and error_fields(r) == {"state"}


def test_only_the_pods_lead_or_an_admin_push_usage(running):
    c, a = running
    assert push(c.lead_b, a, amount=1).status_code == 404  # another pod's allocation is not visible
    assert push(member(c.org), a, amount=1).status_code == 404
    assert push(member(c.org, "leader"), a, amount=1).status_code == 403  # reads everything, writes nothing
    assert push(c.admin, a, amount=1).status_code == 201


@pytest.mark.parametrize("data,field", [
    ({"amount": 0}, "amount"), ({"amount": -2}, "amount"), ({"amount": "x"}, "amount"), ({}, "amount"),
    ({"amount": 10**13}, "amount"), ({"amount": 1, "idempotency_key": "k" * 101}, "idempotency_key"),
])
def test_bad_input_is_a_400_naming_the_field_and_posts_nothing(running, data, field):
    c, a = running
    r = push(c.lead_a, a, **data)
    assert r.status_code == 400 and field in error_fields(r)
    assert ledger(a) == [(LedgerKind.HOLD, "8.00")]


def test_no_hold_a_queued_allocation_or_a_key_of_another_allocation_is_a_400(running):
    c, a = running
    free = compute_setup(c.org, name="Spare", unit_cost=0).pool  # no cost: no hold
    b = services.allocation_request(organization=c.org, actor=c.lead_a.user, pod=c.pod_a, pool=free, amount=1,
                                    start=soon(0), end=soon(2))
    r = push(c.lead_a, b, amount=1)
    assert r.status_code == 400 and error_fields(r) == {"amount"} and "no open compute hold" in r.content.decode()
    waiting = c.ask(amount=8, start=0, end=4)  # the pool is not free for 8: it waits
    r = push(c.lead_a, waiting, amount=1)
    assert r.status_code == 400 and error_fields(r) == {"state"}
    assert push(c.lead_a, a, amount=1, idempotency_key="k-9").status_code == 201
    r = push(c.lead_a, b, amount=1, idempotency_key="k-9")
    assert r.status_code == 400 and error_fields(r) == {"idempotency_key"}
