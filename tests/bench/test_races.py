"""Two pods accept the last free hours of one person at once: exactly one wins, never an overbooking."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from bench.models import ScalingSuggestion
from bench.services.decisions import suggestion_accept
from bench.services.requests import staffing_request_propose
from pods.models import Assignment
from tests.bench.factories import file_request, skill, specialist
from tests.factories import PodFactory
from tests.hardening.test_races import _race

pytestmark = pytest.mark.django_db(transaction=True)


def _caught(call):
    """The call's result, or the refusal it raised (the race helper returns what calls return)."""
    def run():
        try:
            return call()
        except (ValidationError, DatabaseError) as exc:
            return exc
    return run


@pytest.mark.parametrize("round_", range(3))
def test_two_pods_accepting_the_last_free_hours_of_one_person(org, round_):
    ml = skill(org, f"ML {round_}")
    e = specialist(org, {ml: 4}, hours=40)
    suggestions = []
    for _ in range(3):
        req = file_request(org, PodFactory(organization=org), {ml: 3}, hours=30)
        suggestions.append(staffing_request_propose(organization=org, actor=None, request=req, person=e.person))

    def accept(s):
        return lambda: suggestion_accept(organization=org, actor=None, suggestion=s)

    results = _race([_caught(accept(s)) for s in suggestions])
    wins = [r for r in results if isinstance(r, ScalingSuggestion)]
    losses = [r for r in results if isinstance(r, ValidationError)]
    assert len(wins) == 1 and len(losses) == 2, results
    assert all("person" in r.message_dict for r in losses)
    assert Assignment.objects.for_org(org).filter(person=e.person).count() == 1
