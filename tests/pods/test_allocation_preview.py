"""The add-member form warns, before saving, when the person would go over 100% (issue 15)."""

from __future__ import annotations

import pytest

from tests.factories import AssignmentFactory, OrganizationFactory, PersonFactory, pod_lead

pytestmark = pytest.mark.django_db


def preview(client, org, pod, **params):
    url = f"/o/{org.slug}/pods/{pod.pk}/members/"
    return client.get(url, {"preview": "allocation", **params}, HTTP_HX_REQUEST="true")


def test_preview_warns_when_the_person_would_pass_100_percent(client, org):
    membership, _person, pod = pod_lead(org)
    ada = PersonFactory(organization=org, full_name="Ada Lovelace")
    AssignmentFactory(organization=org, person=ada, allocation_percent=80)
    client.force_login(membership.user)
    page = client.get(f"/o/{org.slug}/pods/{pod.pk}/").content.decode()
    assert 'id="allocation-preview"' in page and """hx-vals='{"preview": "allocation"}'""" in page
    body = preview(client, org, pod, person=ada.pk, allocation_percent=70).content.decode()
    assert "already allocated 80% elsewhere" in body and "<strong>150%</strong>" in body
    assert "over 100%" in body
    body = preview(client, org, pod, person=ada.pk, allocation_percent=20).content.decode()
    assert "over 100%" not in body and "with this, 100%" in body


def test_preview_says_nothing_for_bad_input_or_another_orgs_person(client, org):
    membership, _person, pod = pod_lead(org)
    other = OrganizationFactory()
    stranger = PersonFactory(organization=other, full_name="Zed Stranger")
    AssignmentFactory(organization=other, person=stranger, allocation_percent=100)
    client.force_login(membership.user)
    for params in (
        {"person": stranger.pk, "allocation_percent": 50},
        {"person": "x", "allocation_percent": 50},
        {"person": "", "allocation_percent": ""},
        {"person": 1, "allocation_percent": "9" * 40},
    ):
        r = preview(client, org, pod, **params)
        assert r.status_code == 200 and r.content.decode().strip() == "", params


def test_member_search_keeps_the_person_already_picked(client, org):
    membership, _person, pod = pod_lead(org)
    ada = PersonFactory(organization=org, full_name="Ada Lovelace")
    client.force_login(membership.user)
    body = client.get(
        f"/o/{org.slug}/pods/{pod.pk}/members/candidates/", {"person_search": "Ada", "person": ada.pk}
    ).content.decode()
    assert f'<option value="{ada.pk}" selected>' in body
    page = client.get(f"/o/{org.slug}/pods/{pod.pk}/").content.decode()
    assert 'hx-include="#id_person"' in page
