"""In a real browser, at desktop width and at 390 px: a leader opens the overview, narrows it to one
theme with the filters (every tile follows), and drills into a tile to the page behind it. No page
of it scrolls sideways, and no script error."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from dashboards.services import snapshot_backfill
from tests.browser.plugin import shot, sign_in
from tests.dashboards.factories import world as build_world
from tests.factories import OrganizationFactory
from tests.strategy.factories import outcome, theme

pytestmark = pytest.mark.browser

OVERFLOW_JS = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


def expect(locator: Any):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


@pytest.fixture
def tenant(transactional_db: None) -> Any:
    org = OrganizationFactory(name="Acme AI", slug=f"acme-overview-{uuid.uuid4().hex[:8]}")
    w = build_world(org)
    w.retention = theme(org, w.leader, title="Retention")
    outcome(org, w.retention, pod=w.healthy)
    latency = theme(org, w.leader, title="Latency")
    outcome(org, latency, pod=w.at_risk, metric="p95 latency", unit="ms", direction="decrease",
            baseline=300.0, target=200.0)
    outcome(org, latency, pod=w.unhealthy, metric="Error rate", unit="%", direction="decrease",
            baseline=5.0, target=1.0)
    snapshot_backfill(organization=org, days=60)
    return w


def fits(page: Any, where: str, width: int) -> None:
    scroll, inner = page.evaluate(OVERFLOW_JS)
    assert scroll <= inner, f"{where} scrolls sideways at {width} px ({scroll} > {inner})"


def outcomes_total(page: Any) -> int:
    values = page.locator("#tile-outcomes dd .big").all_inner_texts()
    return sum(int(float(v.split()[0].replace(",", ""))) for v in values if v.strip()[:1].isdigit())


@pytest.mark.parametrize("width", [1366, 390])
def test_leader_filters_the_overview_and_drills_into_a_tile(browser: Any, live_server: Any, tenant: Any,
                                                            width: int) -> None:
    org = tenant.org
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    name = f"overview-{width}"
    try:
        sign_in(page, tenant.leader.user.email)
        page.goto(f"/o/{org.slug}/overview/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        for title in ("Pod health", "Compute", "Outcomes", "Time to value and stability"):
            expect(page.locator(".tile h2", has_text=title).first).to_be_visible()
        assert outcomes_total(page) == 3
        fits(page, "the overview", width)
        shot(page, name, "01-overview")

        page.get_by_label("Theme").select_option(label="Retention")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_load_state()
        assert f"theme={tenant.retention.pk}" in page.url
        expect(page.get_by_label("Theme")).to_have_value(str(tenant.retention.pk))
        assert outcomes_total(page) == 1  # only the Retention pod's outcome
        fits(page, "the filtered overview", width)
        shot(page, name, "02-filtered")

        page.locator("#tile-outcomes h2 a").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/o/{org.slug}/strategy/")
        expect(page.get_by_text("Retention").first).to_be_visible()
        fits(page, "the page behind the tile", width)
        shot(page, name, "03-drilled")
    finally:
        context.close()
    assert errors == []
