"""A pod's versioned charter over the API: versions, one version, writing the next one."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pods.models import Charter
from tests.api.helpers import assert_constant_queries, client_for, error_fields, ids, url
from tests.factories import CharterFactory, PodFactory, member, pod_lead

pytestmark = pytest.mark.django_db

LIST = "pods_api:pod-charter-list"
DETAIL = "pods_api:pod-charter-detail"


def versions(org, pod):
    return list(Charter.objects.for_org(org).filter(pod=pod).values_list("version", flat=True)
                .order_by("version"))


def test_list_newest_first_and_one_version(org):
    pod = PodFactory(organization=org)
    v1 = CharterFactory(organization=org, pod=pod, version=1, mission="First")
    v2 = CharterFactory(organization=org, pod=pod, version=2, mission="Second")
    client = client_for(member(org))
    assert ids(client.get(url(org, LIST, pod_pk=pod.pk))) == [v2.pk, v1.pk]
    response = client.get(url(org, DETAIL, pod_pk=pod.pk, pk=1))
    assert response.status_code == 200
    assert response.json()["mission"] == "First" and response.json()["version"] == 1
    assert client.get(url(org, DETAIL, pod_pk=pod.pk, pk=3)).status_code == 404


def test_other_orgs_pod_is_404_everywhere(org, other_org):
    foreign = PodFactory(organization=other_org)
    CharterFactory(organization=other_org, pod=foreign)
    client = client_for(member(org, "admin"))
    assert client.get(url(org, LIST, pod_pk=foreign.pk)).status_code == 404
    assert client.get(url(org, DETAIL, pod_pk=foreign.pk, pk=1)).status_code == 404
    response = client.post(url(org, LIST, pod_pk=foreign.pk), {"mission": "Mine"}, format="json")
    assert response.status_code == 404
    assert versions(other_org, foreign) == [1]


def test_version_of_another_pod_is_not_reachable_through_this_pod(org):
    pod, other = PodFactory(organization=org), PodFactory(organization=org)
    CharterFactory(organization=org, pod=other, version=1)
    client = client_for(member(org))
    assert client.get(url(org, DETAIL, pod_pk=pod.pk, pk=1)).status_code == 404


def test_write_new_versions_and_unchanged_text_writes_nothing(org):
    lead, _, pod = pod_lead(org)
    client = client_for(lead)
    review = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    body = {"mission": "Cut churn", "scope_in": "Retention models", "next_review_date": review,
            "change_note": "First draft"}
    response = client.post(url(org, LIST, pod_pk=pod.pk), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    assert response.json()["author_email"] == lead.user.email
    response = client.post(url(org, LIST, pod_pk=pod.pk), body, format="json")
    assert response.status_code == 200 and response.json()["version"] == 1
    response = client.post(url(org, LIST, pod_pk=pod.pk), body | {"mission": "Cut churn by 5%"},
                           format="json")
    assert response.status_code == 201 and response.json()["version"] == 2
    assert response.json()["scope_in"] == "Retention models"
    assert versions(org, pod) == [1, 2]


def test_review_date_defaults_to_the_org_interval(org):
    pod = PodFactory(organization=org)
    response = client_for(member(org, "admin")).post(url(org, LIST, pod_pk=pod.pk),
                                                     {"mission": "Ship"}, format="json")
    assert response.status_code == 201
    expected = timezone.localdate() + datetime.timedelta(days=org.charter_review_days)
    assert response.json()["next_review_date"] == expected.isoformat()


@pytest.mark.parametrize("who, allowed", [("admin", True), ("lead", True), ("sponsor", True),
                                          ("other_lead", False), ("leader", False),
                                          ("member", False)])
def test_write_by_role(org, who, allowed):
    lead, _, pod = pod_lead(org)
    sponsor = member(org, "leader")
    PodFactory._meta.model.objects.for_org(org).filter(pk=pod.pk).update(sponsor=sponsor)
    actor = {"admin": lambda: member(org, "admin"), "lead": lambda: lead,
             "sponsor": lambda: sponsor, "other_lead": lambda: pod_lead(org)[0],
             "leader": lambda: member(org, "leader"), "member": lambda: member(org)}[who]()
    response = client_for(actor).post(url(org, LIST, pod_pk=pod.pk), {"mission": "Ours"},
                                      format="json")
    if allowed:
        assert response.status_code == 201, response.content
        assert versions(org, pod) == [1]
    else:
        assert response.status_code == 403
        assert versions(org, pod) == []


@pytest.mark.parametrize("body, field", [
    ({}, "mission"),
    ({"mission": ""}, "mission"),
    ({"mission": "m" * 4001}, "mission"),
    ({"mission": "ok", "needed_skills": "s" * 2001}, "needed_skills"),
    ({"mission": "ok", "change_note": "c" * 201}, "change_note"),
    ({"mission": "ok", "next_review_date": "soon"}, "next_review_date"),
    ({"mission": "ok", "next_review_date": "2000-01-01"}, "next_review_date"),
])
def test_write_bad_input(org, body, field):
    pod = PodFactory(organization=org)
    response = client_for(member(org, "admin")).post(url(org, LIST, pod_pk=pod.pk), body,
                                                     format="json")
    assert response.status_code == 400
    assert error_fields(response) == {field}
    assert versions(org, pod) == []


def test_list_queries_are_constant(org, django_assert_max_num_queries):
    pod = PodFactory(organization=org)
    client = client_for(member(org))
    authors = [member(org, "admin").user for _ in range(3)]
    counter = iter(range(1, 1000))

    def grow(n):
        for _ in range(n):
            CharterFactory(organization=org, pod=pod, version=next(counter),
                           author=authors[n % 3])

    assert_constant_queries(django_assert_max_num_queries,
                            lambda: client.get(url(org, LIST, pod_pk=pod.pk)), grow, bound=5)
