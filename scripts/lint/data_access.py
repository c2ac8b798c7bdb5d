"""Lint: table access (`.objects`, `.unscoped`, `.for_org`) and raw SQL stay in the data layer.

Allowed only in selectors, services, tasks, migrations, management commands and tests (and the
scoping module that defines the managers). Everywhere else (views, API views, forms, templates'
helpers, permissions…) loads through a selector and writes through a service, so tenant scope
and row visibility are applied in one place. Run: `python scripts/lint/data_access.py [paths]`;
exits 1 and prints `path:line: message` for each violation.

Also: each `.unscoped` use outside migrations and tests carries a `# unscoped: <reason>` comment on
its line or the line above, because crossing tenants must be a decision, not a shortcut.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report  # noqa: E402  (a sibling script module, also when loaded by path)

RAW_SQL_CALLS = {"cursor", "raw", "RawSQL"}

# Modules that are part of the data layer by name.
ALLOWED_PARTS = {"selectors", "services", "tasks", "migrations", "management", "tests"}
ALLOWED_FILES = {
    "tenancy/scoping.py",  # defines the managers
    # Service/selector modules named for their concept rather than `services`/`selectors`:
    "tenancy/audit.py",  # audit_record: the audit write every service calls
    "tenancy/cache.py",  # the per-organization cache version (one UPDATE … RETURNING)
    "tenancy/imports.py",  # people_import_csv: a bulk-create service
    "pods/imports.py",  # pods and assignments CSV import: a bulk-create service
    "tenancy/notifications.py",  # notify (service) and unread_count (selector)
    "knowledge/directory_index.py",  # indexes pods and people for search (a service)
    "knowledge/search.py",  # the search index (service) and its ranked query (selector)
    "integrations/delivery.py",  # webhook delivery attempts: a service run by the worker
    "tenancy/outbox.py",  # the transactional task outbox: enqueue (service) and its relay
}


def allowed(rel: str) -> bool:
    if rel in ALLOWED_FILES:
        return True
    parts = Path(rel).with_suffix("").parts
    return any(p in ALLOWED_PARTS or p.endswith(("_selectors", "_services", "_tasks", "_sql")) for p in parts)


def violations(path: Path, rel: str) -> Iterator[tuple[int, str]]:
    source = path.read_text()
    tree = ast.parse(source, filename=str(path))
    lines = source.splitlines()
    data_layer = allowed(rel)
    empty = {id(n.func.value) for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "none"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "unscoped"}:
            if id(node) in empty and node.attr == "objects":
                continue  # `Model.objects.none()`: a placeholder queryset reads nothing
            if not data_layer:
                yield node.lineno, f"`.{node.attr}` outside selectors/services/tasks: load through a selector"
            elif node.attr == "unscoped" and "migrations" not in rel and not rel.startswith("tests/"):
                here = lines[node.lineno - 1]
                above = lines[node.lineno - 2] if node.lineno > 1 else ""
                if "# unscoped:" not in here and "# unscoped:" not in above:
                    yield node.lineno, "`.unscoped` needs a `# unscoped: <reason>` comment"
        elif not data_layer and isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "for_org" and isinstance(func, ast.Attribute) and not (
                    isinstance(func.value, ast.Attribute) and func.value.attr == "objects"):
                # on any manager or queryset; `Model.objects.for_org` is already flagged as `.objects`
                yield node.lineno, "`.for_org` outside selectors/services/tasks: load through a selector"
            elif name in RAW_SQL_CALLS:
                yield node.lineno, f"raw SQL (`{name}`) outside selectors/services/tasks"


def main(argv: list[str]) -> int:
    return report(argv, violations, "data-access violation(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
