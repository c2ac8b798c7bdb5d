"""Reads for tenancy, scoped to an organization, with the joins that keep query counts flat."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tenancy.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    Organization,
    Person,
    PersonSkill,
    Skill,
    User,
)


def user_memberships(*, user: User) -> QuerySet[Membership]:
    """The organizations a user belongs to (crossing tenants is the point: it is the switcher)."""
    return Membership.unscoped.filter(user=user).select_related("organization").order_by(
        "organization__name"
    )


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.for_org(organization).select_related("user").order_by(
        "user__full_name", "user__email"
    )


def membership_get(*, organization: Organization, pk: int) -> Membership:
    return membership_list(organization=organization).get(pk=pk)


def membership_for_user(*, organization: Organization, user: User) -> Membership | None:
    return Membership.objects.for_org(organization).filter(user=user).first()


def leader_memberships(*, organization: Organization) -> QuerySet[Membership]:
    return membership_list(organization=organization).filter(role__in=["owner", "admin", "leader"])


def invitation_list(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.for_org(organization).select_related("invited_by").order_by(
        "-created_at"
    )


def api_token_list(*, organization: Organization, user: User | None = None) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.for_org(organization).select_related("user").order_by("-created_at")
    return qs.filter(user=user) if user is not None else qs


def audit_event_list(
    *,
    organization: Organization,
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    actor_email: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.for_org(organization)
    if action:
        qs = qs.filter(action__startswith=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if actor_email:
        qs = qs.filter(actor_label=actor_email.lower())
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    return qs.order_by("-created_at", "-id")


def audit_target_types(*, organization: Organization) -> list[str]:
    """Kinds of objects the org's trail mentions; cached until the org's next write."""
    from django.core.cache import cache

    from tenancy.cache import fragment_key

    def load() -> list[str]:
        return list(
            AuditEvent.objects.for_org(organization)
            .order_by("target_type")
            .values_list("target_type", flat=True)
            .distinct()
        )

    return cache.get_or_set(fragment_key(organization, "audit_types"), load, 600)


def skill_list(*, organization: Organization) -> QuerySet[Skill]:
    return Skill.objects.for_org(organization).annotate(holder_count=Count("holders")).order_by(
        "name"
    )


def person_list(
    *,
    organization: Organization,
    q: str = "",
    kind: str = "",
    skill_id: int | None = None,
    active: bool | None = True,
) -> QuerySet[Person]:
    qs = Person.objects.for_org(organization).select_related("user")
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q) | Q(title__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if skill_id:
        qs = qs.filter(skills__skill_id=skill_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.prefetch_related(
        Prefetch(
            "skills",
            queryset=PersonSkill.unscoped.select_related("skill").order_by("-level", "skill__name"),
        )
    ).order_by("full_name", "id")


def person_get(*, organization: Organization, pk: Any) -> Person:
    return person_list(organization=organization, active=None).get(pk=pk)


def person_for_user(*, organization: Organization, user: User) -> Person | None:
    return Person.objects.for_org(organization).filter(user=user).first()
