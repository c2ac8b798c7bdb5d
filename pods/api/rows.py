"""The JSON of the hottest API lists (people, pods), built from plain rows.

DRF's ModelSerializer costs tens of microseconds per field per row, more than the queries behind a
page of 50. These functions return exactly what `PersonSerializer` / `PodSerializer` return for
the same rows (tests/api/test_fast_rows.py compares them), and the serializers stay the schema
and the one-object representation.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

_datetime = serializers.DateTimeField().to_representation
PERSON_FIELDS = ("pk", "full_name", "email", "title", "kind", "weekly_capacity_hours", "user_id", "is_active",
                 "total_allocation", "created_at")


def person_rows(rows: list[dict[str, Any]], skills: dict[int, list[tuple[int, str, int]]]) -> list[dict[str, Any]]:
    """`rows` from `pods.selectors.people_directory(..., fields=PERSON_FIELDS)`; `skills` from
    `pods.selectors.people_skills`."""
    return [
        {
            "id": p["pk"],
            "full_name": p["full_name"],
            "email": p["email"],
            "title": p["title"],
            "kind": p["kind"],
            "weekly_capacity_hours": p["weekly_capacity_hours"],
            "user": p["user_id"],
            "is_active": p["is_active"],
            "skills": [{"skill": s, "name": n, "level": lv} for s, n, lv in skills.get(p["pk"], ())],
            "total_allocation": p["total_allocation"],
            "created_at": _datetime(p["created_at"]),
        }
        for p in rows
    ]


def pod_rows(pods: list[Any]) -> list[dict[str, Any]]:
    """Pods that `pods.health_selectors.pod_health_attach` saw, with `sponsor__user` loaded."""
    out = []
    for pod in pods:
        health = pod.health
        review = pod.charter_review
        out.append({
            "id": pod.pk,
            "name": pod.name,
            "mission": pod.mission,
            "status": pod.status,
            "sponsor": pod.sponsor_id,
            "sponsor_email": pod.sponsor.user.email if pod.sponsor is not None else None,
            "member_count": pod.member_count,
            "lead_count": pod.lead_count,
            "protected_count": pod.protected_count,
            "charter_version": pod.charter_version,
            "charter_review": review.isoformat() if review is not None else None,
            "health": {
                "level": health.level,
                "label": health.label,
                "reasons": [{"check": r.check, "level": r.level, "message": r.message} for r in health.reasons],
            },
            "team_type": pod.team_type,
            "contact": pod.contact,
            "services_offered": pod.services_offered,
            "working_hours": pod.working_hours,
            "created_at": _datetime(pod.created_at),
            "updated_at": _datetime(pod.updated_at),
        })
    return out
