"""Seed step for the elastic bench: bench and contractor people on the bench (hours, caps, rates,
some time off), open staffing requests from pods for skills people hold, a history of filled and
expired requests (for fill rate and time to fill), then the worker's joint suggestions.

Small scale goes through the services (a real audit trail); enterprise scale bulk-inserts 400 bench
entries and 150 open requests. Idempotent: an org that already has a bench keeps it.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from bench.models import (
    OPEN_REQUEST_STATES,
    BenchEntry,
    Priority,
    RequestSkill,
    RequestStatus,
    StaffingRequest,
    TimeOff,
)
from bench.services.entries import bench_entry_create, time_off_add
from bench.services.recompute import suggestions_recompute
from bench.services.requests import staffing_request_file
from demo.seeding.context import SeedContext
from pods.models import Pod, PodRole
from resources.models import Budget, BudgetCategory
from resources.services import budget_set, quarter_of
from tenancy.models import Person, PersonKind, PersonSkill
from tenancy.registry import SeedStep, registry

TITLES = ["Computer-vision engineer", "Data quality specialist", "MLOps engineer", "Evaluation lead",
          "Prompt engineer", "Domain expert (claims)", "Privacy reviewer", "Search relevance engineer",
          "Forecasting specialist", "Annotation lead"]


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    if BenchEntry.objects.for_org(org).exists():
        ctx.tally("bench entries", 0, BenchEntry.objects.for_org(org).count())
        return
    rng = random.Random(ctx.seed + 10)
    n_entries, n_open = (400, 150) if ctx.is_enterprise else (14, 8)
    kinds = [PersonKind.BENCH, PersonKind.CONTRACTOR]
    if not ctx.is_enterprise:
        _specialists(ctx, rng)
    people = list(Person.objects.for_org(org).filter(is_active=True, kind__in=kinds).order_by("pk")[:n_entries])
    if len(people) < n_entries:  # top up with employees who have the fewest hours committed
        people += list(Person.objects.for_org(org).filter(is_active=True).exclude(kind__in=kinds)
                       .order_by("-pk")[: n_entries - len(people)])
    pods = list(Pod.objects.for_org(org).filter(status__in=("active", "forming")).order_by("pk"))
    role = PodRole.objects.for_org(org).filter(is_lead=False).order_by("sort_order").first()
    if not people or not pods or role is None:
        return
    today = ctx.today
    entries = _entries(ctx, rng, people, today)
    held = list(PersonSkill.objects.for_org(org).filter(person__in=people).values_list("skill_id", "level"))
    if not held:
        return
    _requests(ctx, rng, pods, role, held, n_open, today)
    _history(ctx, rng, pods, role, held, today)
    budgets = _services_budgets(ctx, today)
    run = suggestions_recompute(organization=org, today=today)
    ctx.tally("services budgets", budgets)
    ctx.tally("bench entries", entries)
    ctx.tally("staffing requests", n_open)
    ctx.tally("scaling suggestions", run.created)


SPECIALISTS = ["Amara Okafor", "Lukas Becker", "Sofia Rossi", "Daniel Kim", "Noor Haddad", "Tomás Silva",
               "Hannah Schmidt", "Ravi Iyer"]


def _specialists(ctx: SeedContext, rng: random.Random) -> None:
    """Contractors on call, with no login: the specialists the bench exists for."""
    from tenancy.models import Skill

    skills = list(Skill.objects.for_org(ctx.org).order_by("pk"))
    for i, name in enumerate(SPECIALISTS):
        email = f"specialist{i + 1}@bench.example"
        person, made = Person.objects.get_or_create(
            organization=ctx.org, email=email,
            defaults={"full_name": name, "kind": PersonKind.CONTRACTOR, "title": "Specialist on call"})
        if made and skills:
            PersonSkill.objects.bulk_create(
                PersonSkill(organization=ctx.org, person=person, skill=sk, level=rng.choice([3, 4, 4, 5]))
                for sk in rng.sample(skills, k=min(3, len(skills))))


def _entries(ctx: SeedContext, rng: random.Random, people: list[Person], today: datetime.date) -> int:
    org = ctx.org
    specs: list[dict[str, Any]] = []
    for p in people:
        hours = rng.choice([16, 20, 24, 32, 40, 40])
        specs.append(dict(person=p, available_from=today - datetime.timedelta(days=rng.randint(0, 120)),
                          available_to=(today + datetime.timedelta(weeks=rng.randint(10, 40)))
                          if rng.random() < 0.3 else None,
                          hours_per_week=min(hours, p.weekly_capacity_hours or hours),
                          utilisation_cap=rng.choice([80, 90, 100, 100]),
                          rate_per_hour=Decimal(rng.choice([65, 80, 95, 110, 140, 180]))))
    if ctx.is_enterprise:
        BenchEntry.objects.bulk_create(BenchEntry(organization=org, **s) for s in specs)
        entries = list(BenchEntry.objects.for_org(org).order_by("pk"))
        TimeOff.objects.bulk_create(
            TimeOff(organization=org, entry=e, start_date=(start := today + datetime.timedelta(weeks=rng.randint(1, 10))),
                    end_date=start + datetime.timedelta(days=rng.choice([3, 5, 10])), reason="Leave")
            for e in entries if rng.random() < 0.15)
        return len(entries)
    for i, s in enumerate(specs):
        e = bench_entry_create(organization=org, actor=ctx.actor, **s)
        if i % 5 == 2:
            start = today + datetime.timedelta(weeks=2 + i % 4)
            time_off_add(organization=org, actor=ctx.actor, entry=e, start_date=start,
                         end_date=start + datetime.timedelta(days=7), reason="Holiday")
    return len(specs)


def _request_fields(rng: random.Random, held: list[tuple[int, int]], today: datetime.date) -> dict:
    start = today + datetime.timedelta(days=rng.randint(3, 35))
    skills = {}
    for skill_id, level in rng.sample(held, k=min(len(held), rng.choice([1, 1, 2]))):
        skills[skill_id] = max(1, min(level, rng.choice([2, 3, 3, 4])))
    return dict(start_date=start, end_date=start + datetime.timedelta(weeks=rng.choice([4, 6, 8, 12])),
                hours_per_week=rng.choice([8, 12, 16, 20, 24]), priority=rng.choice(Priority.values),
                skills=skills)


def _requests(ctx: SeedContext, rng: random.Random, pods: list[Pod], role: PodRole,
              held: list[tuple[int, int]], n: int, today: datetime.date) -> None:
    org = ctx.org
    if not ctx.is_enterprise:
        from tenancy.models import Skill

        by_id = {s.pk: s for s in Skill.objects.for_org(org)}
        for i in range(n):
            f = _request_fields(rng, held, today)
            staffing_request_file(organization=org, actor=ctx.actor, pod=pods[i % len(pods)], role=role,
                                  title=TITLES[i % len(TITLES)],
                                  skills=[(by_id[s], lvl) for s, lvl in f.pop("skills").items()],
                                  justification="Seeded demand for the demo.", **f)
        return
    rows, skills = [], []
    for i in range(n):
        f = _request_fields(rng, held, today)
        skills.append(f.pop("skills"))
        rows.append(StaffingRequest(organization=org, pod=pods[i % len(pods)], role=role,
                                    title=TITLES[i % len(TITLES)], status=RequestStatus.OPEN, **f))
    StaffingRequest.objects.bulk_create(rows)
    RequestSkill.objects.bulk_create(RequestSkill(organization=org, request=r, skill_id=s, min_level=lvl)
                                     for r, sk in zip(rows, skills, strict=True) for s, lvl in sk.items())


def _history(ctx: SeedContext, rng: random.Random, pods: list[Pod], role: PodRole,
             held: list[tuple[int, int]], today: datetime.date) -> None:
    """Closed requests of the past two quarters: most filled after some days, some expired."""
    org = ctx.org
    now = timezone.now()
    rows, skills = [], []
    for i in range(60 if ctx.is_enterprise else 16):
        f = _request_fields(rng, held, today - datetime.timedelta(days=rng.randint(60, 180)))
        skills.append(f.pop("skills"))
        filed = now - datetime.timedelta(days=(today - f["start_date"]).days + rng.randint(5, 20))
        filled = rng.random() < 0.75
        rows.append(StaffingRequest(
            organization=org, pod=pods[i % len(pods)], role=role, title=TITLES[i % len(TITLES)],
            status=RequestStatus.FULFILLED if filled else RequestStatus.EXPIRED,
            filled_at=filed + datetime.timedelta(days=rng.uniform(0.5, 9)) if filled else None, **f))
    StaffingRequest.objects.bulk_create(rows)
    # created_at is auto_now_add: set the filing time the history says.
    for r in rows:
        StaffingRequest.objects.for_org(org).filter(pk=r.pk).update(
            created_at=(r.filled_at or now) - datetime.timedelta(days=rng.uniform(1, 10)))
    RequestSkill.objects.bulk_create(RequestSkill(organization=org, request=r, skill_id=s, min_level=lvl)
                                     for r, sk in zip(rows, skills, strict=True) for s, lvl in sk.items())


def _services_budgets(ctx: SeedContext, today: datetime.date) -> int:
    """Services budgets, this quarter and next, for the pods that asked for people: suggestions weigh
    their cost against them and acceptance holds it. The first pod's is tight, so its suggestions say
    acceptance would be refused until the budget is raised."""
    org = ctx.org
    pod_ids = sorted(set(StaffingRequest.objects.for_org(org).filter(status__in=OPEN_REQUEST_STATES)
                         .values_list("pod_id", flat=True)))[: 40 if ctx.is_enterprise else 5]
    quarters = sorted({quarter_of(today), quarter_of(today + datetime.timedelta(days=92))})
    amounts = [(pod_id, q, Decimal(1500 if i == 0 else 60000)) for i, pod_id in enumerate(pod_ids) for q in quarters]
    if ctx.is_enterprise:  # bulk, like the rest of the enterprise seed (no event per row)
        Budget.objects.bulk_create(Budget(organization=org, pod_id=pod_id, quarter=q, category=BudgetCategory.SERVICES,
                                          amount=amount) for pod_id, q, amount in amounts)
        return len(amounts)
    pods = {p.pk: p for p in Pod.objects.for_org(org).filter(pk__in=pod_ids)}
    for pod_id, q, amount in amounts:
        budget_set(organization=org, actor=ctx.actor, pod=pods[pod_id], quarter=q, category=BudgetCategory.SERVICES,
                   amount=amount)
    return len(amounts)


registry.seed_steps.register(SeedStep("bench", seed, order=90, after=("pods", "resources")))
