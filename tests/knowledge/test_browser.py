"""A guild member posts a lesson in a real browser: live Markdown preview (htmx), a clear error
for an invalid form, publish, then find it through search-as-you-type with a highlight.

The fixtures of tests/browser/conftest.py are visible only under tests/browser/, and a second
session-scoped Playwright cannot start in the thread where theirs runs; so this test drives its
own Chromium (same binary, same flags, same screenshot folder) in a thread of its own.
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from knowledge import services
from knowledge.models import Lesson
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _unavailable, shot, sign_in
from tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.browser


def expect(locator: Any):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


@pytest.fixture
def tenant(transactional_db: None) -> dict[str, Any]:
    org = OrganizationFactory(name="Acme AI", slug=f"acme-kn-{uuid.uuid4().hex[:8]}")
    steward = member(org, "leader")
    guild = services.guild_create(organization=org, actor=steward.user, name="LLM Evaluation Guild")
    writer = member(org)
    services.guild_join(organization=org, actor=writer.user, guild=guild)
    return {"org": org, "guild": guild, "writer": writer.user}


def test_member_posts_a_lesson_with_preview_and_finds_it(live_server: Any,
                                                         tenant: dict[str, Any]) -> None:
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("playwright is not installed")
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_in_own_browser, live_server.url, tenant).result(timeout=180)


def _in_own_browser(base_url: str, tenant: dict[str, Any]) -> None:
    from django.db import connection
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        context = b.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        js_errors: list[str] = []
        page.on("pageerror", lambda exc: js_errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: js_errors.append(msg.text) if msg.type == "error" else None)
        steps = iter(range(1, 100))
        name = "test_member_posts_a_lesson_with_preview_and_finds_it"

        def screenshot(step: str) -> None:
            shot(page, name, f"{next(steps):02d}-{step}")

        try:
            _scenario(page, tenant, screenshot, js_errors)
        except Exception:
            shot(page, name, "FAILED")
            raise
        finally:
            context.close()
            b.close()
            connection.close()  # this thread's own database connection


def _scenario(page: Any, tenant: dict[str, Any], screenshot: Any, js_errors: list[str]) -> None:
    org, guild = tenant["org"], tenant["guild"]
    sign_in(page, tenant["writer"].email)
    page.goto(f"/o/{org.slug}/knowledge/guilds/{guild.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("LLM Evaluation Guild")
    page.get_by_role("link", name="Post a lesson").first.click()
    expect(page.get_by_role("heading", name="Post a lesson")).to_be_visible()
    expect(page.locator("#id_guild")).to_have_value(str(guild.pk))

    # Live preview: Markdown rendered (and sanitised) as the member types.
    page.fill("#id_title", "Calibrate the judge before trusting it")
    page.locator("#id_body").fill("## Why\n\nThe **judge** disagreed with humans.\n\n"
                                  "<script>window.__pwned = 1</script>")
    preview = page.locator("#lesson-preview")
    expect(preview.locator("h2")).to_have_text("Why")
    expect(preview.locator("strong")).to_have_text("judge")
    assert page.evaluate("window.__pwned") is None
    screenshot("preview")

    # An invalid form answers with the field's message, nothing is saved.
    page.fill("#id_title", "")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".field.has-error")).to_contain_text("This field is required")
    assert not Lesson.objects.for_org(org).exists()
    screenshot("error")

    page.fill("#id_title", "Calibrate the judge before trusting it")
    page.fill("#id_tags", "evaluation, llm-judge")
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/knowledge/lessons/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("Lesson published.")
    expect(page.locator("article.markdown strong")).to_have_text("judge")
    screenshot("published")

    # Search as you type finds it, with the match highlighted.
    page.goto(f"/o/{org.slug}/knowledge/search/")
    page.locator("#id_q").press_sequentially("calibrat", delay=30)
    results = page.locator("#search-results")
    expect(results.locator("mark").first).to_have_text(re.compile("Calibrate", re.I))
    expect(results).to_contain_text("1 result")
    results.get_by_role("link", name=re.compile("judge")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calibrate the judge")
    screenshot("found")
    assert not [e for e in js_errors if "status of 400" not in e and "status of 404" not in e]
