"""In a real browser, at desktop width and at 390 px: a pod lead files a staffing request, the worker
(run on commit, as in production, eagerly here) suggests a specialist with a rationale, the lead
accepts, and the specialist shows on the pod with the new time-boxed assignment. No page of the flow
scrolls sideways."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from bench.models import RequestStatus, StaffingRequest
from pods.models import Assignment
from tests.bench.factories import next_monday, skill, specialist
from tests.browser.plugin import assert_fits, expect, shot, sign_in
from tests.factories import OrganizationFactory, PersonFactory, PersonSkillFactory, pod_lead

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db: None) -> dict[str, Any]:
    org = OrganizationFactory(name="Acme AI", slug=f"acme-bench-{uuid.uuid4().hex[:8]}")
    lead, _person, pod = pod_lead(org)
    cv = skill(org, "Computer vision")
    senior = specialist(org, {cv: 4}, name="Vera Visser", rate="120.00")
    junior = PersonFactory(organization=org, full_name="Jon Junior")  # holds the skill, below the level
    PersonSkillFactory(organization=org, person=junior, skill=cv, level=2)
    return {"org": org, "lead": lead.user, "pod": pod, "skill": cv, "senior": senior}


@pytest.mark.parametrize("width", [1280, 390])
def test_lead_files_worker_suggests_lead_accepts_person_joins_pod(
        browser: Any, live_server: Any, tenant: dict[str, Any], width: int) -> None:
    org, pod = tenant["org"], tenant["pod"]
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    name = f"bench-flow-{width}"
    try:
        sign_in(page, tenant["lead"].email)
        page.goto(f"/o/{org.slug}/bench/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_text("Vera Visser").first).to_be_visible()
        assert_fits(page, "the bench board", width)
        shot(page, name, "01-bench")

        page.goto(f"/o/{org.slug}/bench/requests/new/")
        assert_fits(page, "the request form", width)
        start = next_monday()
        page.select_option("#id_pod", value=str(pod.pk))
        page.fill("#id_title", "Computer-vision engineer")
        page.select_option("#id_role", label="ML engineer")
        page.fill("#id_hours_per_week", "20")
        page.fill("#id_start_date", start.isoformat())
        page.fill("#id_end_date", (start + datetime.timedelta(weeks=6)).isoformat())
        page.select_option("#id_skill_1", label="Computer vision")
        page.select_option("#id_level_1", value="3")
        shot(page, name, "02-request-form")
        page.get_by_role("button", name="File request").click()
        page.wait_for_load_state()

        # The worker ran when the request committed: one suggestion, with its reasons in words.
        expect(page.get_by_role("heading", level=1, name="Computer-vision engineer")).to_be_visible()
        card = page.locator("li.suggestion")
        expect(card).to_have_count(1)
        expect(card).to_contain_text("Vera Visser")
        expect(card.locator(".rationale li").first).to_be_visible()
        expect(card.locator(".rationale")).to_contain_text("Computer vision")
        expect(page.locator("ul.suggestions")).not_to_contain_text("Jon Junior")  # below the level
        assert_fits(page, "the request with its suggestion", width)
        shot(page, name, "03-suggested")

        page.get_by_role("button", name="Accept Vera Visser").click()
        page.wait_for_load_state()
        expect(page.get_by_text("Accepted:").first).to_be_visible()
        shot(page, name, "04-accepted")

        page.goto(f"/o/{org.slug}/pods/{pod.pk}/")
        members = page.locator("#members-panel")
        expect(members).to_contain_text("Vera Visser")
        expect(members).to_contain_text("50%")
        assert_fits(page, "the pod with its new member", width)
        shot(page, name, "05-on-the-pod")
    finally:
        context.close()
    a = Assignment.objects.for_org(org).get(pod=pod, person=tenant["senior"].person)
    r = StaffingRequest.objects.for_org(org).get(title="Computer-vision engineer")
    assert (a.allocation_percent, a.start_date, a.end_date) == (50, start, start + datetime.timedelta(days=41))
    assert r.status == RequestStatus.ACCEPTED and r.assignment_id == a.pk
    assert errors == []
