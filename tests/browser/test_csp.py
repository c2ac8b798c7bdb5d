"""The strict Content-Security-Policy (scripts and styles from our own files only, no inline code)
holds in a real browser: pages render without a single violation, the API docs included."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.browser.plugin import sign_in
from tests.factories import OrganizationFactory, PersonFactory, pod_lead

pytestmark = pytest.mark.browser

# Installed before any page script runs (Playwright's init scripts are not subject to the page's CSP).
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`));
"""


def expect(locator: Any):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def violations(page: Any, js_errors: list[str]) -> list[str]:
    seen = page.evaluate("window.__cspViolations || []")
    return list(seen) + [e for e in js_errors if "Content Security Policy" in e]


def test_api_docs_render_with_no_csp_violation(page: Any, js_errors: list[str], screenshot: Any) -> None:
    page.add_init_script(WATCH)
    response = page.goto("/api/v1/docs/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    # The schema is generated on first request: a few seconds on a busy machine.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Podium API", timeout=60_000)
    expect(page.locator(".opblock").first).to_be_visible()  # the schema loaded and rendered
    page.locator(".opblock-summary").first.click()  # an operation opens (the UI's own scripts run)
    expect(page.locator(".opblock-body").first).to_be_visible()
    screenshot("api-docs")
    assert violations(page, js_errors) == []
    assert js_errors == []
    # What the template had inline now comes from static/css/api-docs.css.
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"


@pytest.fixture
def lead(transactional_db: None) -> tuple[str, str, int]:
    """(org slug, the lead's email, their pod's id)."""
    org = OrganizationFactory(name="Acme AI", slug=f"acme-{uuid.uuid4().hex[:8]}")
    membership, _person, pod = pod_lead(org)
    PersonFactory(organization=org, full_name="Ada Lovelace")
    return org.slug, membership.user.email, pod.pk


def test_signed_in_pages_keep_to_the_policy(page: Any, js_errors: list[str], lead: tuple[str, str, int]) -> None:
    slug, email, pod_id = lead
    page.add_init_script(WATCH)
    sign_in(page, email)
    for path in (f"/o/{slug}/", f"/o/{slug}/people/", f"/o/{slug}/governance/escalations/",
                 f"/o/{slug}/knowledge/search/?q=ada", f"/o/{slug}/governance/", f"/o/{slug}/pods/{pod_id}/"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations(page, js_errors) == [], path
    assert js_errors == []


def test_small_buttons_look_alike_whether_button_or_link(page: Any, lead: tuple[str, str, int]) -> None:
    """`button.small` (the inbox's Approve, a filter bar's Filter) is as compact as `a.button.small`."""
    slug, email, pod_id = lead
    sign_in(page, email)
    style = "(el) => { const s = getComputedStyle(el); return [s.paddingTop, s.paddingLeft, s.fontSize]; }"
    page.goto(f"/o/{slug}/governance/escalations/")
    button = page.locator("button.small").first.evaluate(style)
    page.goto(f"/o/{slug}/pods/{pod_id}/")
    link = page.locator("a.button.small").first.evaluate(style)  # "Write charter"
    assert button == link, (button, link)
    assert float(button[0].removesuffix("px")) < 4  # .15rem, not a full button's .4rem
