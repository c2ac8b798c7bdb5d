import datetime

import pytest
from django.utils import timezone

from pods.models import Assignment, Charter, Pod
from tenancy.models import AuditEvent
from tests.factories import (
    AssignmentFactory,
    CharterFactory,
    PersonFactory,
    PersonSkillFactory,
    member,
    pod_lead,
    role,
)

TODAY = timezone.localdate()


@pytest.fixture
def roles(org):
    """One user per role that matters for pods: admin, leader, the pod's lead, another lead, member."""
    lead_m, lead_person, pod = pod_lead(org)
    other_lead, _, other_pod = pod_lead(org)
    return {
        "admin": member(org, "admin").user,
        "leader": member(org, "leader").user,
        "lead": lead_m.user,
        "other_lead": other_lead.user,
        "member": member(org, "member").user,
        "pod": pod,
    }


CAN_RUN_POD = {"admin", "lead"}


@pytest.mark.parametrize("who", ["admin", "leader", "lead", "other_lead", "member"])
def test_who_may_edit_a_pod_its_members_and_charter(client, org, roles, who):
    client.force_login(roles[who])
    pod = roles["pod"]
    base = f"/o/{org.slug}/pods/{pod.pk}"
    allowed = who in CAN_RUN_POD
    page = client.get(f"{base}/").content.decode()
    assert ("Edit pod" in page) is allowed
    assert ("Add a member" in page) is allowed
    assert client.get(f"{base}/edit/").status_code == (200 if allowed else 403)
    assert client.get(f"{base}/charter/edit/").status_code == (200 if allowed else 403)
    response = client.post(f"{base}/charter/edit/", {"mission": "New mission"})
    assert response.status_code == (302 if allowed else 403)
    assert Charter.objects.for_org(org).filter(pod=pod).exists() is allowed
    person = PersonFactory(organization=org)
    response = client.post(f"{base}/members/", {
        "person": person.pk, "role": role(org).pk, "allocation_percent": 50,
        "start_date": TODAY.isoformat()})
    assert response.status_code == (302 if allowed else 403)
    assert Assignment.objects.for_org(org).filter(person=person).exists() is allowed


@pytest.mark.parametrize("who, allowed", [("admin", True), ("leader", True), ("lead", True),
                                          ("member", False)])
def test_who_may_create_a_pod(client, org, roles, who, allowed):
    client.force_login(roles[who])
    assert client.get(f"/o/{org.slug}/pods/new/").status_code == (200 if allowed else 403)
    response = client.post(f"/o/{org.slug}/pods/new/", {"name": "Fresh pod", "status": "forming"})
    assert response.status_code == (302 if allowed else 403)
    assert Pod.objects.for_org(org).filter(name="Fresh pod").exists() is allowed


def test_creating_a_pod_as_lead_assigns_the_creator(client, org, roles):
    client.force_login(roles["lead"])
    response = client.post(f"/o/{org.slug}/pods/new/", {"name": "Mine", "status": "forming", "lead_self": "on"})
    pod = Pod.objects.for_org(org).get(name="Mine")
    assert response["Location"] == f"/o/{org.slug}/pods/{pod.pk}/"
    a = Assignment.objects.for_org(org).get(pod=pod)
    assert a.role.is_lead and a.person.user == roles["lead"] and a.allocation_percent == 100


@pytest.mark.parametrize("who, allowed", [("admin", True), ("leader", False), ("lead", False),
                                          ("member", False)])
def test_admin_pages(client, org, roles, who, allowed):
    client.force_login(roles[who])
    for url in ("members/", "settings/", "audit/", "people/new/", "people/import/"):
        assert client.get(f"/o/{org.slug}/{url}").status_code == (200 if allowed else 403), url
    page = client.get(f"/o/{org.slug}/people/").content.decode()
    assert ("Import CSV" in page) is allowed


def test_htmx_add_member_returns_members_panel_and_triggers_health(client, org, roles):
    client.force_login(roles["lead"])
    pod = roles["pod"]
    person = PersonFactory(organization=org, full_name="Inline Added")
    response = client.post(f"/o/{org.slug}/pods/{pod.pk}/members/", {
        "person": person.pk, "role": role(org).pk, "allocation_percent": 80,
        "start_date": TODAY.isoformat()}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "podChanged"
    body = response.content.decode()
    assert "Inline Added" in body and "<html" not in body
    health = client.get(f"/o/{org.slug}/pods/{pod.pk}/health/", HTTP_HX_REQUEST="true")
    assert "2 members" in health.content.decode()


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"allocation_percent": 150}, "Ensure this value is less than or equal to 100"),
        ({"allocation_percent": -1}, "Ensure this value is greater than or equal to 1"),
        ({"end_date": (TODAY - datetime.timedelta(days=2)).isoformat()}, "cannot be before the start"),
        ({"person": 999999}, "Select a valid choice"),
    ],
)
def test_htmx_add_member_bad_input_shows_field_error_and_writes_nothing(client, org, roles, data, field_error):
    client.force_login(roles["lead"])
    pod = roles["pod"]
    person = PersonFactory(organization=org)
    before = (Assignment.objects.for_org(org).count(), AuditEvent.objects.for_org(org).count())
    payload = {"person": person.pk, "role": role(org).pk, "allocation_percent": 50,
               "start_date": TODAY.isoformat()} | data
    response = client.post(f"/o/{org.slug}/pods/{pod.pk}/members/", payload, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert (Assignment.objects.for_org(org).count(), AuditEvent.objects.for_org(org).count()) == before


def test_foreign_person_id_is_a_form_error(client, org, other_org, roles):
    client.force_login(roles["admin"])
    foreign = PersonFactory(organization=other_org)
    response = client.post(f"/o/{org.slug}/pods/{roles['pod'].pk}/members/", {
        "person": foreign.pk, "role": role(org).pk, "allocation_percent": 50,
        "start_date": TODAY.isoformat()})
    assert response.status_code == 400
    assert not Assignment.objects.for_org(other_org).filter(pod__organization=org).exists()


def test_pod_edit_page_redirects_with_a_message_or_answers_400(client, org, roles):
    client.force_login(roles["admin"])
    url = f"/o/{org.slug}/pods/{roles['pod'].pk}/edit/"
    assert client.post(url, {"name": "", "status": "nope"}).status_code == 400
    response = client.post(url, {"name": "Edited pod", "status": "active"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/o/{org.slug}/pods/{roles['pod'].pk}/"
    assert "Pod saved." in response.content.decode()


def test_org_home_filters_and_cache_follows_writes(client, org, roles):
    client.force_login(roles["admin"])
    CharterFactory(organization=org, pod=roles["pod"])
    url = f"/o/{org.slug}/"
    assert roles["pod"].name in client.get(url).content.decode()
    body = client.get(url + "?health=fail").content.decode()
    assert roles["pod"].name not in body
    client.post(f"/o/{org.slug}/pods/{roles['pod'].pk}/edit/", {"name": "Renamed pod", "status": "paused"})
    body = client.get(url).content.decode()
    assert "Renamed pod" in body, "a write must invalidate the cached pod list"
    assert "No pods match" in client.get(url + "?q=nothing-like-this").content.decode()
    partial = client.get(url + "?status=paused", HTTP_HX_REQUEST="true").content.decode()
    assert "Renamed pod" in partial and "<html" not in partial


def test_empty_states(client, org):
    user = member(org, "admin").user
    client.force_login(user)
    assert "No pods yet" in client.get(f"/o/{org.slug}/").content.decode()
    assert "directory is empty" in client.get(f"/o/{org.slug}/people/").content.decode()


def test_person_page_warns_when_over_allocated(client, org, roles):
    client.force_login(roles["member"])
    person = PersonFactory(organization=org)
    AssignmentFactory(organization=org, person=person, allocation_percent=70)
    AssignmentFactory(organization=org, person=person, allocation_percent=60)
    body = client.get(f"/o/{org.slug}/people/{person.pk}/").content.decode()
    assert "Over-allocated" in body and "130%" in body


def test_charter_history_and_diff_pages(client, org, roles):
    client.force_login(roles["lead"])
    pod = roles["pod"]
    base = f"/o/{org.slug}/pods/{pod.pk}/charter"
    client.post(f"{base}/edit/", {"mission": "First"})
    client.post(f"{base}/edit/", {"mission": "Second", "change_note": "clearer"})
    history = client.get(f"{base}/history/").content.decode()
    assert "v2" in history and "clearer" in history
    diff = client.get(f"{base}/diff/?a=1&b=2").content.decode()
    assert "- First" in diff and "+ Second" in diff
    assert client.get(f"{base}/diff/?a=1&b=9").status_code == 404
    assert client.get(f"{base}/diff/?a=x").status_code == 400


def _grow(org, n_pods, n_people):
    for _ in range(n_pods):
        _, _, pod = pod_lead(org)
        CharterFactory(organization=org, pod=pod)
        AssignmentFactory(organization=org, pod=pod, allocation_percent=50)
    for _ in range(n_people):
        PersonSkillFactory(organization=org)


PAGES = ["/", "/people/", "/audit/", "/members/", "/tokens/", "/roles/", "/skills/", "/settings/"]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("page", PAGES)
def test_list_pages_run_a_constant_number_of_queries(client, org, django_assert_max_num_queries,
                                                     size, page, htmx):
    admin = member(org, "admin").user
    _grow(org, size, size)
    client.force_login(admin)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with django_assert_max_num_queries(12):
        response = client.get(f"/o/{org.slug}{page}?page=1", **headers)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_pod_and_person_pages_constant_queries(client, org, django_assert_max_num_queries, size):
    admin = member(org, "admin").user
    _, person, pod = pod_lead(org)
    for i in range(size):
        AssignmentFactory(organization=org, pod=pod, allocation_percent=30)
        AssignmentFactory(organization=org, person=person, allocation_percent=5)
        CharterFactory(organization=org, pod=pod, version=i + 1)
    client.force_login(admin)
    for url in (f"/pods/{pod.pk}/", f"/people/{person.pk}/", f"/pods/{pod.pk}/charter/history/",
                f"/pods/{pod.pk}/health/", f"/pods/{pod.pk}/charter/diff/?a=1&b=2"):
        with django_assert_max_num_queries(12):
            assert client.get(f"/o/{org.slug}{url}").status_code == 200, url


def test_cached_org_home_runs_few_queries(client, org, django_assert_max_num_queries):
    _grow(org, 5, 0)
    admin = member(org, "admin").user
    client.force_login(admin)
    client.get(f"/o/{org.slug}/")
    with django_assert_max_num_queries(4):
        client.get(f"/o/{org.slug}/")


def test_member_picker_searches_people_not_already_in_the_pod(client, org, roles):
    pod = roles["pod"]
    PersonFactory(organization=org, full_name="Zelda Searchable")
    PersonFactory(organization=org, full_name="Other Person")
    inside = AssignmentFactory(organization=org, pod=pod, person__full_name="Zelda Inside").person
    url = f"/o/{org.slug}/pods/{pod.pk}/members/candidates/?person_search=zelda"
    client.force_login(roles["lead"])
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Zelda Searchable" in body and "Other Person" not in body and inside.full_name not in body
    client.force_login(roles["member"])
    assert client.get(url).status_code == 403


def test_ending_an_assignment_from_the_table_and_from_the_edit_page(client, org, roles):
    pod = roles["pod"]
    a = AssignmentFactory(organization=org, pod=pod, person__full_name="Leaving Soon")
    b = AssignmentFactory(organization=org, pod=pod, person__full_name="Leaving Later")
    client.force_login(roles["lead"])
    detail = client.get(f"/o/{org.slug}/pods/{pod.pk}/").content.decode()
    assert "Leaving Soon" in detail
    url = f"/o/{org.slug}/pods/{pod.pk}/members/{a.pk}/"
    response = client.post(url, {"action": "end"}, HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "podChanged"
    # Ending today keeps them listed through today, now with an end date: the cached table follows.
    assert f"→ {TODAY.isoformat()}" in response.content.decode()
    assert "End this assignment today" in client.get(f"/o/{org.slug}/pods/{pod.pk}/members/{b.pk}/").content.decode()
    client.post(f"/o/{org.slug}/pods/{pod.pk}/members/{b.pk}/", {"action": "end"})
    b.refresh_from_db()
    assert b.end_date == TODAY


def test_cached_pod_page_carries_each_sessions_own_csrf_token(org, roles):
    import re

    from django.test import Client

    tokens = []
    for _ in range(2):
        c = Client(enforce_csrf_checks=True)
        c.force_login(roles["lead"])
        body = c.get(f"/o/{org.slug}/pods/{roles['pod'].pk}/").content.decode()
        form = body[body.index('class="add-member"'):]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        tokens.append(token)
        person = PersonFactory(organization=org)
        response = c.post(f"/o/{org.slug}/pods/{roles['pod'].pk}/members/", {
            "csrfmiddlewaretoken": token, "person": person.pk, "role": role(org).pk,
            "allocation_percent": 10, "start_date": TODAY.isoformat()})
        assert response.status_code == 302, "the form's token must be valid for this session"
    assert tokens[0] != tokens[1]


def test_cached_org_home_never_echoes_another_users_query(client, org, roles):
    client.force_login(roles["admin"])
    too_long = "x" * 150  # invalid: the filters fall back to none
    assert too_long in client.get(f"/o/{org.slug}/?q={too_long}").content.decode()
    client.force_login(member(org, "admin").user)  # same rights, so the same cache entries
    assert too_long not in client.get(f"/o/{org.slug}/").content.decode()
