"""The organization, its members, skills and pod roles over the API."""

from __future__ import annotations

import pytest

from pods.models import PodRole
from tenancy.models import Skill
from tests.api.helpers import assert_constant_queries, client_for, error_fields, ids, url
from tests.factories import PersonSkillFactory, SkillFactory, member

pytestmark = pytest.mark.django_db


def test_organization_with_settings(org):
    response = client_for(member(org)).get(url(org, "tenancy_api:organization"))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == org.pk and body["name"] == org.name
    assert (body["pod_size_min"], body["pod_size_max"]) == (3, 7)
    assert body["protected_time_threshold"] == 80


def test_organization_settings_only_are_writable(org):
    # PATCH changes what the settings page changes (tests/api/test_org_admin.py); the slug, which
    # every URL names, is not among them.
    client = client_for(member(org, "owner"))
    response = client.patch(url(org, "tenancy_api:organization"), {"slug": "elsewhere"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "slug"
    response = client.patch(url(org, "tenancy_api:organization"), {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    org.refresh_from_db()
    assert org.name == "Renamed" and org.slug != "elsewhere"


def test_members_of_this_org_only(org, other_org):
    mine = [member(org, "admin"), member(org)]
    member(other_org)
    response = client_for(mine[1]).get(url(org, "tenancy_api:member-list"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert sorted(r["id"] for r in rows) == sorted(m.pk for m in mine)
    by_id = {r["id"]: r for r in rows}
    assert by_id[mine[0].pk]["role"] == "admin"
    assert by_id[mine[0].pk]["email"] == mine[0].user.email
    assert by_id[mine[0].pk]["user_id"] == mine[0].user_id


def test_members_queries_are_constant(org, django_assert_max_num_queries):
    client = client_for(member(org))
    assert_constant_queries(django_assert_max_num_queries,
                            lambda: client.get(url(org, "tenancy_api:member-list")),
                            lambda n: [member(org) for _ in range(n)], bound=4)


# --- skills --------------------------------------------------------------------------------------


def test_skills_list_with_holders(org, other_org):
    nlp = SkillFactory(organization=org, name="NLP")
    PersonSkillFactory.create_batch(2, organization=org, skill=nlp)
    SkillFactory(organization=other_org, name="Other")
    response = client_for(member(org)).get(url(org, "tenancy_api:skill-list"))
    assert ids(response) == [nlp.pk]
    assert response.json()["results"][0]["holder_count"] == 2


@pytest.mark.parametrize("who, allowed", [("admin", True), ("leader", True), ("member", False)])
def test_skill_create_by_role(org, who, allowed):
    response = client_for(member(org, who)).post(url(org, "tenancy_api:skill-list"),
                                                 {"name": "Causal inference"}, format="json")
    if allowed:
        assert response.status_code == 201, response.content
        assert response.json()["holder_count"] == 0
        assert Skill.objects.for_org(org).filter(name="Causal inference").exists()
    else:
        assert response.status_code == 403
        assert not Skill.objects.for_org(org).exists()


@pytest.mark.parametrize("payload", [{"name": ""}, {"name": "n" * 81},
                                     {"name": "Ok", "description": "d" * 301}, {"name": "nlp"}])
def test_skill_create_bad_input(org, payload):
    SkillFactory(organization=org, name="NLP")
    response = client_for(member(org, "admin")).post(url(org, "tenancy_api:skill-list"), payload,
                                                     format="json")
    assert response.status_code == 400
    assert error_fields(response) <= {"name", "description"} and error_fields(response)
    assert Skill.objects.for_org(org).count() == 1


def test_same_skill_name_in_another_org_is_fine(org, other_org):
    SkillFactory(organization=other_org, name="NLP")
    response = client_for(member(org, "admin")).post(url(org, "tenancy_api:skill-list"),
                                                     {"name": "NLP"}, format="json")
    assert response.status_code == 201


def test_skills_queries_are_constant(org, django_assert_max_num_queries):
    client = client_for(member(org))
    assert_constant_queries(
        django_assert_max_num_queries, lambda: client.get(url(org, "tenancy_api:skill-list")),
        lambda n: [PersonSkillFactory(organization=org) for _ in range(n)], bound=4)


# --- pod roles ------------------------------------------------------------------------------------


def test_roles_are_the_org_defaults(org, other_org):
    response = client_for(member(org)).get(url(org, "pods_api:role-list"))
    rows = response.json()["results"]
    assert len(rows) == 6 == PodRole.objects.for_org(org).count()
    assert rows[0]["key"] == "pod_lead" and rows[0]["is_lead"] is True
    assert set(ids(response)) == set(PodRole.objects.for_org(org).values_list("pk", flat=True))


@pytest.mark.parametrize("who, allowed", [("owner", True), ("admin", True), ("leader", False),
                                          ("member", False)])
def test_role_create_by_role(org, who, allowed):
    response = client_for(member(org, who)).post(url(org, "pods_api:role-list"),
                                                 {"name": "Ethicist", "description": "Reviews"},
                                                 format="json")
    exists = PodRole.objects.for_org(org).filter(name="Ethicist").exists()
    if allowed:
        assert response.status_code == 201, response.content
        assert response.json()["key"] == "ethicist" and exists
    else:
        assert response.status_code == 403 and not exists


@pytest.mark.parametrize("payload, field", [({"name": "ML engineer"}, "name"),
                                            ({"name": "r" * 81}, "name"),
                                            ({"name": "Ok", "description": "d" * 301},
                                             "description"),
                                            ({"name": "Ok", "is_lead": "sometimes"}, "is_lead")])
def test_role_create_bad_input(org, payload, field):
    response = client_for(member(org, "admin")).post(url(org, "pods_api:role-list"), payload,
                                                     format="json")
    assert response.status_code == 400 and error_fields(response) == {field}
    assert PodRole.objects.for_org(org).count() == 6


def test_roles_queries_are_constant(org, django_assert_max_num_queries):
    from pods.services import pod_role_create

    admin = member(org, "admin")
    client = client_for(admin)
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            pod_role_create(organization=org, actor=admin.user, name=f"Role {next(counter)}")

    assert_constant_queries(django_assert_max_num_queries,
                            lambda: client.get(url(org, "pods_api:role-list")), grow, bound=4)
