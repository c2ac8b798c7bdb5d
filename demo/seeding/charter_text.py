"""Charter versions that read like a team's real edits, so the history diff shows something.

Version 1 is the first draft; version 2 adds scope boundaries and an escalation path after the
first review; version 3 settles decision rights and working agreements.
"""

from __future__ import annotations

from typing import Any

CHANGE_NOTES = [
    "First draft agreed at the kick-off.",
    "Added scope boundaries and the escalation path after the first quarterly review.",
    "Clarified decision rights with the risk office; added on-call to working agreements.",
]


def charter_versions(*, mission: str, scope_in: list[str], scope_out: list[str],
                     needed_skills: str, sponsor_label: str, count: int) -> list[dict[str, Any]]:
    """The text fields and change note of each version, oldest first (`count` from 1 to 3)."""
    draft_mission = mission.split(",")[0].rstrip(".") + "."
    agreements = ["Planning every second Monday; demo to stakeholders at the end of each cycle.",
                  "Core hours 10:00–15:00 in the pod's main time zone."]
    versions: list[dict[str, Any]] = [{
        "mission": draft_mission,
        "scope_in": "\n".join(scope_in[:2]),
        "scope_out": "",
        "needed_skills": needed_skills,
        "decision_rights_notes": "The pod decides how it builds; the sponsor decides what ships.",
        "escalation_path": "",
        "working_agreements": "\n".join(agreements),
    }]
    second = dict(versions[0])
    second.update(
        mission=mission,
        scope_in="\n".join(scope_in),
        scope_out="\n".join(scope_out),
        escalation_path=f"Pod lead, then the sponsor ({sponsor_label}), then the AI council.",
    )
    versions.append(second)
    third = dict(second)
    third.update(
        decision_rights_notes=(
            "The pod decides model choice and release timing for low-risk changes.\n"
            "Medium-risk releases: the pod decides and informs the risk office.\n"
            "High-risk releases and spend above the pod budget go to the sponsor for approval."
        ),
        working_agreements="\n".join(
            agreements + ["One on-call engineer per week for the pod's production services."]
        ),
    )
    versions.append(third)
    for number, version in enumerate(versions):
        version["change_note"] = CHANGE_NOTES[number]
    return versions[: max(1, min(count, 3))]
