"""The marketplace API: offerings and service requests, with the pages' permissions, errors
that name the field, 409 on illegal transitions, and lists in constant queries."""

from __future__ import annotations

import pytest

from resources.market.models import ServiceRequest
from tests.api.helpers import client_for, error_fields, ids, url
from tests.factories import PodFactory, member, pod_lead
from tests.market.helpers import later, market_setup

pytestmark = pytest.mark.django_db


def _offer(m, who=None, **extra):
    data = {"provider": m.provider.pk, "name": "Model review", "unit": "review", "price": 120,
            "response_sla_hours": 48, "monthly_capacity": 4, **extra}
    return client_for(who or m.provider_lead).post(url(m.org, "market_api:offering-list"), data, format="json")


def _ask(m, who=None, **extra):
    data = {"offering": m.offering.pk, "pod": m.requester.pk, "quantity": 2, "needed_by": later().isoformat(),
            **extra}
    return client_for(who or m.requester_lead).post(url(m.org, "market_api:service-request-list"), data,
                                                    format="json")


def test_the_flow_over_the_api(org):
    m = market_setup(org, price="50")
    r = _offer(m)
    assert r.status_code == 201, r.content
    assert r.json()["provider_name"] == m.provider.name and r.json()["booked"] == 0
    r = _ask(m)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "requested" and body["cost"] == "100.00" and body["hold"] is None
    pk = body["id"]
    provider, requester = client_for(m.provider_lead), client_for(m.requester_lead)
    assert ids(provider.get(url(org, "market_api:service-request-list"), {"side": "provider"})) == [pk]
    assert ids(requester.get(url(org, "market_api:service-request-list"), {"side": "provider"})) == []
    r = provider.post(url(org, "market_api:service-request-accept", pk=pk), {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "accepted" and r.json()["hold"]
    offering = provider.get(url(org, "market_api:offering-detail", pk=m.offering.pk)).json()
    assert offering["booked"] == 2
    r = provider.post(url(org, "market_api:service-request-deliver", pk=pk), {}, format="json")
    assert r.json()["state"] == "delivered" and r.json()["delivered_at"]
    r = requester.post(url(org, "market_api:service-request-close", pk=pk), {}, format="json")
    assert r.json()["state"] == "closed"
    ledger = client_for(m.admin).get(url(org, "resources_api:ledger-list")).json()["results"]
    assert sorted(e["kind"] for e in ledger) == ["earn", "hold", "post"]


def test_roles(org):
    m = market_setup(org)
    outsider = member(org)
    other_lead, _p, _other_pod = pod_lead(org)
    leader = member(org, "leader")
    # Only the provider's lead (or an admin) offers for the provider pod.
    assert _offer(m, outsider).status_code == 403
    assert _offer(m, other_lead).status_code == 403
    assert _offer(m, m.admin, name="Admin's").status_code == 201
    # Only the requesting pod's lead (or an admin) requests for it.
    assert _ask(m, outsider).status_code == 403
    assert _ask(m, m.provider_lead).status_code == 403
    pk = _ask(m).json()["id"]
    accept = url(org, "market_api:service-request-accept", pk=pk)
    assert client_for(m.requester_lead).post(accept, {}, format="json").status_code == 403
    assert client_for(leader).post(accept, {}, format="json").status_code == 403
    cancel = url(org, "market_api:service-request-cancel", pk=pk)
    assert client_for(m.provider_lead).post(cancel, {}, format="json").status_code == 403
    # Leaders read every request; a lead of an unrelated pod reads none (404: not visible).
    assert client_for(leader).get(url(org, "market_api:service-request-detail", pk=pk)).status_code == 200
    assert ids(client_for(leader).get(url(org, "market_api:service-request-list"))) == [pk]
    assert client_for(other_lead).get(url(org, "market_api:service-request-detail", pk=pk)).status_code == 404
    assert ids(client_for(outsider).get(url(org, "market_api:service-request-list"))) == []
    # Every member browses the offerings.
    assert client_for(outsider).get(url(org, "market_api:offering-list")).status_code == 200


def test_bad_input_names_the_field_and_writes_nothing(org):
    m = market_setup(org)
    for extra, field in (({"quantity": 0}, "quantity"), ({"needed_by": "2001-01-01"}, "needed_by"),
                         ({"pod": m.provider.pk}, "pod"), ({"quantity": 11}, "quantity"),
                         ({"pod": PodFactory().pk}, "pod"), ({"offering": 10**9}, "offering")):
        r = _ask(m, m.admin, **extra)
        assert r.status_code == 400 and field in error_fields(r), (extra, r.content)
    for extra, field in (({"price": -1}, "price"), ({"monthly_capacity": 0}, "monthly_capacity"),
                         ({"name": "Data labelling"}, "name"), ({"provider": PodFactory().pk}, "provider")):
        r = _offer(m, m.admin, **extra)
        assert r.status_code == 400 and field in error_fields(r), (extra, r.content)
    assert not ServiceRequest.objects.for_org(org).exists()


def test_illegal_transitions_and_budget_refusals(org):
    m = market_setup(org, price="400", budget="500")
    pk = _ask(m, quantity=1).json()["id"]
    provider = client_for(m.provider_lead)
    r = provider.post(url(org, "market_api:service-request-deliver", pk=pk), {}, format="json")
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "state"
    assert "only when accepted" in r.json()["detail"]
    assert provider.post(url(org, "market_api:service-request-accept", pk=pk), {}, format="json").status_code == 200
    pk2 = _ask(m, quantity=1).json()["id"]
    r = provider.post(url(org, "market_api:service-request-accept", pk=pk2), {}, format="json")
    assert r.status_code == 400 and "400.00 credits asked, 100.00 of 500.00 left" in r.json()["detail"]
    r = provider.post(url(org, "market_api:service-request-decline", pk=pk2), {"reason": "x" * 301}, format="json")
    assert r.status_code == 400 and "reason" in error_fields(r)


def test_lists_take_constant_queries(org, django_assert_max_num_queries):
    m = market_setup(org, price="1", capacity=1000, budget="100000")
    c = client_for(m.admin)
    for i in range(3):
        m.move(m.ask(1), "accept")
        lead, _p, pod = pod_lead(org)
        from resources.market import services

        services.offering_create(organization=org, actor=m.admin.user, provider=pod, name=f"Service {i}", price=1,
                                 response_sla_hours=5, monthly_capacity=5)

    def counted(name):
        with django_assert_max_num_queries(8) as ctx:
            assert c.get(url(org, name)).status_code == 200
        return len(ctx.captured_queries)

    few = counted("market_api:offering-list"), counted("market_api:service-request-list")
    for _ in range(10):
        m.move(m.ask(1), "accept")
    many = counted("market_api:offering-list"), counted("market_api:service-request-list")
    assert few == many
