"""Enterprise-scale tenancy seed: logins, leaders, skills and a 2,500-person directory.

Services write one row (and one audit event) at a time, which is far too slow at this size, so
rows are bulk-inserted in batches and the step records one summary audit event. The org itself
still comes from `organization_create`, so everything that hangs off its signal (pod roles …)
is seeded as for any real tenant.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from demo.seeding import by_scale
from demo.seeding import enterprise_data as data
from demo.seeding.context import SeedContext
from demo.seeding.tenancy import ensure_member, ensure_organization, ensure_user, seed_small
from tenancy.audit import audit_record
from tenancy.models import Membership, Person, PersonKind, PersonSkill, Role, Skill, User
from tenancy.registry import SeedStep, registry

BATCH = 1000


def faker(ctx: SeedContext) -> Any:
    try:
        from faker import Faker
    except ImportError as exc:  # a dev dependency; the lock file installs it
        raise SystemExit("The enterprise demo needs Faker: make install") from exc
    fake = Faker(data.NAME_LOCALES)
    fake.seed_instance(ctx.seed)
    return fake


def seed(ctx: SeedContext) -> None:
    admin = ensure_user(ctx, f"admin@{data.LOGIN_DOMAIN}", "Morgan Ellis")
    leader = ensure_user(ctx, f"leader@{data.LOGIN_DOMAIN}", "Riley Chen")
    ctx.users.update(admin=admin, leader=leader)
    org = ensure_organization(ctx, slug=data.ORG_SLUG, name=data.ORG_NAME, owner=admin)
    ensure_member(ctx, admin, Role.OWNER)
    ensure_member(ctx, leader, Role.LEADER)
    ctx.logins += [(admin.email, f"owner of {org.name}"),
                   (leader.email, "leader: sponsors pods")]
    if Person.objects.for_org(org).exists():
        ctx.tally("people", 0, Person.objects.for_org(org).count())
        return
    fake = faker(ctx)
    leaders = _leaders(ctx, fake)
    skills = _skills(ctx)
    people = _people(ctx, fake)
    person_skills = _person_skills(ctx, people, skills)
    audit_record(organization=org, actor=ctx.actor, action="demo.directory_seeded",
                 target=org, after={"people": len(people), "skills": len(skills),
                                    "person_skills": person_skills, "leaders": len(leaders)})


def _leaders(ctx: SeedContext, fake: Any) -> list[Membership]:
    """Leaders who sponsor pods; they share one password hash (hashing 12 times is slow)."""
    org = ctx.org
    count = max(2, ctx.pods // 25)
    password = make_password(ctx.password)
    existing = set(User.objects.filter(email__endswith=f"@{data.LOGIN_DOMAIN}")
                   .values_list("email", flat=True))
    users = []
    for i in range(count):
        name = fake.name()
        email = f"{slugify(name).replace('-', '.')}.{i}@{data.LOGIN_DOMAIN}"
        if email not in existing:
            users.append(User(email=email, full_name=name, password=password))
    User.objects.bulk_create(users, batch_size=BATCH)
    users = list(User.objects.filter(email__in=[u.email for u in users]))
    Membership.objects.bulk_create(
        [Membership(organization=org, user=u, role=Role.LEADER) for u in users], batch_size=BATCH)
    ctx.tally("logins", len(users))
    ctx.tally("memberships", len(users))
    return list(Membership.objects.for_org(org).filter(role__in=[Role.LEADER, Role.OWNER])
                .select_related("user").order_by("pk"))


def _skills(ctx: SeedContext) -> dict[str, Skill]:
    org = ctx.org
    names = list(data.GENERAL_SKILLS)
    for family in data.FAMILIES.values():
        names += [s for s in family["skills"] if s not in names]  # type: ignore[attr-defined]
    existing = {s.name for s in Skill.objects.for_org(org)}
    Skill.objects.bulk_create(
        [Skill(organization=org, name=n) for n in names if n not in existing], batch_size=BATCH)
    ctx.tally("skills", len([n for n in names if n not in existing]), len(existing))
    return {s.name: s for s in Skill.objects.for_org(org)}


def _people(ctx: SeedContext, fake: Any) -> list[Person]:
    org, rng = ctx.org, ctx.rng
    families = list(data.FAMILIES)
    weights = [int(data.FAMILIES[f]["weight"]) for f in families]  # type: ignore[call-overload]
    seen: Counter[str] = Counter()
    rows = []
    for _ in range(ctx.people):
        first, last = fake.first_name(), fake.last_name()
        family = rng.choices(families, weights)[0]
        local = slugify(f"{first} {last}").replace("-", ".") or "person"
        seen[local] += 1
        if seen[local] > 1:
            local = f"{local}{seen[local]}"
        kind = rng.choices([PersonKind.EMPLOYEE, PersonKind.CONTRACTOR, PersonKind.BENCH],
                           [88, 8, 4])[0]
        hours = 40 if kind == PersonKind.EMPLOYEE and rng.random() < 0.9 else rng.choice(
            [16, 20, 24, 32, 40])
        person = Person(organization=org, full_name=f"{first} {last}",
                        email=f"{local}@{data.PEOPLE_DOMAIN}",
                        title=rng.choice(data.FAMILIES[family]["titles"]),  # type: ignore[arg-type]
                        kind=kind, weekly_capacity_hours=hours)
        rows.append(person)
    # PostgreSQL returns the new ids, so the objects stay usable as foreign keys.
    Person.objects.bulk_create(rows, batch_size=BATCH)
    ctx.tally("people", len(rows))
    return rows


def _person_skills(ctx: SeedContext, people: list[Person], skills: dict[str, Skill]) -> int:
    org, rng = ctx.org, ctx.rng
    rows = []
    for person in people:
        pool = data.FAMILIES[data.TITLE_FAMILY[person.title]]["skills"]
        picked = rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))  # type: ignore[arg-type]
        if rng.random() < 0.6:
            picked.append(rng.choice(data.GENERAL_SKILLS))
        for name in picked:
            rows.append(PersonSkill(organization=org, person=person, skill=skills[name],
                                    level=rng.choices([1, 2, 3, 4, 5], [5, 25, 35, 25, 10])[0]))
    PersonSkill.objects.bulk_create(rows, batch_size=BATCH)
    ctx.tally("person skills", len(rows))
    return len(rows)


# The step of both scales: the small one through the services (demo/seeding/tenancy.py), this one in bulk.
registry.seed_steps.register(SeedStep("tenancy", by_scale(seed_small, seed), order=10))
