"""The compute API: same rules as the pages, JSON errors naming the field, idempotent requests."""

from __future__ import annotations

import pytest

from resources.models import Allocation
from tenancy.models import AuditEvent
from tests.api.helpers import assert_constant_queries, client_for, error_fields, ids, query_count, url
from tests.factories import OrganizationFactory, PodFactory, member
from tests.resources.helpers import compute_setup, soon

pytestmark = pytest.mark.django_db


def body(c, pod=None, amount=2, start=0, end=4, **extra):
    return {"pool": c.pool.pk, "pod": (pod or c.pod_a).pk, "amount": amount, "start": soon(start).isoformat(),
            "end": soon(end).isoformat(), **extra}


def post(c, m, data):
    return client_for(m).post(url(c.org, "resources_api:allocation-list"), data, format="json")


def test_request_admits_borrows_waits_and_polls(org):
    c = compute_setup(org)
    r = post(c, c.lead_a, body(c, amount=6))
    assert r.status_code == 201, r.content
    first = r.json()
    assert (first["state"], first["borrowed"]) == ("admitted", 2) and "borrows 2" in first["reason"]
    r = post(c, c.lead_b, body(c, pod=c.pod_b, amount=4))
    waiting = r.json()
    assert waiting["state"] == "pending" and "capacity 8" in waiting["reason"]
    detail = client_for(c.lead_b).get(url(org, "resources_api:allocation-detail", pk=waiting["id"])).json()
    assert detail["queue_position"] == 1 and [e["state"] for e in detail["events"]] == ["pending", "pending"]


def test_idempotency_key_returns_the_first_answer(org):
    c = compute_setup(org)
    first = post(c, c.lead_a, body(c, idempotency_key="run-42"))
    again = post(c, c.lead_a, body(c, amount=3, idempotency_key="run-42"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["amount"] == 2
    # Another pod's lead reusing the key learns nothing about the first request.
    other = post(c, c.lead_b, body(c, pod=c.pod_b, idempotency_key="run-42"))
    assert other.status_code == 403
    assert Allocation.objects.for_org(org).count() == 1


@pytest.mark.parametrize("change,field", [
    ({"amount": 0}, "amount"), ({"amount": 9}, "amount"), ({"end": soon(-1).isoformat()}, "end"),
    ({"pool": 999999}, "pool"), ({"pod": "x"}, "pod"), ({"preemptible": "no"}, "preemptible"),
    ({"priority": 5000}, "priority"),
])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(org, change, field):
    c = compute_setup(org)
    before = AuditEvent.objects.for_org(org).count()
    r = post(c, c.lead_a, {**body(c), **change})
    assert r.status_code == 400, r.content
    assert field in error_fields(r)
    assert not Allocation.objects.for_org(org).exists()
    assert AuditEvent.objects.for_org(org).count() == before


def test_foreign_pool_or_pod_is_not_found_in_this_organization(org):
    c = compute_setup(org)
    stranger = compute_setup(OrganizationFactory(), name="Theirs")
    r = post(c, c.lead_a, body(c) | {"pool": stranger.pool.pk})
    assert r.status_code == 400 and error_fields(r) == {"pool"}
    r = post(c, c.lead_a, body(c) | {"pod": stranger.pod_a.pk})
    assert r.status_code == 400 and error_fields(r) == {"pod"}


def test_roles_admins_configure_leads_request_leaders_read(org):
    c = compute_setup(org)
    plain, leader = member(org), member(org, "leader")
    pools = url(org, "resources_api:pool-list")
    assert client_for(plain).post(pools, {"name": "X", "capacity": 2}, format="json").status_code == 403
    r = client_for(c.admin).post(pools, {"name": "X", "capacity": 2, "unit": "GPU"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "open"
    quota = {"pool": r.json()["id"], "pod": c.pod_a.pk, "nominal": 3}
    assert client_for(c.lead_a).post(url(org, "resources_api:quota-list"), quota, format="json").status_code == 403
    r = client_for(c.admin).post(url(org, "resources_api:quota-list"), quota, format="json")
    assert r.status_code == 400 and error_fields(r) == {"nominal"}  # above the pool's capacity 2
    r = client_for(c.admin).post(url(org, "resources_api:quota-list"), quota | {"nominal": 2}, format="json")
    assert r.status_code == 201
    assert client_for(c.admin).post(url(org, "resources_api:quota-list"), quota | {"nominal": 1},
                                    format="json").status_code == 200
    # A lead requests only for the pods they lead.
    assert post(c, c.lead_b, body(c)).status_code == 403
    assert post(c, plain, body(c)).status_code == 403
    mine = post(c, c.lead_a, body(c)).json()
    # Leaders read everything; another pod's lead does not see it; a member sees pools, not allocations.
    assert ids(client_for(leader).get(url(org, "resources_api:allocation-list"))) == [mine["id"]]
    assert ids(client_for(c.lead_b).get(url(org, "resources_api:allocation-list"))) == []
    assert client_for(c.lead_b).get(url(org, "resources_api:allocation-detail", pk=mine["id"])).status_code == 404
    assert client_for(plain).get(pools).status_code == 200


def test_release_and_cancel_free_capacity_for_the_queue(org):
    c = compute_setup(org)
    hog = post(c, c.lead_b, body(c, pod=c.pod_b, amount=8)).json()
    waiting = post(c, c.lead_a, body(c, amount=4)).json()
    assert waiting["state"] == "pending"
    r = client_for(c.lead_a).post(url(org, "resources_api:allocation-release", pk=hog["id"]))
    assert r.status_code == 404  # not theirs to see
    r = client_for(c.admin).post(url(org, "resources_api:allocation-release", pk=hog["id"]))
    assert r.status_code == 200 and r.json()["state"] == "released"
    assert client_for(c.lead_a).get(url(org, "resources_api:allocation-detail", pk=waiting["id"])).json()[
        "state"] == "admitted"
    r = client_for(c.lead_a).post(url(org, "resources_api:allocation-cancel", pk=waiting["id"]))
    assert r.status_code == 400 and error_fields(r) == {"state"}
    r = client_for(c.admin).post(url(org, "resources_api:allocation-release", pk=hog["id"]))
    assert r.status_code == 400 and "released" in r.json()["detail"]


def test_pool_update_and_filters(org):
    c = compute_setup(org)
    r = client_for(c.admin).patch(url(org, "resources_api:pool-detail", pk=c.pool.pk), {"capacity": 6},
                                  format="json")
    assert r.status_code == 400 and error_fields(r) == {"capacity"}
    r = client_for(c.admin).patch(url(org, "resources_api:pool-detail", pk=c.pool.pk), {"status": "drain"},
                                  format="json")
    assert r.status_code == 200 and r.json()["status"] == "drain"
    r = post(c, c.lead_a, body(c))
    assert r.status_code == 400 and error_fields(r) == {"pool"}
    r = client_for(c.admin).get(url(org, "resources_api:allocation-list") + "?state=nope")
    assert r.status_code == 400 and error_fields(r) == {"state"}


def test_lists_run_constant_queries(org, django_assert_max_num_queries):
    c = compute_setup(org, capacity=400)
    leader = member(org, "leader")

    def grow(n):
        for _ in range(n):
            c.ask(amount=1)
            services_quota(c)

    def services_quota(c):
        from resources import services
        pod = PodFactory(organization=org)
        services.quota_set(organization=org, actor=c.admin.user, pool=c.pool, pod=pod, nominal=0)

    for name in ("resources_api:allocation-list", "resources_api:quota-list"):
        assert_constant_queries(django_assert_max_num_queries,
                                lambda name=name: client_for(leader).get(url(org, name)), grow, bound=8)
    assert query_count(lambda: client_for(leader).get(url(org, "resources_api:pool-list"))) <= 6
