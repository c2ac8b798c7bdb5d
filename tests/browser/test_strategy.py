"""Strategy in a real browser: a leader sets a theme, a pod lead adds an outcome, a pipeline
pushes a measurement through the API, and the pages show the new progress; at desktop width and
at 390 px (no sideways scroll). Plus a member raising a signal and asking a pod."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from strategy.models import Outcome, Theme
from tests.api.helpers import client_for, url
from tests.browser.plugin import assert_fits, expect, sign_in
from tests.factories import OrganizationFactory, member, pod_lead

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db: None) -> dict[str, Any]:
    org = OrganizationFactory(name="Acme AI", slug=f"acme-{uuid.uuid4().hex[:8]}")
    lead, _person, pod = pod_lead(org)
    pod.name = "Churn Radar"
    pod.save()
    return {"org": org, "leader": member(org, "leader"), "lead": lead, "pod": pod}


@pytest.mark.parametrize("width", [1280, 390])
def test_theme_outcome_push_and_progress(page: Any, tenant: dict[str, Any], js_errors: list[str],
                                         screenshot: Any, width: int) -> None:
    org, slug = tenant["org"], tenant["org"].slug
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, tenant["leader"].user.email)
    page.goto(f"/o/{slug}/strategy/")
    page.get_by_role("link", name="Set a theme").click()
    page.fill("#id_title", "Improve customer retention")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Improve customer retention")).to_be_visible()
    assert_fits(page, "theme page", width)
    theme = Theme.objects.for_org(org).get()

    page.context.clear_cookies()
    sign_in(page, tenant["lead"].user.email)
    page.goto(f"/o/{slug}/strategy/themes/{theme.pk}/")
    page.get_by_role("link", name="Add an outcome").click()
    page.fill("#id_metric", "90-day retention")
    page.select_option("#id_direction", "decrease")
    page.fill("#id_baseline", "100")
    page.fill("#id_target", "60")
    page.get_by_role("button", name="Save").click()
    outcome = Outcome.objects.for_org(org).get()
    expect(page.get_by_role("heading", name="90-day retention")).to_be_visible()

    # The pipeline pushes a reading with the lead's token.
    pushed = client_for(tenant["lead"]).post(
        url(org, "strategy_api:outcome-measurements", pk=outcome.pk),
        {"value": 80, "measured_at": timezone.now().isoformat(), "source": "nightly-eval",
         "idempotency_key": "run-1"}, format="json")
    assert pushed.status_code == 201, pushed.json()
    page.reload()
    expect(page.locator("main")).to_contain_text("50% progress")
    expect(page.get_by_role("region", name="Measurements")).to_contain_text("nightly-eval")
    assert_fits(page, "outcome page", width)
    page.goto(f"/o/{slug}/strategy/")
    expect(page.get_by_role("region", name="Outcomes for Improve customer retention")).to_contain_text("50%")
    assert_fits(page, "strategy home", width)
    screenshot(f"home-{width}")

    # The lead raises a signal and a member asks the pod something.
    page.goto(f"/o/{slug}/strategy/signals/new/")
    page.select_option("#id_kind", "threat")
    page.fill("#id_title", "A competitor launched a churn product")
    page.get_by_role("button", name="Raise").click()
    expect(page.get_by_role("heading", name="A competitor launched a churn product")).to_be_visible()
    assert_fits(page, "signal page", width)
    page.goto(f"/o/{slug}/strategy/pods/{tenant['pod'].pk}/intake/")
    page.fill("#id_title", "Where is the churn feature store?")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("heading", name="Where is the churn feature store?")).to_be_visible()
    assert_fits(page, "intake page", width)
    page.goto(f"/o/{slug}/strategy/operations/")
    expect(page.get_by_role("region", name="Pod stability and time to value")).to_contain_text("Churn Radar")
    assert_fits(page, "operations page", width)
    assert [e for e in js_errors if "favicon" not in e and "status of 404" not in e] == []
