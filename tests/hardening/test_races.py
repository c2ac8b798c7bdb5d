"""Races settled by the database end in a 400 or 409, never a 500, and never break an invariant."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from pods.models import Assignment, Pod
from tests.api.helpers import client_for, url
from tests.factories import AssignmentFactory, PersonFactory, PodFactory, member, role

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls):
    """Run each callable in its own thread, released together; return their responses."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_twenty_creates_of_one_pod_name_in_different_cases_make_one_pod(org):
    admin = member(org, "admin")
    names = [("Vision" if i % 2 else "vision").swapcase() if i % 3 else "VISION" for i in range(20)]

    def create(name):
        return lambda: client_for(admin).post(url(org, "pods_api:pod-list"), {"name": name}, format="json")

    responses = _race([create(n) for n in names])
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1, codes
    assert set(codes) <= {201, 400, 409}, codes
    assert Pod.objects.for_org(org).count() == 1
    for r in responses:
        if r.status_code != 201:
            assert r.json()["errors"][0]["field"] == "name"


@pytest.mark.parametrize("round_", range(5))
def test_editing_an_assignment_while_adding_an_overlapping_one_never_500s(org, round_):
    admin = member(org, "admin")
    pod = PodFactory(organization=org)
    person = PersonFactory(organization=org)
    today = datetime.date(2026, 1, 1)
    existing = AssignmentFactory(organization=org, pod=pod, person=person, role=role(org),
                                 start_date=today, end_date=today + datetime.timedelta(days=30))

    def patch():
        return client_for(admin).patch(url(org, "pods_api:assignment-detail", pk=existing.pk),
                                       {"end_date": str(today + datetime.timedelta(days=90))},
                                       format="json")

    def post():
        return client_for(admin).post(url(org, "pods_api:assignment-list"), {
            "pod": pod.pk, "person": person.pk, "role": role(org).pk, "allocation_percent": 50,
            "start_date": str(today + datetime.timedelta(days=60))}, format="json")

    responses = _race([patch, post, patch, post])
    codes = [r.status_code for r in responses]
    assert all(c < 500 for c in codes), [(r.status_code, r.content[:200]) for r in responses]
    # Whatever won, the person never holds two overlapping assignments in the pod.
    rows = sorted(Assignment.objects.for_org(org).filter(pod=pod, person=person),
                  key=lambda a: a.start_date)
    for a, b in zip(rows, rows[1:], strict=False):
        assert a.end_date is not None and a.end_date < b.start_date
