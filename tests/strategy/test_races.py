"""Concurrent pushes of the same measurement (same idempotency key) store one reading."""

from __future__ import annotations

import pytest

from strategy.models import Measurement
from tests.api.helpers import client_for, url
from tests.hardening.test_races import _race
from tests.strategy.factories import led_outcome

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_duplicates_store_one(org):
    lead, o = led_outcome(org)

    def push():
        return client_for(lead).post(url(org, "strategy_api:outcome-measurements", pk=o.pk),
                                     {"value": 77.5, "idempotency_key": "nightly-2026-05-01"}, format="json")

    responses = _race([push for _ in range(8)])
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1 and set(codes) <= {200, 201}, codes
    assert Measurement.objects.for_org(org).filter(outcome=o).count() == 1
    assert len({r.json()["id"] for r in responses}) == 1
