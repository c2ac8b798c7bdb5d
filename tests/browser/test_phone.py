"""At phone width (390 px) the pages fit the screen: no sideways page scroll, the navigation
collapses behind a menu button that opens it, and "/" focuses the header's search box."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from demo.seeding.context import demo_password
from tests.browser.plugin import shot

pytestmark = pytest.mark.browser

KEY_PAGES = [
    "/o/demo/",
    "/o/demo/people/",
    "/o/demo/skills/",
    "/o/demo/governance/",
    "/o/demo/governance/escalations/",
    "/o/demo/governance/inbox/",
    "/o/demo/governance/cycle-time/",
    "/o/demo/knowledge/",
    "/o/demo/knowledge/lessons/",
    "/o/demo/members/",
    "/o/demo/audit/",
    "/accounts/profile/",
]
OVERFLOW_JS = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


def expect(locator: Any):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


@pytest.fixture
def demo_org(transactional_db: None) -> str:
    call_command("seed_demo", "--scale", "small", stdout=io.StringIO())
    return "demo"


def _context(browser: Any, live_server: Any, width: int) -> Any:
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 844})
    context.set_default_timeout(15_000)
    return context


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", demo_password())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_key_pages_do_not_scroll_sideways_at_390px(browser: Any, live_server: Any, demo_org: str) -> None:
    context = _context(browser, live_server, 390)
    page = context.new_page()
    sign_in(page, "admin@demo.podium")
    too_wide = {}
    for url in KEY_PAGES:
        page.goto(url)
        scroll_width, inner_width = page.evaluate(OVERFLOW_JS)
        shot(page, "phone-390", url.strip("/").replace("/", "_") or "root")
        if scroll_width > inner_width:
            too_wide[url] = scroll_width
    context.close()
    assert too_wide == {}, f"pages wider than 390 px: {too_wide}"


def test_phone_navigation_collapses_behind_a_menu_button(
    browser: Any, live_server: Any, demo_org: str
) -> None:
    context = _context(browser, live_server, 390)
    page = context.new_page()
    sign_in(page, "admin@demo.podium")
    page.goto("/o/demo/people/")
    nav = page.get_by_role("navigation", name="Organization")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="People")).to_have_attribute("aria-current", "true")
    shot(page, "phone-390", "menu-open")
    page.get_by_role("link", name="Skills").click()
    expect(page).to_have_url(f"{live_server.url}/o/demo/skills/")
    context.close()


def test_desktop_header_shows_nav_and_slash_focuses_search(
    browser: Any, live_server: Any, demo_org: str
) -> None:
    context = _context(browser, live_server, 1366)
    page = context.new_page()
    sign_in(page, "admin@demo.podium")
    page.goto("/o/demo/governance/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Organization")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Governance")).to_have_attribute("aria-current", "true")
    expect(nav.get_by_role("link", name="Pods")).not_to_have_attribute("aria-current", "true")
    page.keyboard.press("/")
    expect(page.locator("#global-q")).to_be_focused()
    shot(page, "desktop-1366", "governance")
    context.close()
