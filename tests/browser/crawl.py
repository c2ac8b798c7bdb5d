"""Walk the pages a signed-in user can reach by following links, one page per URL pattern
(and per set of query keys), so every page template a test can reach gets visited once.

Used by the accessibility and phone-width tests over the seeded demo organization.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Never followed: they leave the HTML pages (API, schema UI), download files, or sign out.
SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/schema/", "/docs/", "/accounts/logout/")
SKIP_SUFFIXES = (".csv", "/export/", "/download/", "/ics/")
MAX_PAGES = 120

LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]:not([download])'))
  .map(a => a.getAttribute('href'))
  .filter(h => h && h.startsWith('/'))"""


def page_key(url: str) -> tuple[str, frozenset[str]] | None:
    """One key per URL pattern and set of query keys; None for what the walk leaves alone."""
    parts = urlsplit(url)
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = frozenset(k for k, _v in parse_qsl(parts.query) if k not in {"page", "q"})
    return (match.view_name, keys)


def crawl(
    page: Any,
    start: list[str],
    max_pages: int = MAX_PAGES,
    seen: set[tuple[str, frozenset[str]]] | None = None,
) -> Iterator[str]:
    """Visit pages breadth-first from `start`, yielding each visited path once the page loaded
    (the caller inspects `page` then). Pass `seen` to share it between walks (several roles)."""
    queue = list(start)
    seen = set() if seen is None else seen
    visited = 0
    while queue and visited < max_pages:
        url = queue.pop(0).split("#")[0]
        key = page_key(url)
        if key is None or key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type") or "")
        ):
            continue
        visited += 1
        yield url
        queue.extend(page.evaluate(LINKS_JS))


# Below "serious" in axe, but named by issue 15 as defects to keep out: they fail the test too.
ALSO_FAIL = frozenset(
    {
        "empty-table-header",
        "landmark-unique",
        "landmark-no-duplicate-banner",
        "landmark-no-duplicate-contentinfo",
        "landmark-no-duplicate-main",
    }
)


def axe_violations(
    page: Any, impacts: tuple[str, ...] = ("serious", "critical"), also: frozenset[str] = ALSO_FAIL
) -> list[dict[str, Any]]:
    """axe-core's violations on the current page at the given impacts, plus the rules in `also`
    (the script comes from node_modules, installed by `make node_modules` from
    package-lock.json; no CDN)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '')
                                    .split('\\n').slice(0, 2).join(' '))}));
    }""")
    return [v for v in found if v["impact"] in impacts or v["id"] in also]
