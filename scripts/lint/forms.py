"""Lint: a page handles a form POST through `tenancy.views.forms.form_submit`, never by hand.

The hand-written version (form → `is_valid()` → service → `add_service_errors` → message →
redirect) was copied into a dozen view modules, each a little different (status codes, where a
service's error lands, whether a message is shown). In a view module this script flags:

- `add_service_errors(…)`: only `form_submit` puts a service's errors on a form;
- `<form>.is_valid()` inside a `post` method or under `if request.method == "POST"`.

`is_valid()` on a GET filter form stays allowed: it decides filters, not a write. A handler that
truly cannot use the helper goes into ALLOWED below with its reason.
Run: `python scripts/lint/forms.py [paths]`; exits 1 and prints `path:line: message`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report  # noqa: E402  (a sibling script module, also when loaded by path)

HELPER = "tenancy/views/forms.py"

# "path::function" → why this POST handler validates a form itself.
ALLOWED: dict[str, str] = {}


def is_view_module(rel: str) -> bool:
    parts = Path(rel).with_suffix("").parts
    return "api" not in parts and any(p == "views" or p.endswith("_views") for p in parts)


def _is_post_test(node: ast.AST) -> bool:
    """`request.method == "POST"` (either side)."""
    if not isinstance(node, ast.Compare) or len(node.comparators) != 1:
        return False
    sides = [node.left, node.comparators[0]]
    has_method = any(isinstance(s, ast.Attribute) and s.attr == "method" for s in sides)
    has_post = any(isinstance(s, ast.Constant) and s.value == "POST" for s in sides)
    return has_method and has_post


def _post_scopes(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """(name, node) of each part of a module that handles a POST."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name == "post":
                yield node.name, node
            elif any(_is_post_test(n) for n in ast.walk(node)):
                yield node.name, node


def _qualname(tree: ast.AST, target: ast.AST) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(child is target for child in node.body):
            return f"{node.name}.{target.name}"  # type: ignore[attr-defined]
    return target.name  # type: ignore[attr-defined]


def violations(path: Path, rel: str) -> Iterator[tuple[int, str]]:
    if rel == HELPER or not is_view_module(rel):
        return
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "add_service_errors":
            yield node.lineno, "`add_service_errors` in a view: handle the POST with `form_submit`"
    seen: set[int] = set()
    for _name, scope in _post_scopes(tree):
        if f"{rel}::{_qualname(tree, scope)}" in ALLOWED:
            continue
        for node in ast.walk(scope):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "is_valid" and node.lineno not in seen):
                seen.add(node.lineno)
                yield node.lineno, "a POST handled by hand (`is_valid()`): use `form_submit`"


def main(argv: list[str]) -> int:
    return report(argv, violations, "hand-written POST handler line(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
