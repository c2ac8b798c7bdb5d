"""Seed step for resources: compute pools with quotas for the pods, compute budgets, a history of
allocations (finished, released, preempted, rejected) and live ones in every state (admitted
within nominal, borrowing with a scheduled reclaim, pending with the reason, waiting for spend
approval), then the capacity snapshots.

History lies in the past, which the services refuse, so it is bulk-inserted with its events;
live allocations go through the services at small scale, so the queue, the ledger and the audit
trail are real. Idempotent: an organization that already has pools keeps them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from demo.seeding.context import SeedContext
from pods.models import Assignment, Pod
from resources import services
from resources.models import (
    Allocation,
    AllocationEvent,
    AllocationState,
    ComputePool,
    Quota,
)
from tenancy.models import User
from tenancy.registry import SeedStep, registry

POOLS = [  # name, unit, capacity, credits per unit-hour
    ("H100 80GB", "GPU", 16, Decimal("4.00")),
    ("A100 40GB", "GPU", 8, Decimal("2.50")),
    ("LLM API credits", "k-token/h", 400, Decimal("0.02")),
]
ENTERPRISE_POOLS = 40
ENTERPRISE_ALLOCATIONS = 50_000


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    if ComputePool.objects.for_org(org).exists():
        ctx.tally("compute pools", 0, ComputePool.objects.for_org(org).count())
        return
    pods = list(Pod.objects.for_org(org).order_by("pk"))
    if not pods:
        return
    if ctx.is_enterprise:
        _enterprise(ctx, pods)
    else:
        _small(ctx, pods)
    services.capacity_recompute(organization=org)


def _lead_users(ctx: SeedContext) -> dict[int, User]:
    rows = (Assignment.objects.for_org(ctx.org).filter(role__is_lead=True, person__user__isnull=False)
            .values_list("pod_id", "person__user_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in={u for _, u in rows})}
    return {pod_id: users[user_id] for pod_id, user_id in rows}


def _hour(now: dt.datetime, hours: float) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=hours)


def _small(ctx: SeedContext, pods: list[Pod]) -> None:
    org, actor = ctx.org, ctx.actor
    leads = _lead_users(ctx)
    cohort = sorted(pods, key=lambda p: (p.pk not in leads, p.pk))[:5]
    lead_pod = next((p for p in cohort if p.pk in leads and leads[p.pk].email == "lead@demo.podium"),
                    cohort[0])
    cohort = [lead_pod, *[p for p in cohort if p != lead_pod]]
    pools = [services.pool_create(organization=org, actor=actor, name=n, unit=u, capacity=c, unit_cost=cost)
             for n, u, c, cost in POOLS]
    h100, a100, api = pools
    for pool in pools:
        share = pool.capacity // (len(cohort) + 1)  # some capacity stays unassigned
        for i, pod in enumerate(cohort):
            services.quota_set(organization=org, actor=actor, pool=pool, pod=pod, nominal=share,
                               borrowing_limit=None if i % 2 == 0 else share,
                               lending_limit=None if i != 2 else share // 2,
                               reclaim="any" if i % 3 == 0 else "lower_priority",
                               within_pod="lower_priority" if i == 0 else "never")
    quarter = services.quarter_of(timezone.localdate())
    for i, pod in enumerate(cohort):
        services.budget_set(organization=org, actor=actor, pod=pod, quarter=quarter, category="compute",
                            amount=Decimal(6000 + 1500 * i), allow_overrun=(i == 4))
        services.budget_set(organization=org, actor=actor, pod=pod, quarter=quarter, category="apis",
                            amount=Decimal(800))
    _history(ctx, [h100, a100, api], cohort, days=45, per_day=4)
    now = timezone.now()

    def ask(pod: Pod, pool: ComputePool, amount: int, start: float, end: float, *, preemptible: bool = True,
            idempotency_key: str = "") -> Allocation:
        return services.allocation_request(organization=org, actor=leads.get(pod.pk, actor), pod=pod, pool=pool,
                                           amount=amount, start=_hour(now, start), end=_hour(now, end),
                                           preemptible=preemptible, idempotency_key=idempotency_key)

    if len(cohort) < 5:
        ctx.tally("compute pools", len(pools))
        return
    a, b, c, e, d = cohort[:5]  # a, c, d borrow any idle capacity; b and e up to their nominal; e reclaims any
    share = h100.capacity // (len(cohort) + 1)
    ask(a, h100, share, -2, 20)  # within nominal, running now
    ask(b, h100, share, -1, 30)
    ask(b, h100, share, -1, 30)  # borrows (preemptible)
    ask(d, h100, share, -1, 20)
    ask(d, h100, h100.capacity - 4 * share - 1, -1, 20)  # borrows all that may be lent (C lends one)
    ask(e, h100, share, 10, 16)  # a lender's reservation: D's borrowed allocation is reclaimed at +10 h
    ask(c, h100, share, 0, 8)  # the pool is full and C may reclaim only lower priority: it waits
    ask(a, h100, share, 22, 24, idempotency_key="demo-retraining-burst")
    ask(a, h100, share * 2, 48, 700)  # over 10,000 credits: waits for a leader's approval
    ask(c, a100, 2, 0, 6)  # borrows one A100
    ask(b, a100, 1, 30, 34, preemptible=False)
    ask(a, api, 120, 0, 72)  # borrows API credits
    services.compute_tick(organization=org)
    ctx.tally("compute pools", len(pools))
    ctx.tally("allocations", Allocation.objects.for_org(org).count())


def _history(ctx: SeedContext, pools: list[ComputePool], pods: list[Pod], days: int, per_day: int) -> int:
    """Past allocations, bulk-inserted with their events: mostly finished, some released early,
    preempted or rejected. Each sits within its pod's nominal or borrows a little."""
    org, rng = ctx.org, ctx.rng
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    nominal = {(q.pool_id, q.pod_id): q.nominal for q in Quota.objects.for_org(org)}
    rows: list[Allocation] = []
    for day in range(days, 0, -1):
        for _ in range(per_day):
            pool, pod = rng.choice(pools), rng.choice(pods)
            nom = max(1, nominal.get((pool.pk, pod.pk), 1))
            start = now - dt.timedelta(days=day, hours=rng.randint(0, 20))
            end = start + dt.timedelta(hours=rng.choice((2, 4, 8, 12, 24)))
            if end >= now:
                continue
            amount = rng.randint(1, nom)
            borrowed = rng.choice((0, 0, 0, min(2, pool.capacity - amount)))
            amount += max(0, borrowed)
            state = rng.choices([AllocationState.FINISHED, AllocationState.RELEASED, AllocationState.PREEMPTED,
                                 AllocationState.REJECTED], weights=(80, 10, 5, 5))[0]
            ended = None if state != AllocationState.RELEASED else start + (end - start) / 2
            if state == AllocationState.PREEMPTED:
                ended = start + (end - start) / 3
            hours = ((ended or end) - start).total_seconds() / 3600
            rows.append(Allocation(
                organization=org, pool=pool, pod=pod, amount=amount, start=start, end=end,
                priority=rng.choice((0, 0, 1, 2)), state=state,
                borrowed=max(0, borrowed) if state != AllocationState.REJECTED else 0,
                admitted_at=None if state == AllocationState.REJECTED else start,
                ended_at=ended, estimated_cost=(Decimal(amount) * Decimal(str(round(hours, 2))) * pool.unit_cost)
                .quantize(Decimal("0.01")),
                reason={AllocationState.FINISHED: "Finished at its end",
                        AllocationState.RELEASED: "Released before its end",
                        AllocationState.PREEMPTED: "Preempted: a lending pod reclaimed its nominal quota",
                        AllocationState.REJECTED: "Its window ended while pending: no capacity was admitted"}[state]))
    created = Allocation.objects.bulk_create(rows, batch_size=2000)
    events = []
    for a in created:
        events.append(AllocationEvent(organization=org, allocation=a, state=AllocationState.PENDING,
                                      reason="Requested", at=a.start - dt.timedelta(hours=1)))
        if a.admitted_at:
            events.append(AllocationEvent(organization=org, allocation=a, state=AllocationState.ADMITTED,
                                          reason="Admitted", at=a.admitted_at))
        events.append(AllocationEvent(organization=org, allocation=a, state=a.state, reason=a.reason,
                                      at=a.ended_at or a.end))
    AllocationEvent.objects.bulk_create(events, batch_size=5000)
    ctx.tally("past allocations", len(created))
    return len(created)


def _enterprise(ctx: SeedContext, pods: list[Pod]) -> None:
    """40 pools, a quota for every pod on the pools of its family, 50,000 allocations over two years."""
    org, rng = ctx.org, ctx.rng
    families = [("H100 80GB", "GPU", Decimal("4.00")), ("A100 40GB", "GPU", Decimal("2.50")),
                ("L4", "GPU", Decimal("0.80")), ("LLM API credits", "k-token/h", Decimal("0.02"))]
    pools = ComputePool.objects.bulk_create([
        ComputePool(organization=org, name=f"{families[i % 4][0]} · zone {i // 4 + 1}", unit=families[i % 4][1],
                    capacity=rng.choice((64, 96, 128, 256)), unit_cost=families[i % 4][2])
        for i in range(ENTERPRISE_POOLS)])
    quotas = []
    for pool in pools:
        members = pods[pool.pk % 10::10][:30] or pods[:30]
        share = pool.capacity // (len(members) + 2)
        quotas += [Quota(organization=org, pool=pool, pod=p, nominal=share, reclaim="any") for p in members]
    Quota.objects.bulk_create(quotas, batch_size=5000)
    per_day = ENTERPRISE_ALLOCATIONS // 730 + 1
    cohort_pods = list({q.pod for q in quotas})
    _history(ctx, pools, cohort_pods, days=730, per_day=per_day)
    ctx.tally("compute pools", len(pools))


registry.seed_steps.register(SeedStep("resources", seed, order=60, after=("pods", "governance")))
