"""Lint: public services and selectors are named `<entity>_<verb>` (HackSoft's style guide).

`pod_create`, `escalation_list`, `charter_versions`: the entity first, so a module's functions
sort by what they act on and a caller reads the domain word first. Flagged: a one-word name
(`inbox`, `policies`) and a name that starts with a verb or a qualifier instead of its entity
(`with_health`, `apply_changes`, `on_escalation_decided`). A name kept on purpose goes in ALLOWED
with its reason.
Run: `python scripts/lint/names.py [paths]`; exits 1 and prints `path:line: message`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report  # noqa: E402  (a sibling script module, also when loaded by path)

# Words that start a name in place of its entity. "compute", "run" and "check" are not here:
# they are entities in Podium (compute pools, MLflow runs, strategy check-ins).
LEADING = {"with", "for", "by", "of", "is", "has", "get", "list", "create", "update", "delete", "set",
           "recompute", "make", "build", "do", "find", "load", "fetch", "to", "from", "all", "my",
           "can", "ensure", "apply", "count", "record", "on", "in", "at"}

ALLOWED: dict[str, str] = {}  # "path::name": why it keeps its name (none today: the list only shrinks)


def is_data_layer(rel: str) -> bool:
    parts = Path(rel).with_suffix("").parts
    if "migrations" in parts or "tests" in parts or rel.startswith("tests/"):
        return False
    return any(p in ("services", "selectors") or p.endswith(("_services", "_selectors")) for p in parts)


def violations(path: Path, rel: str) -> Iterator[tuple[int, str]]:
    if not is_data_layer(rel):
        return
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith("_"):
            continue
        words = node.name.split("_")
        if (len(words) < 2 or words[0] in LEADING) and f"{rel}::{node.name}" not in ALLOWED:
            yield node.lineno, f"`{node.name}`: name a service or selector `<entity>_<verb>`"


def main(argv: list[str]) -> int:
    return report(argv, violations, "service/selector name(s) not <entity>_<verb>")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
