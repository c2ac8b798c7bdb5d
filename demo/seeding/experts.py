"""Seed step for expert time: experts with weekly office hours (some hosted in guilds) and
bookings, past and upcoming, then the capacity snapshots (expert weeks).

Small scale: a handful of experts through the services, upcoming bookings booked by pod leads
(so the audit trail is real) and past ones bulk-inserted (services refuse the past). Enterprise:
200 experts and 20,000 bookings over two years, bulk-inserted on distinct slots of the office
hours within each expert's weekly cap (the exclusion constraint would refuse anything else).
Idempotent: an organization that already has experts keeps them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone

from demo.seeding.context import SeedContext
from knowledge.models import Guild
from pods.models import Assignment, Pod
from resources import services as resource_services
from resources.experts import services
from resources.experts.models import Booking, ExpertProfile, OfficeHours
from resources.experts.slots import Slot, slots_between
from tenancy.audit import audit_record
from tenancy.models import Person, User
from tenancy.registry import SeedStep, registry

TOPICS = ["RAG", "LLM evaluation", "MLOps", "Data contracts", "Experiment design", "Privacy reviews",
          "Forecasting", "Kubernetes", "Prompt design", "Fairness testing", "Feature stores", "Claims domain"]
ASKS = ["Review our eval rubric", "Chunking strategy for policy PDFs", "Retraining cadence", "Drift alerts",
        "A/B test power", "PII in prompts", "Model card review", "GPU job sizing", "Data contract for claims",
        "Ranking metrics", "Latency budget", "Bias test plan"]
TIMEZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Singapore", "UTC"]
ENTERPRISE_EXPERTS = 200
ENTERPRISE_BOOKINGS = 20_000
BATCH = 2000


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    if ExpertProfile.objects.for_org(org).exists():
        ctx.tally("experts", 0, ExpertProfile.objects.for_org(org).count())
        return
    pods = list(Pod.objects.for_org(org).order_by("pk"))
    people = list(Person.objects.for_org(org).filter(is_active=True).order_by("pk"))
    if not pods or not people:
        return
    if ctx.is_enterprise:
        _enterprise(ctx, pods, people)
    else:
        _small(ctx, pods, people)
    resource_services.capacity_recompute(organization=org)


def _leads(ctx: SeedContext) -> dict[int, User]:
    rows = (Assignment.objects.for_org(ctx.org).filter(role__is_lead=True, person__user__isnull=False)
            .values_list("pod_id", "person__user_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in={u for _, u in rows})}
    return {pod_id: users[user_id] for pod_id, user_id in rows}


def _small(ctx: SeedContext, pods: list[Pod], people: list[Person]) -> None:
    org, actor, rng = ctx.org, ctx.owner, ctx.rng
    guilds = list(Guild.objects.for_org(org).order_by("pk"))
    # The demo's "member" (Sam) is an expert, so signing in as him shows bookings of his time.
    chosen = sorted(people, key=lambda p: (p.user_id is None, p.pk))[:6]
    experts = []
    for i, person in enumerate(chosen):
        expert = services.expert_profile_set(organization=org, actor=actor, person=person, hours_per_week=2 + i % 3,
                                             topics=", ".join(rng.sample(TOPICS, 2)))
        experts.append(expert)
        for j in range(2):
            services.office_hours_create(
                organization=org, actor=actor, expert=expert, weekday=(i + 2 * j) % 5,
                start_time=dt.time(10 + 3 * j + i % 2), end_time=dt.time(12 + 3 * j + i % 2),
                timezone=TIMEZONES[i % len(TIMEZONES)], slot_minutes=30 if j == 0 else 45,
                min_notice_hours=24, buffer_minutes=0 if j == 0 else 15,
                guild=guilds[(i + j) % len(guilds)] if guilds and (i + j) % 2 == 0 else None)
    leads = _leads(ctx)
    lead_pods = [p for p in pods if p.pk in leads] or pods
    now = timezone.now()
    booked = 0
    for expert in experts:
        windows = list(OfficeHours.objects.for_org(org).filter(expert=expert))
        free = [s for s in slots_between(windows, now + dt.timedelta(days=2), now + dt.timedelta(days=14))]
        for slot in rng.sample(free, min(3, len(free))):
            pod = rng.choice(lead_pods)
            try:
                services.booking_create(organization=org, actor=leads.get(pod.pk, actor), expert=expert, pod=pod,
                                        topic=rng.choice(ASKS), start=slot.start, end=slot.end)
                booked += 1
            except ValidationError:  # the weekly cap: the demo simply books fewer
                continue
    past = _past(ctx, experts, pods, leads, weeks=8, per_week=2)
    ctx.tally("experts", len(experts))
    ctx.tally("bookings", booked + past)


def _past(ctx: SeedContext, experts: list[ExpertProfile], pods: list[Pod], leads: dict[int, User],
          weeks: int, per_week: int) -> int:
    """Bookings of the last `weeks`, bulk-inserted on distinct slots, within each weekly cap."""
    org, rng = ctx.org, ctx.rng
    now = timezone.now()
    hours: dict[int, list[OfficeHours]] = defaultdict(list)
    for oh in OfficeHours.objects.for_org(org).filter(expert__in=experts):
        hours[oh.expert_id].append(oh)
    rows = []
    for expert in experts:
        rows.extend(_pick(ctx, expert, hours[expert.pk], now - dt.timedelta(weeks=weeks), now, per_week, pods,
                          leads))
    Booking.objects.bulk_create(rows, batch_size=BATCH)
    cancelled = [b for b in rows if rng.random() < 0.08]
    for b in cancelled:
        b.state, b.cancelled_at = "cancelled", b.start - dt.timedelta(days=1)
    Booking.objects.for_org(org).bulk_update(cancelled, ["state", "cancelled_at"], batch_size=500)
    return len(rows)


def _pick(ctx: SeedContext, expert: ExpertProfile, windows: list[OfficeHours], lo: dt.datetime, hi: dt.datetime,
          per_week: int, pods: list[Pod], leads: dict[int, User]) -> list[Booking]:
    """Up to `per_week` slots a week at random, never past the weekly cap."""
    rng = ctx.rng
    by_week: dict[dt.date, list[Slot]] = defaultdict(list)
    for s in slots_between(windows, lo, hi):
        by_week[s.start.date() - dt.timedelta(days=s.start.weekday())].append(s)
    out = []
    for slots in by_week.values():
        used = 0.0
        for s in rng.sample(slots, min(per_week, len(slots))):
            length = (s.end - s.start).total_seconds() / 3600
            if used + length > expert.hours_per_week:
                continue
            used += length
            pod = rng.choice(pods)
            out.append(Booking(organization=ctx.org, expert=expert, office_hours=s.office_hours,
                               booked_by=leads.get(pod.pk, ctx.owner), pod=pod, topic=rng.choice(ASKS),
                               start=s.start, end=s.end, state="booked"))
    return out


def _enterprise(ctx: SeedContext, pods: list[Pod], people: list[Person]) -> None:
    org, rng = ctx.org, ctx.rng
    guilds = list(Guild.objects.for_org(org).order_by("pk"))
    chosen = rng.sample(people, min(ENTERPRISE_EXPERTS, len(people)))
    experts = ExpertProfile.objects.bulk_create(
        [ExpertProfile(organization=org, person=p, hours_per_week=rng.choice((2, 3, 4, 6)),
                       topics=", ".join(rng.sample(TOPICS, rng.randint(1, 3)))) for p in chosen], batch_size=BATCH)
    windows = []
    for i, e in enumerate(experts):
        for j in range(rng.randint(1, 2)):
            start = rng.choice((8, 9, 10, 13, 14, 15))
            windows.append(OfficeHours(
                organization=org, expert=e, weekday=(i + 2 * j) % 5, start_time=dt.time(start),
                end_time=dt.time(start + rng.choice((2, 3))), timezone=rng.choice(TIMEZONES),
                slot_minutes=rng.choice((30, 30, 45, 60)), min_notice_hours=rng.choice((12, 24, 48)),
                buffer_minutes=rng.choice((0, 0, 10, 15)),
                guild=rng.choice(guilds) if guilds and rng.random() < 0.3 else None))
    OfficeHours.objects.bulk_create(windows, batch_size=BATCH)
    leads = _leads(ctx)
    now = timezone.now()
    weeks = 104  # two years back, and four weeks ahead
    per_week = max(1, round(ENTERPRISE_BOOKINGS / len(experts) / (weeks + 4)))
    hours: dict[int, list[OfficeHours]] = defaultdict(list)
    for oh in windows:
        hours[oh.expert_id].append(oh)
    rows: list[Booking] = []
    for e in experts:
        rows.extend(_pick(ctx, e, hours[e.pk], now - dt.timedelta(weeks=weeks), now + dt.timedelta(weeks=4),
                          per_week, pods, leads))
    rng.shuffle(rows)
    rows = rows[:ENTERPRISE_BOOKINGS]
    for b in rows:
        if rng.random() < 0.08:
            b.state, b.cancelled_at = "cancelled", b.start - dt.timedelta(days=1)
    Booking.objects.bulk_create(rows, batch_size=BATCH)
    audit_record(organization=org, actor=ctx.actor, action="demo.experts_seeded", target=org,
                 after={"experts": len(experts), "office_hours": len(windows), "bookings": len(rows)})
    ctx.tally("experts", len(experts))
    ctx.tally("bookings", len(rows))


registry.seed_steps.register(SeedStep("experts", seed, order=70, after=("pods", "knowledge", "resources")))
