"""axe-core over every page a signed-in admin of the seeded demo organization can reach by
following links (one page per URL pattern), plus the signed-out pages: no serious or critical
violation anywhere. axe comes from node_modules (package-lock.json), injected by Playwright."""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from demo.seeding.context import demo_password
from tests.browser.crawl import AXE_JS, axe_violations, crawl, page_key
from tests.browser.plugin import ARTIFACTS, _unavailable

pytestmark = pytest.mark.browser

SIGNED_OUT = ["/accounts/login/", "/accounts/password/reset/"]


@pytest.fixture
def demo_org(transactional_db: None) -> str:
    call_command("seed_demo", "--scale", "small", stdout=io.StringIO())
    return "demo"


@pytest.fixture
def axe_page(browser: Any, live_server: Any) -> Any:
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS} is missing: run `make node_modules` (npm ci)")
    # bypass_csp: axe is injected as an inline script, which the site's own policy refuses.
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", demo_password())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _report(findings: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for url, violations in findings.items():
        for v in violations:
            lines.append(f"{url}: [{v['impact']}] {v['id']} ({v['help']})")
            lines.extend(f"      {n}" for n in v["nodes"][:3])
    return "\n".join(lines)


def test_every_reachable_page_has_no_serious_axe_violation(axe_page: Any, demo_org: str) -> None:
    page = axe_page
    findings: dict[str, list[dict[str, Any]]] = {}
    visited = []
    for url in crawl(page, SIGNED_OUT):
        visited.append(url)
        findings[url] = axe_violations(page)
    # The leader sees a full inbox, the lead the escalation form, the admin the admin pages;
    # one page per URL pattern across the three walks.
    checked: set[Any] = set()
    for email in ("leader@demo.podium", "lead@demo.podium", "admin@demo.podium"):
        page.context.clear_cookies()
        sign_in(page, email)
        start = [
            f"/o/{demo_org}/",
            f"/o/{demo_org}/governance/inbox/",
            f"/o/{demo_org}/governance/escalations/new/",
            "/accounts/profile/",
            "/orgs/",
        ]
        for url in crawl(page, start):
            if page_key(url) in checked:
                continue
            checked.add(page_key(url))
            visited.append(url)
            findings[f"{email.split('@')[0]} {url}"] = axe_violations(page)
    findings = {u: v for u, v in findings.items() if v}
    counts = Counter(v["id"] for vs in findings.values() for v in vs)
    total = sum(len(v["nodes"]) for vs in findings.values() for v in vs)
    print(
        f"axe: {len(visited)} pages, {sum(counts.values())} serious/critical violations "
        f"({total} nodes): {dict(counts)}"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(
        json.dumps(
            {
                "pages": visited,
                "violations": sum(counts.values()),
                "nodes": total,
                "by_rule": dict(counts),
                "findings": findings,
            },
            indent=1,
        )
    )
    assert len(visited) >= 25, f"the walk reached only {visited}"
    assert not findings, _report(findings)
