"""Pods: list with health and filters, detail, create and change, by role; bad input; queries."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pods.models import Pod
from tenancy.models import AuditEvent
from tests.api.helpers import assert_constant_queries, client_for, error_fields, ids, url
from tests.factories import (
    AssignmentFactory,
    CharterFactory,
    PersonFactory,
    PodFactory,
    member,
    pod_lead,
    role,
)

pytestmark = pytest.mark.django_db


def healthy_pod(org, **kwargs):
    pod = PodFactory(organization=org, **kwargs)
    AssignmentFactory(organization=org, pod=pod, role=role(org, "pod_lead"))
    AssignmentFactory.create_batch(2, organization=org, pod=pod)
    CharterFactory(organization=org, pod=pod)
    return pod


def test_list_shows_health_and_counts(org, other_org):
    pod = healthy_pod(org)
    PodFactory(organization=other_org)
    response = client_for(member(org)).get(url(org, "pods_api:pod-list"))
    assert response.status_code == 200
    assert ids(response) == [pod.pk]
    row = response.json()["results"][0]
    assert row["member_count"] == 3 and row["lead_count"] == 1
    assert row["charter_version"] == 1
    assert row["health"]["level"] == "ok"
    checks = {r["check"]: r["level"] for r in row["health"]["reasons"]}
    assert checks == {"size": "ok", "lead": "ok", "protected_time": "ok", "charter": "ok"}


def test_list_filters(org):
    ok = healthy_pod(org, name="Alpha retention")
    leaderless = PodFactory(organization=org, name="Beta", status="paused")
    AssignmentFactory.create_batch(3, organization=org, pod=leaderless)
    tiny = PodFactory(organization=org, name="Gamma", mission="retention forecasts")
    AssignmentFactory(organization=org, pod=tiny, role=role(org, "pod_lead"))
    client = client_for(member(org))
    get = lambda **q: ids(client.get(url(org, "pods_api:pod-list"), q))
    assert get(health="ok") == [ok.pk]
    assert get(health="fail") == [leaderless.pk]
    assert get(health="warn") == [tiny.pk]
    assert get(status="paused") == [leaderless.pk]
    assert get(q="retention") == [ok.pk, tiny.pk]
    assert get() == [ok.pk, leaderless.pk, tiny.pk]


@pytest.mark.parametrize("query, field", [({"health": "great"}, "health"),
                                          ({"status": "gone"}, "status"),
                                          ({"q": "x" * 101}, "q")])
def test_bad_filters_are_400(org, query, field):
    response = client_for(member(org)).get(url(org, "pods_api:pod-list"), query)
    assert response.status_code == 400
    assert error_fields(response) == {field}


def test_list_is_paginated(org):
    PodFactory.create_batch(3, organization=org)
    response = client_for(member(org)).get(url(org, "pods_api:pod-list"), {"page_size": 2})
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_detail_and_other_org_404(org, other_org):
    pod = healthy_pod(org)
    foreign = PodFactory(organization=other_org)
    client = client_for(member(org))
    response = client.get(url(org, "pods_api:pod-detail", pk=pod.pk))
    assert response.status_code == 200
    assert response.json()["health"]["level"] == "ok"
    assert client.get(url(org, "pods_api:pod-detail", pk=foreign.pk)).status_code == 404
    assert client.get(url(org, "pods_api:pod-detail", pk=999999)).status_code == 404


# --- create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, allowed", [("admin", True), ("leader", True), ("pod_lead", True),
                                          ("member", False)])
def test_create_by_role(org, who, allowed):
    actor = pod_lead(org)[0] if who == "pod_lead" else member(org, who)
    before = Pod.objects.for_org(org).count()
    response = client_for(actor).post(url(org, "pods_api:pod-list"),
                                      {"name": "Churn", "mission": "Keep customers"}, format="json")
    if allowed:
        assert response.status_code == 201, response.content
        assert response.json()["name"] == "Churn"
        assert response.json()["health"]["level"] == "fail"  # no lead yet
        assert AuditEvent.objects.for_org(org).filter(action="pod.created").exists()
    else:
        assert response.status_code == 403
        assert Pod.objects.for_org(org).count() == before


def test_create_with_lead_and_sponsor(org):
    admin, leader = member(org, "admin"), member(org, "leader")
    person = PersonFactory(organization=org)
    response = client_for(admin).post(url(org, "pods_api:pod-list"), {
        "name": "Fraud", "status": "active", "sponsor": leader.pk, "lead": person.pk,
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sponsor"] == leader.pk and body["sponsor_email"] == leader.user.email
    assert body["lead_count"] == 1 and body["member_count"] == 1


@pytest.mark.parametrize("payload, field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "Ok", "mission": "m" * 2001}, "mission"),
    ({"name": "Ok", "status": "dissolved"}, "status"),
    ({"name": "Ok", "sponsor": "abc"}, "sponsor"),
    ({"name": "Ok", "lead": 999999}, "lead"),
])
def test_create_bad_input(org, payload, field):
    response = client_for(member(org, "admin")).post(url(org, "pods_api:pod-list"), payload,
                                                     format="json")
    assert response.status_code == 400
    assert error_fields(response) == {field}
    assert not Pod.objects.for_org(org).exists()


def test_create_refuses_other_org_ids(org, other_org):
    foreign_sponsor = member(other_org, "leader")
    foreign_person = PersonFactory(organization=other_org)
    client = client_for(member(org, "admin"))
    for payload, field in [({"sponsor": foreign_sponsor.pk}, "sponsor"),
                           ({"lead": foreign_person.pk}, "lead")]:
        response = client.post(url(org, "pods_api:pod-list"), {"name": "X", **payload},
                               format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"field": field, "message": "Not found in this organization."}]
    assert not Pod.objects.for_org(org).exists()
    assert not Pod.objects.for_org(other_org).exists()


def test_service_rules_come_back_as_field_errors(org):
    PodFactory(organization=org, name="Taken")
    plain = member(org)
    client = client_for(member(org, "admin"))
    response = client.post(url(org, "pods_api:pod-list"), {"name": "taken"}, format="json")
    assert response.status_code == 400 and error_fields(response) == {"name"}
    response = client.post(url(org, "pods_api:pod-list"), {"name": "New", "sponsor": plain.pk},
                           format="json")
    assert response.status_code == 400 and error_fields(response) == {"sponsor"}
    assert "leader" in response.json()["detail"]


# --- change ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("lead", True), ("sponsor", True), ("other_lead", False),
    ("leader", False), ("member", False),
])
def test_change_by_role(org, who, allowed):
    m, _, pod = pod_lead(org)
    sponsor = member(org, "leader")
    Pod.objects.for_org(org).filter(pk=pod.pk).update(sponsor=sponsor)
    actor = {
        "admin": lambda: member(org, "admin"), "lead": lambda: m, "sponsor": lambda: sponsor,
        "other_lead": lambda: pod_lead(org)[0], "leader": lambda: member(org, "leader"),
        "member": lambda: member(org),
    }[who]()
    response = client_for(actor).patch(url(org, "pods_api:pod-detail", pk=pod.pk),
                                       {"status": "paused"}, format="json")
    pod.refresh_from_db()
    if allowed:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "paused" and pod.status == "paused"
    else:
        assert response.status_code == 403
        assert pod.status == "active"


def test_change_clears_sponsor_and_404s_across_orgs(org, other_org):
    sponsor = member(org, "leader")
    pod = PodFactory(organization=org, sponsor=sponsor)
    foreign = PodFactory(organization=other_org)
    client = client_for(member(org, "admin"))
    response = client.patch(url(org, "pods_api:pod-detail", pk=pod.pk), {"sponsor": None},
                            format="json")
    assert response.status_code == 200 and response.json()["sponsor"] is None
    response = client.patch(url(org, "pods_api:pod-detail", pk=foreign.pk), {"name": "Mine"},
                            format="json")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name != "Mine"


def test_change_bad_input_writes_nothing(org):
    pod = PodFactory(organization=org, name="Stable")
    response = client_for(member(org, "admin")).patch(
        url(org, "pods_api:pod-detail", pk=pod.pk), {"name": "y" * 121, "status": "paused"},
        format="json")
    assert response.status_code == 400 and error_fields(response) == {"name"}
    pod.refresh_from_db()
    assert (pod.name, pod.status) == ("Stable", "active")


# --- query counts ------------------------------------------------------------------------------


def test_list_queries_are_constant(org, django_assert_max_num_queries):
    client = client_for(member(org))
    today = timezone.localdate()

    def grow(n):
        for _ in range(n):
            pod = PodFactory(organization=org, sponsor=member(org, "leader"))
            AssignmentFactory(organization=org, pod=pod, role=role(org, "pod_lead"))
            CharterFactory(organization=org, pod=pod, next_review_date=today)

    assert_constant_queries(
        django_assert_max_num_queries,
        lambda: client.get(url(org, "pods_api:pod-list"), {"health": "warn"}),
        grow, bound=6,
    )


def test_cached_list_follows_writes_made_through_the_api(org):
    client = client_for(member(org, "admin"))
    list_url = url(org, "pods_api:pod-list")
    assert client.get(list_url).json()["count"] == 0
    assert client.get(list_url).json()["count"] == 0  # now served from the cache
    response = client.post(list_url, {"name": "Cache Buster", "status": "forming"}, format="json")
    assert response.status_code == 201
    names = [p["name"] for p in client.get(list_url).json()["results"]]
    assert names == ["Cache Buster"]
