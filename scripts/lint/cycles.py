"""Lint: no import cycles between modules of Podium's apps (grimp builds the import graph).

A cycle (a imports b imports … a) means two modules are really one concept split in two, or
one of them holds logic that belongs lower down (e.g. band validation, now `governance/bands.py`).
Imports inside functions count too: a lazy import hides a cycle from Python, not from readers.
Imports under `if TYPE_CHECKING:` do not (as in the layer contract): they name a type for mypy
and run nothing.
Run: `python scripts/lint/cycles.py`; prints each cycle and exits 1 if there is one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["tenancy", "integrations", "pods", "governance", "knowledge", "strategy", "resources",
            "platform_catalog", "bench", "dashboards", "demo", "config"]


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components with more than one module are cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def cycles(packages: list[str]) -> list[list[str]]:
    present = [p for p in packages if (ROOT / p).is_dir()]
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*present, cache_dir=None, exclude_type_checking_imports=True)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    # A package's __init__ importing its own submodules is how packages work, not a cycle.
    return strongly_connected(edges)


# Cycles known and owned elsewhere, each with the reason it is tolerated for now. Shrink, never grow.
KNOWN: dict[tuple[str, ...], str] = {}


def main() -> int:
    found = [c for c in cycles(PACKAGES) if tuple(c) not in KNOWN]
    for component in found:
        print("import cycle: " + " <-> ".join(component))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
