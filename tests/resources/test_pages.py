"""Compute pages: who sees and does what, the request form's preview, history, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resources import services
from resources.models import Allocation, AllocationState
from tests.factories import AssignmentFactory, PodFactory, member
from tests.resources.helpers import compute_setup, soon

pytestmark = pytest.mark.django_db


def u(org, name, **kw):
    return reverse(f"resources:{name}", kwargs={"org_slug": org.slug, **kw})


def as_(client, m):
    client.force_login(m.user)
    return client


def form(c, pod=None, amount=2, start=0, end=4, **extra):
    return {"pod": (pod or c.pod_a).pk, "pool": c.pool.pk, "amount": amount,
            "start": soon(start).strftime("%Y-%m-%dT%H:%M"), "end": soon(end).strftime("%Y-%m-%dT%H:%M"),
            "priority": 0, "preemptible": "on", **extra}


def test_pool_pages_for_every_member(client, org):
    c = compute_setup(org)
    c.ask(amount=6)
    c.ask(pod=c.pod_b, amount=3)
    services.capacity_recompute(organization=org)
    as_(client, member(org))
    r = client.get(u(org, "home"))
    assert r.status_code == 200 and b"H100 80GB" in r.content and b"New pool" not in r.content
    r = client.get(u(org, "pool_detail", pk=c.pool.pk))
    body = r.content.decode()
    assert r.status_code == 200 and "Capacity over time" in body and "#1</strong>" in body  # the queue
    assert "details</a>" not in body  # a plain member does not open other pods' requests
    assert client.get(u(org, "capacity")).status_code == 200
    assert client.get(u(org, "pool_create")).status_code == 403
    assert client.get(u(org, "quota_edit", pk=c.pool.pk)).status_code == 403


def test_admin_creates_pool_and_sets_quota_with_field_errors(client, org):
    c = compute_setup(org)
    as_(client, c.admin)
    r = client.post(u(org, "pool_create"), {"name": "A100", "unit": "GPU", "capacity": 4, "unit_cost": "2.5",
                                            "status": "open"})
    assert r.status_code == 302
    pool = services_pool(org, "A100")
    r = client.post(u(org, "quota_edit", pk=pool.pk), {"pod": c.pod_a.pk, "nominal": 5, "reclaim": "any",
                                                       "within_pod": "never"})
    assert r.status_code == 400 and "exceed the pool" in r.content.decode()
    r = client.post(u(org, "quota_edit", pk=pool.pk), {"pod": c.pod_a.pk, "nominal": 3, "reclaim": "any",
                                                       "within_pod": "never", "lending_limit": 1})
    assert r.status_code == 302
    r = client.get(u(org, "quota_edit", pk=pool.pk) + f"?pod={c.pod_a.pk}")
    assert 'value="3"' in r.content.decode()
    r = client.post(u(org, "pool_edit", pk=pool.pk), {"name": "A100", "unit": "GPU", "capacity": 2,
                                                      "unit_cost": "2.5", "status": "open"})
    assert r.status_code == 400 and "nominal quotas" in r.content.decode()


def services_pool(org, name):
    from resources.selectors import pool_choices

    return pool_choices(organization=org).get(name=name)


def test_lead_previews_then_requests_and_sees_the_answer(client, org):
    c = compute_setup(org)
    c.ask(pod=c.pod_b, amount=8)
    as_(client, c.lead_a)
    assert client.get(u(org, "allocation_request")).status_code == 200
    r = client.post(u(org, "allocation_preview"), form(c, amount=2), HTTP_HX_REQUEST="true")
    assert "Would wait" in r.content.decode() and "position 1" in r.content.decode()
    r = client.post(u(org, "allocation_request"), form(c, amount=2, idempotency_key="k-page"))
    assert r.status_code == 302
    a = Allocation.objects.for_org(org).get(idempotency_key="k-page")
    assert a.state == AllocationState.PENDING
    page = client.get(r["Location"]).content.decode()
    assert "Position <strong>1</strong>" in page and "Waiting for capacity" in page
    # A double submit of the same form (same hidden key) creates nothing new.
    client.post(u(org, "allocation_request"), form(c, amount=2, idempotency_key="k-page"))
    assert Allocation.objects.for_org(org).filter(pod=c.pod_a).count() == 1
    # Another pod is not offered, and posting it anyway is refused.
    r = client.post(u(org, "allocation_request"), form(c, pod=c.pod_b))
    assert r.status_code == 400 and "pod" in r.context["form"].errors
    r = client.post(u(org, "allocation_request"), form(c, amount=9))
    assert r.status_code == 400 and "capacity 8" in r.content.decode()


def test_allocation_history_names_who_preempted_and_why(client, org):
    c = compute_setup(org)
    c.ask(pod=c.pod_b, amount=4, start=-30)  # windows that have begun: the reclaim is immediate
    borrowed = c.ask(pod=c.pod_b, amount=4, start=-30)
    mine = c.ask(amount=2, start=-30)
    as_(client, member(org, "leader"))
    page = client.get(u(org, "allocation_detail", pk=borrowed.pk)).content.decode()
    assert "Preempted" in page and f"#{mine.pk}</a> of {c.pod_a.name}" in page
    assert "reclaims capacity this pod had borrowed" in page
    assert as_(client, c.lead_a).get(u(org, "allocation_detail", pk=borrowed.pk)).status_code == 404


def test_release_from_the_page_admits_the_queue(client, org):
    c = compute_setup(org)
    hog = c.ask(pod=c.pod_b, amount=8)
    waiting = c.ask(amount=4)
    as_(client, c.lead_a)
    assert client.post(u(org, "allocation_action", pk=hog.pk), {"action": "release"}).status_code == 404
    as_(client, c.admin)
    r = client.post(u(org, "allocation_action", pk=hog.pk), {"action": "release"})
    assert r.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == AllocationState.ADMITTED


def test_pod_panel_and_budgets_page(client, org):
    c = compute_setup(org, unit_cost=1)
    services.budget_set(organization=org, actor=c.admin.user, pod=c.pod_a, quarter=services.quarter_of(soon()),
                        category="compute", amount=1000)
    c.ask(amount=2)
    as_(client, c.lead_a)
    r = client.get(u(org, "pod_panel", pk=c.pod_a.pk), HTTP_HX_REQUEST="true")
    assert "H100 80GB: 4 GPU" in r.content.decode() and "8.00 committed of 1000" in r.content.decode()
    r = client.get(u(org, "budgets"))
    assert r.status_code == 200 and "992.00" in r.content.decode() and "Set a budget" not in r.content.decode()
    assert as_(client, member(org)).get(u(org, "budgets")).status_code == 403


def test_list_pages_run_constant_queries(client, org, django_assert_max_num_queries):
    c = compute_setup(org, capacity=400)
    leader = member(org, "leader")
    as_(client, leader)

    def grow(n):
        for _ in range(n):
            pod = PodFactory(organization=org)
            AssignmentFactory(organization=org, pod=pod)  # a row in the capacity page's pods-this-week table
            services.quota_set(organization=org, actor=c.admin.user, pool=c.pool, pod=pod, nominal=0)
            c.ask(amount=1)
            services.pool_create(organization=org, actor=c.admin.user, name=f"P{pod.pk}", capacity=1)

    counts = {}
    for size in (3, 27):
        grow(size)
        services.capacity_recompute(organization=org)
        for name, kw in (("home", {}), ("allocation_list", {}), ("pool_detail", {"pk": c.pool.pk}),
                         ("capacity", {})):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(u(org, name, **kw)).status_code == 200
            counts.setdefault(name, []).append(len(ctx.captured_queries))
    for name, (small, big) in counts.items():
        assert small == big, f"{name}: {small} queries with few rows, {big} with many"
        assert big <= 14, f"{name}: {big} queries"
