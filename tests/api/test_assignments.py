"""Assignments over the API: filters, writes by role on the assignment's pod, validation, end."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pods.models import Assignment
from tests.api.helpers import assert_constant_queries, client_for, error_fields, ids, url
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    PodFactory,
    member,
    pod_lead,
    role,
)

pytestmark = pytest.mark.django_db

LIST = "pods_api:assignment-list"
DETAIL = "pods_api:assignment-detail"
END = "pods_api:assignment-end"
TODAY = timezone.localdate


def payload(org, the_pod, the_person=None, **extra):
    """A valid body for `the_pod`; `extra` overrides any field by its API name."""
    body = {"pod": the_pod.pk, "role": role(org).pk, "allocation_percent": 50,
            "start_date": TODAY().isoformat()}
    if "person" not in extra:
        body["person"] = (the_person or PersonFactory(organization=org)).pk
    return body | extra


def test_list_and_filters(org, other_org):
    pod, other_pod = PodFactory(organization=org), PodFactory(organization=org)
    a = AssignmentFactory(organization=org, pod=pod)
    b = AssignmentFactory(organization=org, pod=other_pod, person=a.person)
    past = AssignmentFactory(organization=org, pod=pod, start_date=TODAY() - datetime.timedelta(9),
                             end_date=TODAY() - datetime.timedelta(1))
    AssignmentFactory(organization=other_org)
    client = client_for(member(org))
    get = lambda **q: sorted(ids(client.get(url(org, LIST), q)))
    assert get() == sorted([a.pk, b.pk, past.pk])
    assert get(pod=pod.pk) == sorted([a.pk, past.pk])
    assert get(person=a.person_id) == sorted([a.pk, b.pk])
    assert get(active="true") == sorted([a.pk, b.pk])
    assert get(active="false") == [past.pk]
    row = client.get(url(org, DETAIL, pk=a.pk)).json()
    assert row["pod_name"] == pod.name and row["person_name"] == a.person.full_name
    assert row["role_name"] == "ML engineer" and row["allocation_percent"] == 100


@pytest.mark.parametrize("query, field", [({"pod": "abc"}, "pod"), ({"active": "yes"}, "active")])
def test_bad_filters_are_400(org, query, field):
    response = client_for(member(org)).get(url(org, LIST), query)
    assert response.status_code == 400 and error_fields(response) == {field}


def test_other_orgs_assignment_is_404(org, other_org):
    foreign = AssignmentFactory(organization=other_org)
    client = client_for(member(org, "admin"))
    assert client.get(url(org, DETAIL, pk=foreign.pk)).status_code == 404
    assert client.patch(url(org, DETAIL, pk=foreign.pk), {"allocation_percent": 10},
                        format="json").status_code == 404
    assert client.post(url(org, END, pk=foreign.pk), {}, format="json").status_code == 404
    foreign.refresh_from_db()
    assert foreign.allocation_percent == 100 and foreign.end_date is None


# --- who may write -------------------------------------------------------------------------------


def actor_for(org, pod, lead_membership, who):
    if who == "lead":
        return lead_membership
    if who == "other_lead":
        return pod_lead(org)[0]
    return member(org, who)


WRITERS = [("admin", True), ("lead", True), ("other_lead", False), ("leader", False),
           ("member", False)]


@pytest.mark.parametrize("who, allowed", WRITERS)
def test_create_by_role(org, who, allowed):
    lead, _, pod = pod_lead(org)
    client = client_for(actor_for(org, pod, lead, who))
    body = payload(org, pod)
    before = Assignment.objects.for_org(org).count()
    response = client.post(url(org, LIST), body, format="json")
    if allowed:
        assert response.status_code == 201, response.content
        assert response.json()["pod"] == pod.pk
        assert Assignment.objects.for_org(org).count() == before + 1
    else:
        assert response.status_code == 403
        assert Assignment.objects.for_org(org).count() == before


@pytest.mark.parametrize("who, allowed", WRITERS)
def test_update_and_end_by_role(org, who, allowed):
    lead, _, pod = pod_lead(org)
    a = AssignmentFactory(organization=org, pod=pod, allocation_percent=100)
    client = client_for(actor_for(org, pod, lead, who))
    patched = client.patch(url(org, DETAIL, pk=a.pk), {"allocation_percent": 40}, format="json")
    ended = client.post(url(org, END, pk=a.pk), {}, format="json")
    a.refresh_from_db()
    if allowed:
        assert (patched.status_code, ended.status_code) == (200, 200)
        assert a.allocation_percent == 40 and a.end_date == TODAY()
        assert ended.json()["end_date"] == TODAY().isoformat()
    else:
        assert (patched.status_code, ended.status_code) == (403, 403)
        assert a.allocation_percent == 100 and a.end_date is None


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("extra, field", [
    ({"allocation_percent": 0}, "allocation_percent"),
    ({"allocation_percent": 101}, "allocation_percent"),
    ({"allocation_percent": "half"}, "allocation_percent"),
    ({"start_date": "2025-13-01"}, "start_date"),
    ({"end_date": (TODAY() - datetime.timedelta(1)).isoformat()}, "end_date"),
    ({"role": 999999}, "role"),
    ({"pod": None}, "pod"),
])
def test_create_bad_input(org, extra, field):
    pod = PodFactory(organization=org)
    response = client_for(member(org, "admin")).post(url(org, LIST), payload(org, pod, **extra),
                                                     format="json")
    assert response.status_code == 400
    assert error_fields(response) == {field}
    assert not Assignment.objects.for_org(org).exists()


def test_create_refuses_other_org_ids(org, other_org):
    pod = PodFactory(organization=org)
    foreign = {"pod": PodFactory(organization=other_org).pk,
               "person": PersonFactory(organization=other_org).pk,
               "role": role(other_org).pk}
    client = client_for(member(org, "admin"))
    for field, foreign_id in foreign.items():
        response = client.post(url(org, LIST), payload(org, pod, **{field: foreign_id}),
                               format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == [{"field": field,
                                              "message": "Not found in this organization."}]
    assert not Assignment.objects.for_org(org).exists()
    assert not Assignment.objects.for_org(other_org).exists()


def test_overlap_and_inactive_person_are_refused(org):
    a = AssignmentFactory(organization=org)
    gone = PersonFactory(organization=org, is_active=False)
    client = client_for(member(org, "admin"))
    response = client.post(url(org, LIST), payload(org, a.pod, a.person), format="json")
    assert response.status_code == 400 and error_fields(response) == {"person"}
    response = client.post(url(org, LIST), payload(org, a.pod, gone), format="json")
    assert response.status_code == 400 and error_fields(response) == {"person"}
    assert Assignment.objects.for_org(org).count() == 1


def test_update_checks_dates_against_the_stored_ones(org):
    a = AssignmentFactory(organization=org, start_date=TODAY() - datetime.timedelta(10))
    client = client_for(member(org, "admin"))
    too_early = (TODAY() - datetime.timedelta(20)).isoformat()
    response = client.patch(url(org, DETAIL, pk=a.pk), {"end_date": too_early}, format="json")
    assert response.status_code == 400 and error_fields(response) == {"end_date"}
    response = client.patch(url(org, DETAIL, pk=a.pk), {"role": role(org, "domain_expert").pk,
                                                        "allocation_percent": 101}, format="json")
    assert response.status_code == 400 and error_fields(response) == {"allocation_percent"}
    a.refresh_from_db()
    assert a.end_date is None and a.role.key == "ml_engineer"
    response = client.patch(url(org, DETAIL, pk=a.pk), {"role": role(org, "domain_expert").pk},
                            format="json")
    assert response.status_code == 200 and response.json()["role_name"] == "Domain expert"


def test_update_refuses_another_orgs_role(org, other_org):
    a = AssignmentFactory(organization=org)
    response = client_for(member(org, "admin")).patch(
        url(org, DETAIL, pk=a.pk), {"role": role(other_org, "pod_lead").pk}, format="json")
    assert response.status_code == 400 and error_fields(response) == {"role"}
    a.refresh_from_db()
    assert a.role.organization_id == org.pk


# --- end -----------------------------------------------------------------------------------------


def test_end_on_a_date_and_remove_a_future_one(org):
    running = AssignmentFactory(organization=org, start_date=TODAY() - datetime.timedelta(10))
    future = AssignmentFactory(organization=org, start_date=TODAY() + datetime.timedelta(5))
    client = client_for(member(org, "admin"))
    day = (TODAY() - datetime.timedelta(2)).isoformat()
    response = client.post(url(org, END, pk=running.pk), {"end_date": day}, format="json")
    assert response.status_code == 200 and response.json()["end_date"] == day
    response = client.post(url(org, END, pk=future.pk), {}, format="json")
    assert response.status_code == 204
    assert not Assignment.objects.for_org(org).filter(pk=future.pk).exists()


def test_end_before_start_is_400_not_a_delete(org):
    a = AssignmentFactory(organization=org, start_date=TODAY() - datetime.timedelta(10))
    response = client_for(member(org, "admin")).post(
        url(org, END, pk=a.pk), {"end_date": (TODAY() - datetime.timedelta(30)).isoformat()},
        format="json")
    assert response.status_code == 400 and error_fields(response) == {"end_date"}
    a.refresh_from_db()
    assert a.end_date is None


def test_list_queries_are_constant(org, django_assert_max_num_queries):
    client = client_for(member(org))
    assert_constant_queries(
        django_assert_max_num_queries, lambda: client.get(url(org, LIST), {"active": "true"}),
        lambda n: AssignmentFactory.create_batch(n, organization=org), bound=4)
