"""What the lint scripts share: the apps they read, walking paths, and the report."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("tenancy", "integrations", "pods", "governance", "knowledge", "strategy", "resources", "platform_catalog",
        "bench", "dashboards")


def iter_files(paths: list[str]) -> Iterator[Path]:
    for p in paths:
        path = Path(p)
        if path.is_file():
            yield path
        else:
            yield from sorted(path.rglob("*.py"))


def report(argv: list[str], violations: Callable[[Path, str], Iterable[tuple[int, str]]], what: str) -> int:
    """Print `path:line: message` for each violation in `argv` (default: every app); 1 if any."""
    targets = argv or [str(ROOT / app) for app in APPS if (ROOT / app).exists()]
    found = 0
    for path in iter_files(targets):
        try:
            rel = path.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            rel = path.as_posix()
        for lineno, message in violations(path, rel):
            print(f"{rel}:{lineno}: {message}")
            found += 1
    if found:
        print(f"{found} {what}", file=sys.stderr)
    return 1 if found else 0
