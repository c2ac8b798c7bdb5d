"""No 5xx from bad input: NUL characters, half-sent nested items, unknown API paths, error pages."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from config.views import server_error
from governance.services.matrix import governance_seed_defaults
from tenancy.imports import ImportRejected, people_import_csv
from tenancy.models import Person
from tests.api.helpers import client_for, error_fields, url
from tests.factories import PersonFactory, SkillFactory, member, pod_lead

pytestmark = pytest.mark.django_db
NUL = "\u0000"


def test_nul_in_the_risk_tier_of_a_deployment_is_a_400_for_any_member(org):
    governance_seed_defaults(organization=org)
    _m, _person, pod = pod_lead(org)
    plain = member(org, "member")
    r = client_for(plain).post(url(org, "governance_api:deployment-list"), {
        "pod": pod.pk, "model": "m", "version": "1", "risk_tier": f"lo{NUL}w",
        "results": {"performance": 0.9}}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"risk_tier"}


def test_nul_in_an_escalations_decision_type_is_a_400(org):
    governance_seed_defaults(organization=org)
    lead, _person, pod = pod_lead(org)
    r = client_for(lead).post(url(org, "governance_api:escalation-list"), {
        "pod": pod.pk, "decision_type": f"x{NUL}", "risk_tier": "low", "context": "c"}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"decision_type"}


def test_nul_nested_in_a_list_names_its_path(org):
    r = client_for(member(org, "admin")).post(url(org, "pods_api:person-list"), {
        "full_name": "A", "skills": [{"skill": 1, "level": f"2{NUL}"}]}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"skills[0].level"}


def test_nul_in_a_query_string_is_a_400(org):
    r = client_for(member(org)).get(url(org, "pods_api:pod-list"), {"status": f"active{NUL}"})
    assert r.status_code == 400 and error_fields(r) == {"status"}


def test_nul_in_a_page_form_is_a_400_page_naming_the_field(client, org):
    admin = member(org, "admin")
    client.force_login(admin.user)
    r = client.post(reverse("pods:pod_create", args=[org.slug]), {"name": f"Pod{NUL}", "mission": ""})
    assert r.status_code == 400
    assert b"name" in r.content and b"NUL" in r.content
    assert not org.pk or not Person.objects.for_org(org).exists()


def test_nul_in_a_people_csv_cell_is_a_row_error(org):
    data = f"full_name,email\nAda,ada@example.com\nBob{NUL},bob@example.com\n"
    with pytest.raises(ImportRejected) as info:
        people_import_csv(organization=org, actor=None, data=data.encode())
    assert [(e.row, e.field) for e in info.value.errors] == [(3, "full_name")]
    assert not Person.objects.for_org(org).exists()


def test_control_characters_are_refused_like_nul_but_tabs_and_line_breaks_are_text(org):
    """"é" and 300 U+001C: `str.strip()` took them for whitespace, so the comment passed its
    length limit and was stored as "é" (schemathesis: a schema-violating request accepted)."""
    governance_seed_defaults(organization=org)
    lead, _person, pod = pod_lead(org)
    api = client_for(lead)
    r = api.post(url(org, "governance_api:escalation-list"), {
        "pod": pod.pk, "decision_type": "x", "risk_tier": "low", "context": "é" + "\x1c" * 300}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"context"}
    assert "control characters" in r.json()["detail"]
    r = api.get(url(org, "pods_api:pod-list"), {"q": "a\x07"})
    assert r.status_code == 400 and error_fields(r) == {"q"}
    # Tabs and line breaks are ordinary text, as is a backslash written before "u001c".
    r = api.post(url(org, "pods_api:pod-list"), {"name": "Tabs\tand\r\nlines \\u001c"}, format="json")
    assert b"control characters" not in r.content, r.content
    data = "full_name,email\nA\x0bda,ada@example.com\n"
    with pytest.raises(ImportRejected) as info:
        people_import_csv(organization=org, actor=None, data=data.encode())
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "full_name")]


def test_patch_with_a_skill_item_missing_its_skill_is_a_400(org):
    person = PersonFactory(organization=org)
    SkillFactory(organization=org)
    r = client_for(member(org, "admin")).patch(url(org, "pods_api:person-detail", pk=person.pk),
                                                {"skills": [{"level": 3}]}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"skills[0].skill"}


@pytest.mark.parametrize("method, path_name", [("get", "nowhere/"), ("delete", "pods/")])
def test_api_errors_are_json_for_unknown_paths_and_methods(org, method, path_name):
    client = client_for(member(org))
    r = getattr(client, method)(f"/api/v1/o/{org.slug}/{path_name}")
    assert r.status_code in (404, 405)
    assert r["Content-Type"].startswith("application/json")
    assert set(r.json()) == {"detail", "errors"}


def test_api_unauthenticated_is_json(org):
    r = APIClient().get(url(org, "pods_api:pod-list"))
    assert r.status_code in (401, 403) and r["Content-Type"].startswith("application/json")


def test_api_500_is_json_and_page_500_is_styled():
    request = RequestFactory().get("/api/v1/o/x/pods/")
    r = server_error(request)
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    page = server_error(RequestFactory().get("/o/x/"))
    assert page.status_code == 500 and b"Something went wrong" in page.content and b'class="brand"' in page.content


def test_page_404_is_styled_with_navigation(client, org):
    client.force_login(member(org).user)
    r = client.get(f"/o/{org.slug}/pods/999999/")
    assert r.status_code == 404
    assert b"Not found" in r.content and b"<nav" in r.content and b"Pods</a>" in r.content


def test_page_403_is_styled(client, org):
    client.force_login(member(org).user)  # a plain member cannot open the members page
    r = client.get(reverse("tenancy:members", args=[org.slug]))
    assert r.status_code == 403
    assert b"Not allowed" in r.content and b"<nav" in r.content
