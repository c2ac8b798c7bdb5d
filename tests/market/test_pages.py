"""Marketplace pages: the list (search, pagination, empty state, offer form), an offering with
the request form, the provider's inbox and the requester's requests with their actions."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from resources.market import services
from resources.market.models import RequestState, ServiceOffering, ServiceRequest
from tests.factories import member, pod_lead
from tests.market.helpers import later, market_setup

pytestmark = pytest.mark.django_db


def u(org, name, *args):
    return reverse(f"market:{name}", args=[org.slug, *args])


def test_empty_marketplace_invites_a_lead_to_offer(client, org):
    lead, _p, pod = pod_lead(org)
    client.force_login(lead.user)
    html = client.get(u(org, "home")).content.decode()
    assert "No services offered yet" in html and "Offer a service" in html
    r = client.post(u(org, "home"), {"provider": pod.pk, "name": "", "unit": "review", "price": "5",
                                     "response_sla_hours": 24, "monthly_capacity": 3})
    assert r.status_code == 400 and "This field is required" in r.content.decode()
    r = client.post(u(org, "home"), {"provider": pod.pk, "name": "Model review", "unit": "review", "price": "5",
                                     "response_sla_hours": 24, "monthly_capacity": 3, "active": "on"})
    o = ServiceOffering.objects.for_org(org).get()
    assert r.status_code == 302 and r["Location"] == u(org, "offering_detail", o.pk)
    # A plain member browses but offers nothing.
    client.force_login(member(org).user)
    html = client.get(u(org, "home")).content.decode()
    assert "Model review" in html and "Offer a service" not in html
    assert client.post(u(org, "home"), {"provider": pod.pk}).status_code == 403


def test_search_and_pagination(client, org):
    m = market_setup(org)
    for i in range(30):
        services.offering_create(organization=org, actor=m.admin.user, provider=m.provider, name=f"Eval run {i:02}",
                                 price=1, response_sla_hours=4, monthly_capacity=2)
    client.force_login(m.requester_lead.user)
    html = client.get(u(org, "home"), {"q": "labell"}).content.decode()
    assert "Data labelling" in html and "Eval run" not in html
    assert "No service matches “nothing”" in client.get(u(org, "home"), {"q": "nothing"}).content.decode()
    first = client.get(u(org, "home")).content.decode()
    second = client.get(u(org, "home"), {"page": 2}).content.decode()
    assert "Data labelling" in first and "Eval run 28" in second and "Eval run 28" not in first


def test_a_lead_requests_and_the_provider_answers_from_the_inbox(client, org):
    m = market_setup(org, price="50")
    client.force_login(m.requester_lead.user)
    page = client.get(u(org, "offering_detail", m.offering.pk)).content.decode()
    assert "Request this service" in page and "10 batch" in page and "Free this month" in page
    r = client.post(u(org, "request_create", m.offering.pk), {"pod": m.requester.pk, "quantity": 0,
                                                             "needed_by": later().isoformat()})
    assert r.status_code == 400
    r = client.post(u(org, "request_create", m.offering.pk), {"pod": m.requester.pk, "quantity": 2,
                                                             "needed_by": later().isoformat(), "note": "Q3 eval set"})
    assert r.status_code == 302 and r["Location"] == u(org, "my_requests")
    sr = ServiceRequest.objects.for_org(org).get()
    mine = client.get(u(org, "my_requests")).content.decode()
    assert "Data labelling" in mine and "100.00 credits" in mine and 'value="cancel"' in mine
    assert 'value="accept"' not in mine
    client.force_login(m.provider_lead.user)
    inbox = client.get(u(org, "inbox")).content.decode()
    assert m.requester.name in inbox and 'value="accept"' in inbox and 'value="decline"' in inbox
    r = client.post(u(org, "request_action", sr.pk), {"action": "accept", "next": u(org, "inbox")})
    assert r.status_code == 302 and r["Location"] == u(org, "inbox")
    # Accepting again is a conflict with a clear page.
    r = client.post(u(org, "request_action", sr.pk), {"action": "accept"})
    assert r.status_code == 409 and "only when requested" in r.content.decode()
    r = client.post(u(org, "request_action", sr.pk), {"action": "deliver", "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == u(org, "inbox")
    # The requester may not act for the provider.
    client.force_login(m.requester_lead.user)
    assert client.post(u(org, "request_action", sr.pk), {"action": "decline"}).status_code == 403
    assert client.post(u(org, "request_action", sr.pk), {"action": "close"}).status_code == 302
    sr.refresh_from_db()
    assert sr.state == RequestState.CLOSED


def test_a_budget_refusal_shows_the_figures(client, org):
    m = market_setup(org, price="600", budget="1000")
    sr = m.ask(2)
    client.force_login(m.provider_lead.user)
    r = client.post(u(org, "request_action", sr.pk), {"action": "accept"})
    assert r.status_code == 400 and "1200.00 credits asked, 1000.00 of 1000.00 left" in r.content.decode()


def test_sla_breach_shows_on_the_pages(client, org):
    m = market_setup(org)
    sr = m.ask(1)
    from django.utils import timezone

    services.sla_flag(organization=org, now=timezone.now() + timezone.timedelta(days=2))
    client.force_login(m.provider_lead.user)
    assert "SLA breached" in client.get(u(org, "inbox")).content.decode()
    assert ServiceRequest.objects.for_org(org).get(pk=sr.pk).sla_breached


def test_leaders_see_every_request_and_other_leads_none(client, org):
    m = market_setup(org)
    m.ask(1)
    client.force_login(member(org, "leader").user)
    assert "No requests here" in client.get(u(org, "inbox")).content.decode()
    assert m.requester.name in client.get(u(org, "inbox"), {"all": "1"}).content.decode()
    other, _p, _pod = pod_lead(org)
    client.force_login(other.user)
    assert m.requester.name not in client.get(u(org, "inbox"), {"all": "1"}).content.decode()
    assert client.get(u(org, "offering_edit", m.offering.pk)).status_code == 403


@pytest.mark.parametrize("name", ["home", "inbox", "my_requests", "offering_detail"])
def test_pages_take_constant_queries(client, org, name, django_assert_max_num_queries):
    m = market_setup(org, price="1", capacity=1000, budget="100000")
    leader = member(org, "leader")
    client.force_login(m.provider_lead.user)
    args = [m.offering.pk] if name == "offering_detail" else []

    def counted():
        cache.clear()
        with django_assert_max_num_queries(25) as ctx:
            assert client.get(u(org, name, *args), {"all": "1"}).status_code == 200
        return len(ctx.captured_queries)

    def grow(n):
        for _ in range(n):
            m.move(m.ask(1), "accept")
            services.offering_create(organization=org, actor=m.admin.user, provider=m.provider,
                                     name=f"More {ServiceOffering.objects.for_org(org).count()}", price=1,
                                     response_sla_hours=4, monthly_capacity=3)

    grow(2)
    few = counted()
    grow(8)
    assert counted() == few
    client.force_login(leader.user)
    few = counted()
    grow(3)
    assert counted() == few


def test_a_lead_of_only_the_provider_pod_gets_no_empty_request_form(client, org):
    m = market_setup(org)
    client.force_login(m.provider_lead.user)
    html = client.get(u(org, "offering_detail", m.offering.pk)).content.decode()
    assert "Request this service" not in html and "no pod to request this service for" in html
    client.force_login(m.requester_lead.user)
    html = client.get(u(org, "offering_detail", m.offering.pk)).content.decode()
    assert f'<option value="{m.requester.pk}" selected>' in html  # the only pod, preselected
