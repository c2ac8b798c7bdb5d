"""docs/gate.md states the defaults a new organization starts with: keep it true to
governance/defaults.py (a change there without the docs fails here)."""

from __future__ import annotations

import re
from pathlib import Path

from governance import defaults
from governance.models import CheckKind

DOC = Path(__file__).resolve().parents[2] / "docs" / "gate.md"
SIGN = {"min": "≥", "max": "≤"}


def _rows(section: str) -> dict[str, list[str]]:
    text = DOC.read_text().split(f"## {section}")[1].split("\n## ")[0]
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_required_checks_per_tier_match_the_defaults():
    rows = _rows("Required checks per risk tier")
    assert set(rows) == {key for key, _name, _rank in defaults.RISK_TIERS}
    for tier, policies in defaults.POLICIES.items():
        stated = set(re.findall(r"(\w+) ([≥≤]) ([\d.]+)", rows[tier][0]))
        expected = {(check, SIGN[direction], f"{threshold:g}") for check, direction, threshold in policies}
        assert stated == expected, tier


def test_who_decides_after_the_checks_matches_the_matrix():
    rows = _rows("Required checks per risk tier")
    tiers = {level: (name, role, sla) for level, name, role, sla, _g in defaults.DECISION_TIERS}
    for tier, cells in defaults.MATRIX.items():
        level = cells[defaults.DEPLOY_TYPE_KEY]
        answer = rows[tier][1]
        if level is None:
            assert answer.startswith("always `fail`")
        elif tiers[level][1] == "pod":
            assert answer.startswith("`pass`") and f"tier {level}" in answer
        else:
            assert answer.startswith("`needs_approval`") and f"tier {level}" in answer
            assert f"SLA {tiers[level][2]} h" in answer


def test_every_check_name_is_listed_with_its_direction():
    rows = _rows("Check names")
    assert set(rows) == set(CheckKind.values)
    lower_is_better = {c for _t, ps in defaults.POLICIES.items() for c, d, _v in ps if d == "max"}
    assert {c for c, cells in rows.items() if cells[0] == "lower"} == lower_is_better
