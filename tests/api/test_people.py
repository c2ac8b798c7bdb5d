"""The people directory over the API: skills, running allocation, filters, writes by role."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tenancy.models import Person, PersonSkill
from tests.api.helpers import assert_constant_queries, client_for, error_fields, ids, url
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
    member,
)

pytestmark = pytest.mark.django_db

LIST = "pods_api:person-list"
DETAIL = "pods_api:person-detail"


def test_list_has_skills_and_running_allocation(org, other_org):
    person = PersonFactory(organization=org, full_name="Ada Lovelace")
    PersonSkillFactory(organization=org, person=person, skill=SkillFactory(organization=org,
                                                                            name="NLP"), level=4)
    AssignmentFactory(organization=org, person=person, allocation_percent=60)
    AssignmentFactory(organization=org, person=person, allocation_percent=30)
    ended = timezone.localdate() - timezone.timedelta(days=1)
    AssignmentFactory(organization=org, person=person, allocation_percent=50,
                      start_date=ended - timezone.timedelta(days=9), end_date=ended)
    PersonFactory(organization=other_org)
    response = client_for(member(org)).get(url(org, LIST))
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert person.pk in rows and len(rows) == Person.objects.for_org(org).count()
    assert rows[person.pk]["total_allocation"] == 90
    assert rows[person.pk]["skills"] == [{"skill": person.skills.get().skill_id, "name": "NLP",
                                          "level": 4}]


def test_filters(org):
    nlp = SkillFactory(organization=org, name="NLP")
    ada = PersonFactory(organization=org, full_name="Ada", kind="employee")
    bob = PersonFactory(organization=org, full_name="Bob", kind="bench", title="ML consultant")
    gone = PersonFactory(organization=org, full_name="Cy", is_active=False)
    PersonSkillFactory(organization=org, person=ada, skill=nlp)
    client = client_for(member(org))
    get = lambda **q: ids(client.get(url(org, LIST), q))
    assert get() == [ada.pk, bob.pk]
    assert get(q="consult") == [bob.pk]
    assert get(kind="bench") == [bob.pk]
    assert get(skill=nlp.pk) == [ada.pk]
    assert get(active="false") == [gone.pk]
    assert get(active="all") == [ada.pk, bob.pk, gone.pk]


@pytest.mark.parametrize("query, field", [({"kind": "robot"}, "kind"), ({"skill": "x"}, "skill"),
                                          ({"active": "maybe"}, "active")])
def test_bad_filters_are_400(org, query, field):
    response = client_for(member(org)).get(url(org, LIST), query)
    assert response.status_code == 400 and error_fields(response) == {field}


def test_detail_includes_inactive_and_hides_other_orgs(org, other_org):
    gone = PersonFactory(organization=org, is_active=False)
    foreign = PersonFactory(organization=other_org)
    client = client_for(member(org))
    assert client.get(url(org, DETAIL, pk=gone.pk)).json()["is_active"] is False
    assert client.get(url(org, DETAIL, pk=foreign.pk)).status_code == 404


@pytest.mark.parametrize("who, allowed", [("owner", True), ("admin", True), ("leader", False),
                                          ("member", False)])
def test_create_by_role(org, who, allowed):
    skill = SkillFactory(organization=org)
    response = client_for(member(org, who)).post(url(org, LIST), {
        "full_name": "Grace Hopper", "email": "GRACE@example.test", "kind": "contractor",
        "weekly_capacity_hours": 20, "skills": [{"skill": skill.pk, "level": 5}],
    }, format="json")
    if allowed:
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["email"] == "grace@example.test" and body["total_allocation"] == 0
        assert body["skills"] == [{"skill": skill.pk, "name": skill.name, "level": 5}]
    else:
        assert response.status_code == 403
        assert not Person.objects.for_org(org).filter(full_name="Grace Hopper").exists()


def test_create_links_a_login_of_this_org_only(org, other_org):
    mine, theirs = member(org), member(other_org)
    client = client_for(member(org, "admin"))
    response = client.post(url(org, LIST), {"full_name": "A", "user": mine.user_id}, format="json")
    assert response.status_code == 201 and response.json()["user"] == mine.user_id
    response = client.post(url(org, LIST), {"full_name": "B", "user": theirs.user_id},
                           format="json")
    assert response.status_code == 400 and error_fields(response) == {"user"}


@pytest.mark.parametrize("payload, field", [
    ({"full_name": ""}, "full_name"),
    ({"full_name": "x" * 151}, "full_name"),
    ({"full_name": "A", "email": "not-an-email"}, "email"),
    ({"full_name": "A", "title": "t" * 121}, "title"),
    ({"full_name": "A", "kind": "robot"}, "kind"),
    ({"full_name": "A", "weekly_capacity_hours": 81}, "weekly_capacity_hours"),
    ({"full_name": "A", "weekly_capacity_hours": -1}, "weekly_capacity_hours"),
    ({"full_name": "A", "is_active": False}, "is_active"),
    ({"full_name": "A", "skills": [{"skill": 999999, "level": 3}]}, "skills[0].skill"),
    ({"full_name": "A", "skills": [{"skill": "SKILL", "level": 0}]}, "skills[0].level"),
])
def test_create_bad_input(org, payload, field):
    if payload.get("skills") and payload["skills"][0]["skill"] == "SKILL":
        payload["skills"][0]["skill"] = SkillFactory(organization=org).pk
    response = client_for(member(org, "admin")).post(url(org, LIST), payload, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {field}
    assert not Person.objects.for_org(org).exists()


def test_create_refuses_skill_of_another_org_and_duplicates(org, other_org):
    foreign = SkillFactory(organization=other_org)
    mine = SkillFactory(organization=org)
    client = client_for(member(org, "admin"))
    response = client.post(url(org, LIST), {"full_name": "A",
                                            "skills": [{"skill": foreign.pk, "level": 3}]},
                           format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "skills[0].skill",
                                          "message": "Not found in this organization."}]
    response = client.post(url(org, LIST), {"full_name": "A", "skills": [
        {"skill": mine.pk, "level": 3}, {"skill": mine.pk, "level": 4}]}, format="json")
    assert response.status_code == 400 and error_fields(response) == {"skills"}
    assert not Person.objects.for_org(org).exists()
    assert not PersonSkill.objects.for_org(org).exists()


def test_duplicate_email_is_a_field_error(org):
    PersonFactory(organization=org, email="dup@example.test")
    response = client_for(member(org, "admin")).post(
        url(org, LIST), {"full_name": "Dup", "email": "Dup@example.test"}, format="json")
    assert response.status_code == 400 and error_fields(response) == {"email"}


def test_update_replaces_skills_only_when_sent(org):
    a, b = SkillFactory(organization=org), SkillFactory(organization=org)
    person = PersonFactory(organization=org)
    PersonSkillFactory(organization=org, person=person, skill=a, level=2)
    client = client_for(member(org, "admin"))
    response = client.patch(url(org, DETAIL, pk=person.pk), {"title": "Lead"}, format="json")
    assert response.status_code == 200
    assert [s["skill"] for s in response.json()["skills"]] == [a.pk]
    response = client.patch(url(org, DETAIL, pk=person.pk),
                            {"skills": [{"skill": b.pk, "level": 5}], "is_active": False},
                            format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["skills"] == [{"skill": b.pk, "name": b.name, "level": 5}]
    assert body["is_active"] is False and body["title"] == "Lead"


@pytest.mark.parametrize("who", ["leader", "member"])
def test_update_refused_for_non_admins(org, who):
    person = PersonFactory(organization=org, title="Engineer")
    response = client_for(member(org, who)).patch(url(org, DETAIL, pk=person.pk),
                                                  {"title": "Boss"}, format="json")
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.title == "Engineer"


def test_update_of_another_orgs_person_is_404(org, other_org):
    foreign = PersonFactory(organization=other_org, title="Engineer")
    response = client_for(member(org, "admin")).patch(url(org, DETAIL, pk=foreign.pk),
                                                      {"title": "Mine"}, format="json")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Engineer"


def test_list_queries_are_constant(org, django_assert_max_num_queries):
    client = client_for(member(org))
    skills = SkillFactory.create_batch(2, organization=org)

    def grow(n):
        for _ in range(n):
            person = PersonFactory(organization=org, user=member(org).user)
            for skill in skills:
                PersonSkillFactory(organization=org, person=person, skill=skill)
            AssignmentFactory(organization=org, person=person, allocation_percent=40)

    assert_constant_queries(django_assert_max_num_queries,
                            lambda: client.get(url(org, LIST)), grow, bound=5)
