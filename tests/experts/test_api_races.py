"""Two bookings of one slot sent at the same moment: exactly one 201 and one 409, one row."""

from __future__ import annotations

import pytest

from resources.experts.models import Booking
from tests.api.helpers import client_for, url
from tests.experts.helpers import experts_setup, slot_at
from tests.factories import PodFactory, pod_lead
from tests.hardening.test_races import _race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_bookings_of_one_slot_give_one_booking_and_one_409(org):
    x = experts_setup(org)
    other_lead, _p, other_pod = pod_lead(org, PodFactory(organization=org))
    start, end = slot_at(3, 10)

    def book(lead, pod):
        data = {"expert": x.expert.pk, "pod": pod.pk, "topic": "race", "start": start.isoformat(),
                "end": end.isoformat()}
        return lambda: client_for(lead).post(url(org, "experts_api:booking-list"), data, format="json")

    for _ in range(3):  # a few rounds: the race must never let both through
        Booking.objects.for_org(org).delete()
        responses = _race([book(x.lead, x.pod), book(other_lead, other_pod)])
        codes = sorted(r.status_code for r in responses)
        assert codes == [201, 409], [(r.status_code, r.content[:200]) for r in responses]
        loser = next(r for r in responses if r.status_code == 409).json()
        assert loser["errors"][0]["field"] == "start"
        assert Booking.objects.for_org(org).filter(state="booked").count() == 1


def test_a_burst_past_the_weekly_cap_books_exactly_the_cap(org):
    x = experts_setup(org, hours_per_week=3)
    lead = x.lead
    calls = []
    for hour in range(9, 17):  # 8 different slots of one day, cap 3 h
        start, end = slot_at(10, hour)
        data = {"expert": x.expert.pk, "pod": x.pod.pk, "topic": "burst", "start": start.isoformat(),
                "end": end.isoformat()}
        calls.append(lambda d=data: client_for(lead).post(url(org, "experts_api:booking-list"), d, format="json"))
    codes = sorted(r.status_code for r in _race(calls))
    assert codes.count(201) == 3 and codes.count(400) == 5, codes
    assert Booking.objects.for_org(org).count() == 3
