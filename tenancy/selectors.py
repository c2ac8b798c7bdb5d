"""Reads for tenancy, scoped to an organization, with the joins that keep query counts flat."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from tenancy.cache import AREA_VERSIONS_SQL, set_area_versions
from tenancy.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    Notification,
    Organization,
    Person,
    PersonSkill,
    Skill,
    User,
)


@functools.cache
def _membership_sql() -> tuple[str, list[str], list[str], list[str]]:
    """SQL for `membership_by_slug`, built once from the models' metadata.

    Every page runs it, and building the equivalent ORM query (joins, a counting subquery)
    cost more Python time than the rest of a cached page; the text never changes.
    """
    def cols(model: Any, alias: str) -> tuple[str, list[str]]:
        fields = [f.attname for f in model._meta.concrete_fields]
        return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields), fields

    m_cols, m_fields = cols(Membership, "m")
    o_cols, o_fields = cols(Organization, "o")
    u_cols, u_fields = cols(User, "u")
    sql = (
        f"SELECT {m_cols}, {o_cols}, {u_cols}, "
        f"(SELECT COUNT(*) FROM {Notification._meta.db_table} n WHERE n.organization_id = m.organization_id"
        f" AND n.user_id = m.user_id AND n.read_at IS NULL), "
        # The area versions that key cached fragments (tenancy.cache), in the same round trip.
        f"{AREA_VERSIONS_SQL.format(org='m.organization_id')} "
        f"FROM {Membership._meta.db_table} m "
        f"JOIN {Organization._meta.db_table} o ON o.id = m.organization_id "
        f"JOIN {User._meta.db_table} u ON u.id = m.user_id "
        f"WHERE o.slug = %s AND m.user_id = %s AND u.is_active"
    )
    return sql, m_fields, o_fields, u_fields


def membership_by_slug(*, org_slug: str, user_id: Any) -> Membership | None:
    """A user's membership in the org with this slug, with the organization, the user and
    their unread-notification count, in one query. Used on every request: the URL names the
    tenant and this look-up is the membership check."""
    sql, m_fields, o_fields, u_fields = _membership_sql()
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_slug, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    a, b = len(m_fields), len(m_fields) + len(o_fields)
    c = b + len(u_fields)
    membership = Membership.from_db(connection.alias, m_fields, row[:a])
    membership.organization = Organization.from_db(connection.alias, o_fields, row[a:b])
    membership.user = User.from_db(connection.alias, u_fields, row[b:c])
    membership.unread_count = row[c]  # type: ignore[attr-defined]
    set_area_versions(membership.organization, row[c + 1])
    return membership


def user_memberships(*, user: User) -> QuerySet[Membership]:
    """The organizations a user belongs to (crossing tenants is the point: it is the switcher)."""
    # unscoped: the organization switcher lists one user's memberships in every tenant
    return Membership.unscoped.filter(user=user).select_related("organization").order_by(
        "organization__name"
    )


def membership_list_site_wide() -> QuerySet[Membership]:
    """For the Django admin, which site operators (staff) use across tenants."""
    # unscoped: the Django admin is for site operators, who look across tenants
    return Membership.unscoped.all()


def audit_event_list_site_wide() -> QuerySet[AuditEvent]:
    """For the Django admin (read-only), across tenants."""
    # unscoped: the Django admin is for site operators, who look across tenants
    return AuditEvent.unscoped.all()


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.for_org(organization).select_related("user").order_by(
        "user__full_name", "user__email"
    )


def member_user_list(*, organization: Organization) -> QuerySet[User]:
    """Users who belong to the organization (for choosing a login or an owner)."""
    return User.objects.filter(memberships__organization=organization).order_by("full_name", "email")


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


def invitation_get(*, organization: Organization, pk: Any) -> Invitation:
    return Invitation.objects.for_org(organization).get(pk=pk)


def api_token_get(*, organization: Organization, pk: Any) -> ApiToken:
    return ApiToken.objects.for_org(organization).get(pk=pk)


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
    """Kinds of objects the org's trail mentions; cached until the next audited write."""
    from tenancy.cache import AUDIT, cached_value

    def load() -> list[str]:
        return list(
            AuditEvent.objects.for_org(organization)
            .order_by("target_type")
            .values_list("target_type", flat=True)
            .distinct()
        )

    return cached_value(organization, "audit_types", (), load, scopes=(AUDIT,))


def skill_choices(*, organization: Organization) -> QuerySet[Skill]:
    return Skill.objects.for_org(organization).order_by("name")


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
            queryset=PersonSkill.objects.for_org(organization)
            .select_related("skill").order_by("-level", "skill__name"),
        )
    ).order_by("full_name", "id")


def person_choices(*, organization: Organization, keep_pk: int | None = None) -> QuerySet[Person]:
    """Active people to pick in a form, plus `keep_pk` (someone who left keeps past records)."""
    return (Person.objects.for_org(organization).filter(Q(is_active=True) | Q(pk=keep_pk))
            .order_by("full_name"))


def person_get(*, organization: Organization, pk: Any) -> Person:
    return person_list(organization=organization, active=None).get(pk=pk)


def person_get_or_none(*, organization: Organization, pk: Any) -> Person | None:
    return person_list(organization=organization, active=None).filter(pk=pk).first()


def person_for_user(*, organization: Organization, user: User) -> Person | None:
    return Person.objects.for_org(organization).filter(user=user).first()
