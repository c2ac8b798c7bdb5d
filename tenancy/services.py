"""Writes for tenancy: organizations, members, invitations, tokens, people and skills.

Each service validates and writes as one `org_write` (tenancy.writes): one transaction, an audit
event, and the cache scopes it changes. They raise `ValidationError` (with field names) for bad input.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tenancy.audit import audit_record, snapshot
from tenancy.cache import ACCESS, ORG, PEOPLE, PODS, STAFFING, scopes_touch
from tenancy.models import (
    ApiToken,
    Invitation,
    Membership,
    Organization,
    Person,
    PersonSkill,
    Role,
    Skill,
    User,
)
from tenancy.writes import org_write

RESERVED_SLUGS = frozenset({"new", "api", "admin", "static", "accounts", "o", "orgs"})
ORG_SETTINGS_FIELDS = (
    "name",
    "pod_size_min",
    "pod_size_max",
    "protected_time_threshold",
    "protected_share_target",
    "charter_review_days",
    "quarter_start_month",
    "default_sla_hours",
)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    instance.full_clean(exclude=exclude, validate_constraints=False)


# --- Organizations and members ------------------------------------------------------------------


@transaction.atomic
def organization_create(*, name: str, slug: str = "", owner: User) -> Organization:
    """Create a tenant with `owner` as its first owner; later apps seed their defaults on signal."""
    name = (name or "").strip()
    slug = slugify(slug or name)[:60]
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"“{slug}” is reserved; choose another address."})
    org = Organization(name=name, slug=slug)
    _full_clean(org)
    org.save()
    membership = Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
    audit_record(organization=org, actor=owner, action="organization.created", target=org,
                 after=snapshot(org))
    audit_record(organization=org, actor=owner, action="membership.created", target=membership,
                 after=snapshot(membership))
    from tenancy.signals import organization_created

    organization_created.send(sender=Organization, organization=org, actor=owner)
    return org


@org_write.service(ORG)
def organization_update(*, organization: Organization, actor: User, **changes: Any) -> Organization:
    # FOR NO KEY UPDATE: the settings change, the key does not, so writes that insert rows
    # referencing the organization (they take FOR KEY SHARE) do not queue behind this one.
    org = Organization.objects.select_for_update(no_key=True).get(pk=organization.pk)
    before = snapshot(org, ORG_SETTINGS_FIELDS)
    for key, value in changes.items():
        if key not in ORG_SETTINGS_FIELDS:
            raise ValidationError({key: "This setting cannot be changed here."})
        setattr(org, key, value)
    _full_clean(org)
    if org.pod_size_min > org.pod_size_max:
        raise ValidationError({"pod_size_min": "The minimum pod size must not exceed the maximum."})
    org.save()
    audit_record(organization=org, actor=actor, action="organization.updated", target=org,
                 before=before, after=snapshot(org, ORG_SETTINGS_FIELDS))
    organization.__dict__.update({k: getattr(org, k) for k in ORG_SETTINGS_FIELDS})
    return org


def user_profile_update(*, user: User, full_name: str) -> User:
    """The signed-in user's own profile; it belongs to no organization, so no audit event."""
    user.full_name = (full_name or "").strip()
    user.save(update_fields=["full_name"])
    return user


def _owner_count(organization: Organization) -> int:
    return Membership.objects.for_org(organization).filter(role=Role.OWNER).count()


@org_write.service(PEOPLE)
def membership_change_role(
    *, organization: Organization, actor: User, membership: Membership, role: str
) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    m = Membership.objects.for_org(organization).select_for_update().get(pk=membership.pk)
    actor_role = Membership.objects.for_org(organization).get(user=actor).role
    if Role.OWNER in (role, m.role) and actor_role != Role.OWNER:
        raise ValidationError({"role": "Only an owner can grant or take away the owner role."})
    if m.role == Role.OWNER and role != Role.OWNER and _owner_count(organization) <= 1:
        raise ValidationError({"role": "An organization needs at least one owner."})
    before = snapshot(m)
    m.role = role
    m.save(update_fields=["role"])
    audit_record(organization=organization, actor=actor, action="membership.role_changed",
                 target=m, before=before, after=snapshot(m))
    return m


@org_write.service(PEOPLE, PODS, STAFFING)
def membership_remove(*, organization: Organization, actor: User, membership: Membership) -> None:
    m = Membership.objects.for_org(organization).select_for_update().get(pk=membership.pk)
    actor_role = Membership.objects.for_org(organization).get(user=actor).role
    if m.role == Role.OWNER and actor_role != Role.OWNER:
        raise ValidationError({"role": "Only an owner can remove an owner."})
    if m.role == Role.OWNER and _owner_count(organization) <= 1:
        raise ValidationError({"role": "An organization needs at least one owner."})
    audit_record(organization=organization, actor=actor, action="membership.removed", target=m,
                 before=snapshot(m))
    m.delete()


# --- Invitations ----------------------------------------------------------------------------------


@org_write.service(ACCESS)
def invitation_create(
    *, organization: Organization, actor: User, email: str, role: str = Role.MEMBER
) -> tuple[Invitation, str]:
    """Invite an email address; returns the invitation and the raw token (shown/sent once)."""
    email = (email or "").strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    actor_role = Membership.objects.for_org(organization).get(user=actor).role
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise ValidationError({"role": "Only an owner can invite another owner."})
    if Membership.objects.for_org(organization).filter(user__email=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organization.name}."})
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_hash=_hash(raw),
        invited_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    _full_clean(invitation)
    invitation.save()
    audit_record(organization=organization, actor=actor, action="invitation.created",
                 target=invitation, target_repr=email, after=snapshot(invitation))
    return invitation, raw


def invitation_by_token(*, token: str) -> Invitation | None:
    """The pending invitation a raw token names (the token is the tenant scope here)."""
    invitation = (
        # unscoped: the invitation's token is the scope; its organization is known only once found
        Invitation.unscoped.select_related("organization").filter(token_hash=_hash(token)).first()
    )
    if invitation is None or invitation.status != "pending":
        return None
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, user: User | None = None, password: str = "", full_name: str = ""
) -> Membership:
    """Accept an invitation as a signed-in user, or create the account for the invited email."""
    invitation = invitation_by_token(token=token)
    if invitation is None:
        raise ValidationError({"token": "This invitation is invalid, expired or already used."})
    invitation = (
        Invitation.objects.for_org(invitation.organization).select_for_update().get(pk=invitation.pk)
    )
    if invitation.accepted_at:
        raise ValidationError({"token": "This invitation was already used."})
    org = invitation.organization
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError({"email": "An account exists for this email: sign in first."})
        if len(password) < 8:
            raise ValidationError({"password": "Choose a password of at least 8 characters."})
        user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    elif user.email != invitation.email:
        raise ValidationError(
            {"email": f"This invitation is for {invitation.email}; you are signed in as {user.email}."}
        )
    membership, created = Membership.objects.for_org(org).get_or_create(
        organization=org, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(organization=org, actor=user, action="invitation.accepted", target=invitation,
                 target_repr=invitation.email)
    if created:
        audit_record(organization=org, actor=user, action="membership.created", target=membership,
                     after=snapshot(membership))
    scopes_touch(org, (PEOPLE, ACCESS))
    return membership


@org_write.service(ACCESS)
def invitation_revoke(*, organization: Organization, actor: User, invitation: Invitation) -> None:
    inv = Invitation.objects.for_org(organization).select_for_update().get(pk=invitation.pk)
    if inv.status != "pending":
        raise ValidationError({"invitation": "Only a pending invitation can be revoked."})
    inv.revoked_at = timezone.now()
    inv.save(update_fields=["revoked_at"])
    audit_record(organization=organization, actor=actor, action="invitation.revoked", target=inv,
                 target_repr=inv.email)


# --- API tokens -----------------------------------------------------------------------------------

TOKEN_PREFIX = "pod_"


@org_write.service(ACCESS)
def api_token_create(
    *, organization: Organization, actor: User, name: str, user: User | None = None
) -> tuple[ApiToken, str]:
    """A personal token for `user` (default: the actor) in this org; the raw key is returned once."""
    user = user or actor
    if not Membership.objects.for_org(organization).filter(user=user).exists():
        raise ValidationError({"user": "Tokens are only for members of this organization."})
    name = (name or "").strip()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(organization=organization, user=user, name=name, prefix=raw[:12],
                     key_hash=_hash(raw))
    _full_clean(token)
    token.save()
    audit_record(organization=organization, actor=actor, action="api_token.created",
                 target=token, after=snapshot(token))
    return token, raw


@org_write.service(ACCESS)
def api_token_revoke(*, organization: Organization, actor: User, token: ApiToken) -> None:
    t = ApiToken.objects.for_org(organization).select_for_update().get(pk=token.pk)
    if t.revoked_at:
        return
    t.revoked_at = timezone.now()
    t.save(update_fields=["revoked_at"])
    audit_record(organization=organization, actor=actor, action="api_token.revoked", target=t)


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token for a raw key, with its user and organization, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        # unscoped: a token names its organization only once found, so the look-up spans tenants
        ApiToken.unscoped.select_related("user", "organization")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        # Written at most every few minutes so API reads stay read-only on the hot path.
        ApiToken.objects.for_org(token.organization).filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Skills and people ---------------------------------------------------------------------------

PERSON_FIELDS = ("full_name", "email", "title", "kind", "weekly_capacity_hours", "is_active")


@org_write.service(PEOPLE)
def skill_create(*, organization: Organization, actor: User | None, name: str,
                 description: str = "") -> Skill:
    name = (name or "").strip()
    skill = Skill(organization=organization, name=name, description=description.strip())
    _full_clean(skill)
    if Skill.objects.for_org(organization).filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A skill named “{name}” already exists."})
    skill.save()
    audit_record(organization=organization, actor=actor, action="skill.created", target=skill,
                 after=snapshot(skill))
    return skill


def _check_person_user(organization: Organization, user: User | None, exclude_pk: int | None) -> None:
    if user is None:
        return
    if not Membership.objects.for_org(organization).filter(user=user).exists():
        raise ValidationError({"user": "Only a member of this organization can be linked."})
    clash = Person.objects.for_org(organization).filter(user=user)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"user": "This login is already linked to another person."})


def _check_person_email(organization: Organization, email: str, exclude_pk: int | None) -> None:
    if not email:
        return
    same = Person.objects.for_org(organization).filter(email__iexact=email)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"email": f"Someone in the directory already has {email}."})


@org_write.service(PEOPLE)
def person_create(*, organization: Organization, actor: User | None, full_name: str,
                  email: str = "", title: str = "", kind: str = "employee",
                  weekly_capacity_hours: int = 40, user: User | None = None,
                  skills: dict[Skill, int] | None = None) -> Person:
    person = Person(
        organization=organization, full_name=(full_name or "").strip(),
        email=(email or "").strip().lower(), title=(title or "").strip(), kind=kind,
        weekly_capacity_hours=weekly_capacity_hours, user=user,
    )
    _full_clean(person, exclude=["user"])
    _check_person_email(organization, person.email, None)
    _check_person_user(organization, user, None)
    person.save()
    if skills:
        _set_skills(organization, person, skills)
    audit_record(organization=organization, actor=actor, action="person.created", target=person,
                 after=snapshot(person) | {"skills": _skill_summary(skills)})
    return person


@org_write.service(PEOPLE)
def person_update(*, organization: Organization, actor: User | None, person: Person,
                  skills: dict[Skill, int] | None = None, **changes: Any) -> Person:
    p = Person.objects.for_org(organization).select_for_update().get(pk=person.pk)
    before = snapshot(p)
    user = changes.pop("user", p.user)
    for key, value in changes.items():
        if key not in PERSON_FIELDS:
            raise ValidationError({key: "This field cannot be changed here."})
        setattr(p, key, value.strip() if isinstance(value, str) else value)
    p.email = p.email.lower()
    p.user = user
    _full_clean(p, exclude=["user"])
    _check_person_email(organization, p.email, p.pk)
    _check_person_user(organization, user, p.pk)
    p.save()
    after = snapshot(p)
    if skills is not None:
        _set_skills(organization, p, skills, replace=True)
        after["skills"] = _skill_summary(skills)
    audit_record(organization=organization, actor=actor, action="person.updated", target=p,
                 before=before, after=after)
    return p


def _skill_summary(skills: dict[Skill, int] | None) -> dict[str, int]:
    return {s.name: int(level) for s, level in (skills or {}).items()}


def _set_skills(organization: Organization, person: Person, skills: dict[Skill, int],
                replace: bool = False) -> None:
    for skill, level in skills.items():
        if skill.organization_id != organization.pk:
            raise ValidationError({"skills": "Unknown skill."})
        if not 1 <= int(level) <= 5:
            raise ValidationError({"skills": f"Level for {skill.name} must be between 1 and 5."})
    if replace:
        PersonSkill.objects.for_org(organization).filter(person=person).exclude(
            skill__in=list(skills)
        ).delete()
    for skill, level in skills.items():
        PersonSkill.objects.for_org(organization).update_or_create(
            organization=organization, person=person, skill=skill, defaults={"level": int(level)}
        )

