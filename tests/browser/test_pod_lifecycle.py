"""A pod lead's first hour, in a real browser: sign in, create a pod, staff it inline with htmx,
watch its health follow, write its charter. Plus the inline form's validation error."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.utils import timezone

from pods.models import Assignment, Pod
from tests.browser.plugin import sign_in
from tests.factories import OrganizationFactory, PersonFactory, pod_lead

pytestmark = pytest.mark.browser

POD_NAME = "Churn Radar"
MISSION = "Spot customers about to leave, early enough to keep them."


def expect(locator: Any):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


@pytest.fixture
def tenant(transactional_db: None) -> dict[str, Any]:
    """An org with the default pod roles, a lead (who leads a pod already) and three people."""
    # A fresh slug: with --reuse-db, rows a crashed earlier run left behind cannot collide.
    org = OrganizationFactory(name="Acme AI", slug=f"acme-{uuid.uuid4().hex[:8]}")
    membership, person, first_pod = pod_lead(org)
    people = {name: PersonFactory(organization=org, full_name=name)
              for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing")}
    return {"org": org, "lead": membership.user, "lead_person": person, "people": people}


def create_pod(page: Any, slug: str) -> None:
    page.goto(f"/o/{slug}/")
    page.get_by_role("link", name="New pod").click()
    expect(page.get_by_role("heading", name="New pod")).to_be_visible()
    page.fill("#id_name", POD_NAME)
    page.fill("#id_mission", MISSION)
    page.get_by_label("I lead this pod").check()


def add_member(page: Any, person: str, role: str, allocation: int | str) -> None:
    form = page.locator("#members-panel form.add-member")
    # Like a person would: search the directory, then pick the match the picker offers.
    form.get_by_label("Find a person").fill(person.split()[0])
    option = form.locator("select[name=person] option", has_text=person)
    expect(option).to_have_count(1)
    form.locator("select[name=person]").select_option(value=option.get_attribute("value"))
    form.locator("select[name=role]").select_option(label=role)
    form.locator("input[name=allocation_percent]").fill(str(allocation))
    form.locator("input[name=start_date]").fill(timezone.localdate().isoformat())
    form.get_by_role("button", name="Add member").click()


def mark_document(page: Any) -> None:
    """Tag the current document; the tag survives an htmx swap but not a full page load."""
    page.evaluate("window.__podiumNoReload = 'same-document'")


def assert_same_document(page: Any) -> None:
    assert page.evaluate("window.__podiumNoReload") == "same-document", "the page reloaded"


def real_errors(js_errors: list[str]) -> list[str]:
    # A 400 answer to an invalid htmx form is expected, and the app has no favicon (Chromium asks
    # for /favicon.ico): Chromium logs both as console errors.
    return [e for e in js_errors if "status of 400" not in e and "status of 404" not in e]


def test_lead_creates_staffs_and_charters_a_pod(page: Any, tenant: dict[str, Any],
                                                screenshot: Any, js_errors: list[str]) -> None:
    org, lead = tenant["org"], tenant["lead"]

    # Sign in through the login page.
    page.goto("/accounts/login/")
    screenshot("login")
    sign_in(page, lead.email)
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/$"))
    expect(page.get_by_role("link", name="New pod")).to_be_visible()
    screenshot("org-home")

    # New pod, led by me.
    create_pod(page, org.slug)
    expect(page.get_by_label("I lead this pod")).to_be_checked()
    screenshot("new-pod-form")
    page.get_by_role("button", name="Create pod").click()
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/pods/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(POD_NAME)
    expect(page.locator(".messages")).to_contain_text(f"Pod “{POD_NAME}” created.")
    pod = Pod.objects.for_org(org).get(name=POD_NAME)
    members = page.locator("#members-panel table.members tbody")
    expect(members.locator("tr")).to_have_count(1)
    expect(members).to_contain_text(tenant["lead_person"].full_name)
    expect(members).to_contain_text("Pod lead")
    health = page.locator("#health-panel")
    expect(page.locator("#health-label")).to_have_text("At risk")
    expect(health).to_contain_text("1 member; the organization's bounds are 3–7.")
    expect(health).to_contain_text("No charter yet.")
    screenshot("pod-created")

    # Add a member inline: htmx swaps #members-panel, the health panel reloads on podChanged.
    mark_document(page)
    add_member(page, "Ada Lovelace", "ML engineer", 100)
    expect(members.locator("tr")).to_have_count(2)
    expect(members).to_contain_text("Ada Lovelace")
    expect(page.locator("#members-panel")).to_contain_text("Ada Lovelace joined Churn Radar.")
    expect(health).to_contain_text("2 members; the organization's bounds are 3–7.")
    assert_same_document(page)
    screenshot("member-added")

    add_member(page, "Grace Hopper", "Data quality specialist", 80)
    expect(members.locator("tr")).to_have_count(3)
    expect(members.locator("tr", has_text="Grace Hopper")).to_contain_text("80%")
    expect(health).to_contain_text("3 members, within 3–7.")
    expect(page.locator("#health-label")).to_have_text("At risk")  # still no charter
    assert_same_document(page)
    screenshot("pod-staffed")

    # Write the charter.
    page.get_by_role("link", name="Write charter").click()
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/pods/{pod.pk}/charter/edit/$"))
    expect(page.locator("#id_mission")).to_have_value(MISSION)  # prefilled from the pod
    page.fill("#id_scope_in", "Churn scoring for the retail book.")
    page.fill("#id_scope_out", "Pricing changes.")
    page.fill("#id_working_agreements", "Demo every other Friday.")
    page.fill("#id_change_note", "First charter.")
    screenshot("charter-form")
    page.get_by_role("button", name="Save charter").click()
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/pods/{pod.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("Charter saved as version 1.")
    charter = page.locator("#charter-panel")
    expect(charter).to_contain_text("Version 1")
    expect(charter).to_contain_text(MISSION)
    expect(charter).to_contain_text("Churn scoring for the retail book.")
    expect(charter).not_to_contain_text("No charter yet")
    expect(charter.get_by_role("link", name="Edit charter")).to_be_visible()
    expect(health).not_to_contain_text("No charter yet.")
    expect(health).to_contain_text("Charter review due")
    expect(page.locator("#health-label")).to_have_text("Healthy")
    screenshot("charter-saved")

    assert Assignment.objects.for_org(org).filter(pod=pod).count() == 3
    assert real_errors(js_errors) == []


def test_allocation_above_100_shows_a_field_error_and_adds_nobody(
        page: Any, tenant: dict[str, Any], screenshot: Any, js_errors: list[str]) -> None:
    org, lead = tenant["org"], tenant["lead"]
    sign_in(page, lead.email)
    create_pod(page, org.slug)
    page.get_by_role("button", name="Create pod").click()
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/pods/\d+/$"))
    pod = Pod.objects.for_org(org).get(name=POD_NAME)
    members = page.locator("#members-panel table.members tbody")
    expect(members.locator("tr")).to_have_count(1)

    mark_document(page)
    add_member(page, "Alan Turing", "Domain expert", 150)
    field = page.locator("#members-panel .field.has-error", has=page.locator("[name=allocation_percent]"))
    expect(field).to_be_visible()
    expect(field.locator("p.error")).to_contain_text("less than or equal to 100")
    expect(page.locator("#members-panel input[name=allocation_percent]")).to_have_value("150")
    expect(members.locator("tr")).to_have_count(1)
    expect(members).not_to_contain_text("Alan Turing")
    expect(page.locator("#health-panel")).to_contain_text("1 member;")
    assert_same_document(page)
    screenshot("allocation-150-error")

    assert not Assignment.objects.for_org(org).filter(pod=pod, person__full_name="Alan Turing").exists()
    assert Assignment.objects.for_org(org).filter(pod=pod).count() == 1
    assert real_errors(js_errors) == []


def test_add_member_form_warns_before_saving_an_over_allocation(
        page: Any, tenant: dict[str, Any], js_errors: list[str]) -> None:
    from tests.factories import AssignmentFactory

    org, lead = tenant["org"], tenant["lead"]
    ada = tenant["people"]["Ada Lovelace"]
    AssignmentFactory(organization=org, person=ada, allocation_percent=80)
    sign_in(page, lead.email)
    create_pod(page, org.slug)
    page.get_by_role("button", name="Create pod").click()
    form = page.locator("#members-panel form.add-member")
    form.get_by_label("Find a person").fill("Ada")
    option = form.locator("select[name=person] option", has_text="Ada Lovelace")
    expect(option).to_have_count(1)
    form.locator("select[name=person]").select_option(value=option.get_attribute("value"))
    form.locator("input[name=allocation_percent]").fill("70")
    form.locator("input[name=allocation_percent]").blur()
    warning = page.locator("#allocation-preview")
    expect(warning).to_contain_text("brings them to 150%")
    assert not Assignment.objects.for_org(org).filter(person=ada, allocation_percent=70).exists()
    assert real_errors(js_errors) == []
