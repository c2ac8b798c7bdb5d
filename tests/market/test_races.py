"""Concurrent accepts over HTTP: the monthly capacity is never overbooked, and one request
accepted twice at once is accepted once (the other a 409), never a 500."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from resources.market.models import BOOKED_STATES, ServiceRequest
from resources.models import LedgerEntry, LedgerKind
from tests.api.helpers import client_for, url
from tests.hardening.test_races import _race
from tests.market.helpers import market_setup

pytestmark = pytest.mark.django_db(transaction=True)


def _accept(m, r):
    return lambda: client_for(m.provider_lead).post(url(m.org, "market_api:service-request-accept", pk=r.pk),
                                                   {}, format="json")


def test_a_burst_of_accepts_never_exceeds_the_monthly_capacity(org):
    m = market_setup(org, price="10", capacity=5, budget="100000")
    requests = [m.ask(1) for _ in range(12)]
    responses = _race([_accept(m, r) for r in requests])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 5 + [409] * 7, [(r.status_code, r.content[:200]) for r in responses]
    assert all("full for" in r.json()["detail"] for r in responses if r.status_code == 409)
    booked = ServiceRequest.objects.for_org(org).filter(state__in=BOOKED_STATES).aggregate(n=Sum("quantity"))["n"]
    assert booked == 5
    assert LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.HOLD).count() == 5


def test_one_request_accepted_twice_at_once_is_accepted_once(org):
    m = market_setup(org, price="10")
    r = m.ask(2)
    responses = _race([_accept(m, r) for _ in range(6)])
    codes = sorted(x.status_code for x in responses)
    assert codes == [200] + [409] * 5, codes
    assert all("accepted: it cannot be accepted now" in x.json()["detail"] for x in responses if x.status_code == 409)
    assert LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.HOLD).count() == 1


def test_cancel_racing_delivery_settles_the_hold_once(org):
    m = market_setup(org, price="10")
    r = m.move(m.ask(2), "accept")
    deliver = lambda: client_for(m.provider_lead).post(  # noqa: E731
        url(org, "market_api:service-request-deliver", pk=r.pk), {}, format="json")
    cancel = lambda: client_for(m.requester_lead).post(  # noqa: E731
        url(org, "market_api:service-request-cancel", pk=r.pk), {}, format="json")
    codes = sorted(x.status_code for x in _race([deliver, cancel, deliver, cancel]))
    assert codes == [200, 409, 409, 409], codes
    settled = LedgerEntry.objects.for_org(org).filter(kind__in=[LedgerKind.POST, LedgerKind.VOID])
    assert settled.aggregate(s=Sum("amount"))["s"] == 20 and settled.count() == 1
