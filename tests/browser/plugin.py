"""Headless Chromium through Playwright's sync API, against pytest-django's live server.

The browser is Debian's /usr/bin/chromium (never `playwright install`). Without it these tests
skip, unless PODIUM_REQUIRE_BROWSER=1 (CI sets it), which turns a missing or broken browser into
a failure. Screenshots go to test-artifacts/browser/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django's ORM refuses to run while
# a loop runs unless told that this (test-only) use is fine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("PODIUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
REQUIRE = os.environ.get("PODIUM_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason} (PODIUM_REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    pw = sync_playwright().start()
    try:
        try:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        except Exception as exc:  # noqa: BLE001 - any launch failure means "no browser"
            _unavailable(f"Chromium did not start: {exc}")
        yield b
        b.close()
    finally:
        pw.stop()


@pytest.fixture
def js_errors() -> list[str]:
    """Uncaught page errors and console errors seen by `page` (a test may assert it is empty)."""
    return []


@pytest.fixture
def page(browser: Any, live_server: Any, js_errors: list[str],
         request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.on("pageerror", lambda exc: js_errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda msg: js_errors.append(f"console: {msg.text}")
          if msg.type == "error" else None)
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        shot(pg, request.node.name, "FAILED")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


FACTORY_PASSWORD = "pw-for-tests"  # every user tests.factories makes signs in with it


def sign_in(page: Any, email: str, password: str = FACTORY_PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)


def shot(page: Any, test_name: str, step: str) -> Path:
    """Save a full-page screenshot as test-artifacts/browser/<test>/<step>.png."""
    folder = ARTIFACTS / _safe(test_name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (_safe(step) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot(page: Any, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """`screenshot("03-pod-created")` saves the current page under the test's folder."""
    counter = {"n": 0}

    def take(step: str) -> Path:
        counter["n"] += 1
        return shot(page, request.node.name, f"{counter['n']:02d}-{step}")

    return take


def expect(locator: Any) -> Any:
    """Playwright's `expect`, imported only when a browser test runs."""
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def assert_fits(page: Any, where: str, width: int) -> None:
    """The page does not scroll sideways at this viewport width."""
    scroll, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{where} scrolls sideways at {width} px ({scroll} > {inner})"
