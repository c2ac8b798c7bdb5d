"""What the tenant-isolation walker needs from knowledge (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

MARKER = "zzvictim"

OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "knowledge:guild_detail": {"pk": lambda v: v.extra["guild"].pk},
    "knowledge:guild_edit": {"pk": lambda v: v.extra["guild"].pk},
    "knowledge:guild_membership": {"pk": lambda v: v.extra["guild"].pk},
    "knowledge:lesson_detail": {"pk": lambda v: v.extra["lesson"].pk},
    "knowledge:lesson_edit": {"pk": lambda v: v.extra["lesson"].pk},
    "knowledge:lesson_history": {"pk": lambda v: v.extra["lesson"].pk},
    "knowledge:lesson_vote": {"pk": lambda v: v.extra["lesson"].pk},
    "knowledge:lesson_comment": {"pk": lambda v: v.extra["lesson"].pk},
    "knowledge:lesson_comment_remove": {"pk": lambda v: v.extra["lesson"].pk,
                                        "comment_pk": lambda v: v.extra["comment"].pk},
    "knowledge:incident_detail": {"pk": lambda v: v.extra["incident"].pk},
    "knowledge:incident_edit": {"pk": lambda v: v.extra["incident"].pk},
    "knowledge:postmortem_edit": {"pk": lambda v: v.extra["incident"].pk},
    "knowledge:action_item_create": {"pk": lambda v: v.extra["incident"].pk},
    "knowledge:action_item_status": {"pk": lambda v: v.extra["incident"].pk,
                                     "item_pk": lambda v: v.extra["action_item"].pk},
    "knowledge:postmortem_to_lesson": {"pk": lambda v: v.extra["incident"].pk},
    "knowledge:showcase_detail": {"pk": lambda v: v.extra["showcase"].pk},
    "knowledge:showcase_edit": {"pk": lambda v: v.extra["showcase"].pk},
    "knowledge:presentation_create": {"pk": lambda v: v.extra["showcase"].pk},
    "knowledge:presentation_edit": {"pk": lambda v: v.extra["presentation"].pk},
    "knowledge:presentation_cite": {"pk": lambda v: v.extra["presentation"].pk},
    "knowledge:talk_edit": {"pk": lambda v: v.extra["talk"].pk},
    "knowledge:rotation_edit": {"pk": lambda v: v.extra["rotation"].pk},
    "knowledge:pod_panel": {"pk": lambda v: v.pod.pk},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "guild-": {"pk": lambda v: v.extra["guild"].pk},
    "lesson-comment-remove": {"pk": lambda v: v.extra["lesson"].pk, "comment_pk": lambda v: v.extra["comment"].pk},
    "lesson-": {"pk": lambda v: v.extra["lesson"].pk},
    "incident-action-status": {"pk": lambda v: v.extra["incident"].pk,
                               "item_pk": lambda v: v.extra["action_item"].pk},
    "incident-": {"pk": lambda v: v.extra["incident"].pk},
    "showcase-": {"pk": lambda v: v.extra["showcase"].pk},
    "presentation-": {"pk": lambda v: v.extra["presentation"].pk},
    "talk-": {"pk": lambda v: v.extra["talk"].pk},
    "rotation-": {"pk": lambda v: v.extra["rotation"].pk},
}
VICTIM_NAMES: list[str] = [f"{MARKER} {what}" for what in (
    "guild", "lesson", "lesson body", "comment", "incident", "system", "postmortem", "action",
    "showcase", "presentation", "talk", "rotation goals")]


def build(victim: Any) -> None:
    """Create org A's knowledge objects (names starting with the marker) in victim.extra."""
    from knowledge import services

    org, actor = victim.org, victim.membership.user
    now = timezone.now()
    guild = services.guild_create(organization=org, actor=actor, name=f"{MARKER} guild")
    lesson = services.lesson_create(organization=org, actor=actor, guild=guild,
                                    title=f"{MARKER} lesson", body=f"{MARKER} lesson body",
                                    tags=[MARKER], pod=victim.pod)
    victim.extra["comment"] = services.lesson_comment_create(
        organization=org, actor=actor, lesson=lesson, body=f"{MARKER} comment")
    incident = services.incident_create(
        organization=org, actor=actor, title=f"{MARKER} incident", system=f"{MARKER} system",
        pod=victim.pod, started_at=now - datetime.timedelta(hours=2),
        detected_at=now - datetime.timedelta(hours=1))
    pm = services.postmortem_save(organization=org, actor=actor, incident=incident,
                                  summary=f"{MARKER} postmortem", publish=True)
    item = services.action_item_create(organization=org, actor=actor, postmortem=pm,
                                       title=f"{MARKER} action", owner=actor,
                                       due_date=timezone.localdate() - datetime.timedelta(days=1))
    showcase = services.showcase_create(organization=org, actor=actor, title=f"{MARKER} showcase",
                                        date=timezone.localdate())
    presentation = services.presentation_create(organization=org, actor=actor, showcase=showcase,
                                                title=f"{MARKER} presentation", pod=victim.pod)
    talk = services.talk_create(organization=org, actor=actor, title=f"{MARKER} talk",
                                speaker="Someone", date=timezone.localdate(), guild=guild)
    rotation = services.rotation_create(
        organization=org, actor=actor, person=victim.person, host_pod=victim.pod,
        start_date=timezone.localdate(), end_date=timezone.localdate(),
        goals=f"{MARKER} rotation goals")
    victim.extra.update(guild=guild, lesson=lesson, incident=incident, postmortem=pm,
                        action_item=item, showcase=showcase, presentation=presentation,
                        talk=talk, rotation=rotation)
