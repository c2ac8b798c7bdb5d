"""Seed step for tenancy: the organization, its logins, skills and directory.

Small scale goes through the services (so the audit trail and cache versions are real);
enterprise scale bulk-inserts (see `tenancy_bulk`).
"""

from __future__ import annotations

from demo.seeding import small_data as data
from demo.seeding.context import SeedContext
from tenancy import services
from tenancy.models import Membership, Organization, Person, Skill, User


def ensure_user(ctx: SeedContext, email: str, full_name: str) -> User:
    """The login for `email`, created with the demo password if missing.

    An existing login keeps its row; its password is only reset when it no longer matches
    PODIUM_DEMO_PASSWORD (someone changed the variable), so a plain re-run writes nothing.
    The demo logins are created together with one password, so once one of them checks out
    the others are trusted: each check costs a full password hash (most of a re-run's time).
    """
    user = User.objects.filter(email=email).first()
    if user is None:
        ctx.tally("logins", 1)
        return User.objects.create_user(email, ctx.password, full_name=full_name)
    if ctx.shared.get("password_verified"):
        ctx.tally("logins", 0, 1)
    elif user.check_password(ctx.password):
        ctx.shared["password_verified"] = True
        ctx.tally("logins", 0, 1)
    else:
        user.set_password(ctx.password)
        user.save(update_fields=["password"])
        ctx.tally("login passwords reset", 1)
    return user


def ensure_organization(ctx: SeedContext, *, slug: str, name: str, owner: User) -> Organization:
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        org = services.organization_create(name=name, slug=slug, owner=owner)
        ctx.tally("organizations", 1)
    else:
        ctx.tally("organizations", 0, 1)
    ctx.organization, ctx.actor = org, owner
    return org


def ensure_member(ctx: SeedContext, user: User, role: str) -> Membership:
    """Join through an invitation, as a real user would (audited: invited, accepted, joined)."""
    org = ctx.org
    membership = Membership.objects.for_org(org).filter(user=user).first()
    if membership is not None:
        ctx.tally("memberships", 0, 1)
        return membership
    assert ctx.actor is not None
    _, token = services.invitation_create(organization=org, actor=ctx.actor, email=user.email,
                                          role=role)
    ctx.tally("memberships", 1)
    return services.invitation_accept(token=token, user=user)


def seed_small(ctx: SeedContext) -> None:
    users = {key: ensure_user(ctx, email, name) for key, email, name, _ in data.USERS}
    ctx.users.update(users)
    org = ensure_organization(ctx, slug=data.ORG_SLUG, name=data.ORG_NAME, owner=users["admin"])
    memberships = {}
    for key, email, _, role in data.USERS:
        memberships[key] = ensure_member(ctx, users[key], role)
        ctx.logins.append((email, _login_hint(key, role)))
    ctx.shared["memberships"] = memberships

    existing_skills = {s.name.lower(): s for s in Skill.objects.for_org(org)}
    skills: dict[str, Skill] = {}
    for name, description in data.SKILLS:
        skill = existing_skills.get(name.lower())
        if skill is None:
            skill = services.skill_create(organization=org, actor=ctx.actor, name=name,
                                          description=description)
            ctx.tally("skills", 1)
        else:
            ctx.tally("skills", 0, 1)
        skills[name] = skill

    existing_people = {p.email: p for p in Person.objects.for_org(org)}
    people: dict[str, Person] = {}
    for key, full_name, title, kind, hours, levels in data.PEOPLE:
        user = users.get(key)
        email = user.email if user else f"{key}@{data.EMAIL_DOMAIN}"
        person = existing_people.get(email)
        if person is None:
            person = services.person_create(
                organization=org, actor=ctx.actor, full_name=full_name, email=email, title=title,
                kind=kind, weekly_capacity_hours=hours, user=user,
                skills={skills[name]: level for name, level in levels.items()},
            )
            ctx.tally("people", 1)
        else:
            ctx.tally("people", 0, 1)
        people[key] = person
    ctx.shared["people"] = people


def _login_hint(key: str, role: str) -> str:
    return {
        "admin": "organization owner: settings, members, audit log",
        "leader": "leader: sponsors pods, sees every pod's health",
        "lead": "member who leads the Claims Triage Assistant pod",
        "member": "member of the Claims Triage Assistant pod",
    }.get(key, role)
