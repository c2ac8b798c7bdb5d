"""Writes for compute: pools, quotas and allocations. Each is one `org_write` (one transaction,
audited) that locks the pool row first, so concurrent requests on a pool are serialized and
can never overbook it. Admission itself is decided by the pure engine in `resources.admission`;
the spend admission check (decision rights) and budget holds are in `approval` and `ledger`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from governance.services.escalations import escalation_file
from integrations.payloads import webhook_data
from integrations.services import event_emit
from pods.models import Pod
from pods.selectors import pod_lead_users
from resources import admission as eng
from resources.budget_selectors import allocation_cost, compute_hold_refusal, spend_routing
from resources.capacity_tasks import capacity_recompute_soon
from resources.models import (
    Allocation,
    AllocationEvent,
    AllocationState,
    ComputePool,
    PoolStatus,
    Quota,
    ReclaimPolicy,
    WithinPodPolicy,
)
from resources.selectors import pool_state
from resources.services import ledger
from tenancy.audit import snapshot
from tenancy.cache import COMPUTE
from tenancy.models import Organization, User
from tenancy.notifications import notify
from tenancy.writes import current_write, org_write

MAX_COST = Decimal("1e12")  # the ledger's and escalations' amounts hold 12 digits before the point
HOLDING = (AllocationState.ADMITTED,)
QUEUED = (AllocationState.PENDING, AllocationState.PREEMPTED)
# Transitions announced to webhook endpoints (resources/apps.py registers the event types).
WEBHOOK_STATES = (AllocationState.ADMITTED, AllocationState.PREEMPTED)
AUDIT_FIELDS = ("state", "amount", "start", "end", "borrowed", "reason", "preempted_by", "pool", "pod",
                "priority", "preemptible", "estimated_cost")


def _lock_pool(organization: Organization, pool_id: int) -> ComputePool:
    return ComputePool.objects.for_org(organization).select_for_update().get(pk=pool_id)


_state = pool_state  # the engine's view of the pool (resources.selectors)


def _ask(a: Allocation, now: dt.datetime | None = None) -> eng.Ask:
    start = max(a.start, now) if now is not None else a.start
    return eng.Ask(a.pod_id, a.amount, start, a.end, a.priority, a.preemptible)


def allocation_event_record(a: Allocation, state: str, reason: str = "", by: Allocation | None = None,
          at: dt.datetime | None = None) -> AllocationEvent:
    w = current_write()
    return AllocationEvent.objects.create(organization=w.organization, allocation=a, state=state,
                                          actor=w.actor, reason=reason[:500], by_allocation=by,
                                          at=at or timezone.now())


def allocation_transition(a: Allocation, state: str, reason: str = "", *, by: Allocation | None = None,
               now: dt.datetime | None = None) -> None:
    """Move an allocation to `state`: save, history event, audit event."""
    w = current_write()
    before = snapshot(a, AUDIT_FIELDS) if a.pk and a.state != state else None
    a.state, a.reason = state, reason[:500]
    a.save()
    allocation_event_record(a, state, reason, by=by, at=now)
    w.audit(f"allocation.{state}", target=a, before=before, after=snapshot(a, AUDIT_FIELDS))
    if state in WEBHOOK_STATES:
        event_emit(organization=w.organization, type=f"allocation.{state}",
                   data=webhook_data(a, state=a.state, pool_id=a.pool_id, amount=a.amount, reason=a.reason,
                                     start=a.start, end=a.end, preempted_by_id=a.preempted_by_id))


def _estimated_cost(a: Allocation, pool: ComputePool) -> Decimal:
    return allocation_cost(a, pool.unit_cost)


def allocation_preempt(victim: Allocation, by: Allocation | None, reason: str, at: dt.datetime, pool: ComputePool) -> None:
    """Stop a victim at `at` (settling its hold) and requeue it with the reason."""
    w = current_write()
    victim.preempted_by_id = by.pk if by is not None else victim.preempted_by_id
    victim.ended_at, victim.reclaim_at = at, None
    ledger.compute_settle(w.organization, w.actor, victim, pool.unit_cost, at, "preempted")
    allocation_transition(victim, AllocationState.PREEMPTED, reason, by=by, now=at)


def _admit(a: Allocation, pool: ComputePool, decision: eng.Decision, now: dt.datetime) -> None:
    """Admit (preempting the engine's victims first) and place the compute budget hold."""
    w = current_write()
    if a.start < now and a.state in QUEUED:
        a.start = now  # admitted from the queue: it holds capacity from now to its end
        a.estimated_cost = _estimated_cost(a, pool)
    victims = Allocation.objects.for_org(w.organization).filter(pk__in=decision.victims).order_by("pk")
    for victim in victims:
        why = (f"allocation #{a.pk} of {a.pod} (priority {a.priority}) reclaims capacity this pod had borrowed"
               if victim.pod_id != a.pod_id else
               f"this pod's own higher-priority allocation #{a.pk} (priority {a.priority}) needs the capacity")
        overlap = max(victim.start, a.start)
        if overlap > now:
            # A time-based reclaim: the victim keeps its capacity until the lender's reservation
            # starts; the worker preempts it then (its lead is warned ahead, see `clock`).
            victim.preempted_by, victim.reclaim_at, victim.reclaim_notified_at = a, overlap, None
            victim.save(update_fields=["preempted_by", "reclaim_at", "reclaim_notified_at", "updated_at"])
            allocation_event_record(victim, AllocationState.ADMITTED, f"Reclaim scheduled for {overlap:%Y-%m-%d %H:%M} UTC: {why}",
                  by=a, at=now)
            w.audit("allocation.reclaim_scheduled", target=victim, after=snapshot(victim, AUDIT_FIELDS))
            continue
        allocation_preempt(victim, a, f"Preempted at {now:%Y-%m-%d %H:%M} UTC: {why}", now, pool)
    a.borrowed, a.admitted_at, a.ended_at = decision.borrowed, now, None
    a.preempted_by, a.reclaim_at, a.reclaim_notified_at = None, None, None
    reason = (f"Admitted; borrows {decision.borrowed} {pool.unit} of the cohort's idle capacity "
              "(preemptible)" if decision.borrowed else "Admitted within the pod's nominal quota")
    if decision.victims:
        reason += f", taking back capacity from {len(decision.victims)} borrowing allocation(s)"
    allocation_transition(a, AllocationState.ADMITTED, reason, now=now)
    ledger.compute_hold(w.organization, w.actor, a)


def _decide_and_apply(organization: Organization, pool: ComputePool, a: Allocation, now: dt.datetime,
                      *, on_refuse: str, state: eng.PoolState | None = None) -> None:
    """Admit now, or queue with the reason (used after approval and for a new request). `state`:
    the pool as already read under the same lock (a new request: nothing held changed since)."""
    state = state if state is not None else _state(organization, pool, since=now)
    decision = eng.decide(state, _ask(a, now))
    if decision.outcome == eng.REFUSE:
        allocation_transition(a, on_refuse, decision.reason, now=now)
        return
    if decision.outcome in (eng.ADMIT, eng.PREEMPT):
        refusal = compute_hold_refusal(organization, a, lock=True)
        if refusal is None:
            _admit(a, pool, decision, now)
            return
        allocation_transition(a, AllocationState.PENDING, f"Waiting for budget: {refusal}", now=now)
        return
    allocation_transition(a, AllocationState.PENDING, f"Waiting for capacity {decision.reason}", now=now)


@org_write.service(COMPUTE)
def pool_create(
    *,
    organization: Organization,
    actor: User | None,
    name: str,
    capacity: int,
    unit: str = "GPU",
    unit_cost: Decimal | float | int = 0,
    status: str = PoolStatus.OPEN,
) -> ComputePool:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the pool."})
    if capacity is None or capacity <= 0:
        raise ValidationError({"capacity": "Capacity must be positive."})
    if Decimal(str(unit_cost)) < 0:
        raise ValidationError({"unit_cost": "A unit cost cannot be negative."})
    if status not in PoolStatus.values:
        raise ValidationError({"status": f"Use one of: {', '.join(PoolStatus.values)}."})
    if ComputePool.objects.for_org(organization).filter(name__iexact=name).exists():
        raise ValidationError({"name": "A pool with this name exists."})
    pool = ComputePool.objects.create(organization=organization, name=name, capacity=capacity, unit=unit,
                                      unit_cost=unit_cost, status=status)
    current_write().audit("pool.created", target=pool, after=snapshot(pool))
    _recompute_soon()
    return pool


@org_write.service(COMPUTE)
def pool_update(
    *, organization: Organization, actor: User | None, pool: ComputePool, **changes: object
) -> ComputePool:
    current_write().same_org("pool", pool)
    pool = _lock_pool(organization, pool.pk)
    before = snapshot(pool)
    for field in ("name", "unit", "unit_cost", "capacity", "status"):
        if field in changes and changes[field] is not None:
            setattr(pool, field, changes[field])
    if not str(pool.name).strip():
        raise ValidationError({"name": "Name the pool."})
    if (ComputePool.objects.for_org(organization).filter(name__iexact=pool.name).exclude(pk=pool.pk)
            .exists()):
        raise ValidationError({"name": "A pool with this name exists."})
    if not isinstance(pool.capacity, int) or pool.capacity <= 0:
        raise ValidationError({"capacity": "Capacity must be positive."})
    if Decimal(str(pool.unit_cost)) < 0:
        raise ValidationError({"unit_cost": "A unit cost cannot be negative."})
    nominals = Quota.objects.for_org(organization).filter(pool=pool).aggregate(s=Sum("nominal"))
    if (nominals["s"] or 0) > pool.capacity:
        raise ValidationError({"capacity": f"Below the sum of the pods' nominal quotas ({nominals['s']})."})
    if pool.status not in PoolStatus.values:
        raise ValidationError({"status": f"Use one of: {', '.join(PoolStatus.values)}."})
    pool.save()
    current_write().audit("pool.updated", target=pool, before=before, after=snapshot(pool))
    if pool.status == PoolStatus.OPEN:
        _admit_locked(organization, pool)  # more capacity or reopened: admit what now fits
    _recompute_soon()
    return pool


@org_write.service(COMPUTE)
def quota_set(
    *,
    organization: Organization,
    actor: User | None,
    pool: ComputePool,
    pod: Pod,
    nominal: int,
    borrowing_limit: int | None = None,
    lending_limit: int | None = None,
    reclaim: str = ReclaimPolicy.NEVER,
    within_pod: str = WithinPodPolicy.NEVER,
) -> Quota:
    w = current_write()
    w.same_org("pool", pool)
    w.same_org("pod", pod)
    for field, value in (("nominal", nominal), ("borrowing_limit", borrowing_limit),
                         ("lending_limit", lending_limit)):
        if value is not None and value < 0:
            raise ValidationError({field: "Cannot be negative."})
    if reclaim not in ReclaimPolicy.values:
        raise ValidationError({"reclaim": f"Use one of: {', '.join(ReclaimPolicy.values)}."})
    if within_pod not in WithinPodPolicy.values:
        raise ValidationError({"within_pod": f"Use one of: {', '.join(WithinPodPolicy.values)}."})
    pool = _lock_pool(organization, pool.pk)
    others = Quota.objects.for_org(organization).filter(pool=pool).exclude(pod=pod)
    taken = others.aggregate(s=Sum("nominal"))["s"] or 0
    if taken + nominal > pool.capacity:
        raise ValidationError({"nominal": f"Nominal quotas would exceed the pool's capacity {pool.capacity}: "
                                          f"other pods hold {taken}, so at most {pool.capacity - taken}."})
    if lending_limit is not None and lending_limit > nominal:
        raise ValidationError({"lending_limit": "Cannot lend more than the nominal quota."})
    existing = Quota.objects.for_org(organization).filter(pool=pool, pod=pod).first()
    before = snapshot(existing) if existing else None
    quota, _ = Quota.objects.for_org(organization).update_or_create(
        organization=organization,
        pool=pool,
        pod=pod,
        defaults={
            "nominal": nominal,
            "borrowing_limit": borrowing_limit,
            "lending_limit": lending_limit,
            "reclaim": reclaim,
            "within_pod": within_pod,
        },
    )
    w.audit("quota.set", target=quota, before=before, after=snapshot(quota))
    if pool.status == PoolStatus.OPEN:
        _admit_locked(organization, pool)  # a quota change can free capacity for the queue
    _recompute_soon()
    return quota


def _check_times(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> dt.datetime:
    if end <= start:
        raise ValidationError({"end": "End must be after start."})
    if end <= now:
        raise ValidationError({"end": "This window has already passed."})
    return max(start, now)  # a start in the past means "from now"


@org_write.service(COMPUTE)
def allocation_request(
    *,
    organization: Organization,
    actor: User | None,
    pod: Pod,
    pool: ComputePool,
    amount: int,
    start: dt.datetime,
    end: dt.datetime,
    priority: int = 0,
    preemptible: bool = True,
    idempotency_key: str = "",
) -> Allocation:
    """Ask for `amount` units of `pool` over [start, end): admitted, queued, sent for approval, or
    refused with a 400 when it can never fit. A retried key returns the first answer."""
    w = current_write()
    w.same_org("pool", pool)
    w.same_org("pod", pod)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Amount must be positive."})
    now = timezone.now()
    locked = _lock_pool(organization, pool.pk)
    if idempotency_key:
        first = Allocation.objects.for_org(organization).filter(idempotency_key=idempotency_key)
        if (found := first.first()) is not None:
            found.replayed = True
            return found
    start = _check_times(start, end, now)
    if locked.status != PoolStatus.OPEN:
        raise ValidationError({"pool": f"The pool is on {locked.status}: it admits nothing new."})
    a = Allocation(organization=organization, pool=locked, pod=pod, amount=amount, start=start, end=end,
                   priority=priority, preemptible=preemptible, idempotency_key=idempotency_key,
                   requested_by=None)
    state = _state(organization, locked, since=now)
    refused = eng.never_fits(state, _ask(a))
    if refused:
        raise ValidationError({"amount": refused[0].upper() + refused[1:] + "."})
    a.estimated_cost = _estimated_cost(a, locked)
    if a.estimated_cost >= MAX_COST:
        raise ValidationError({"end": f"Estimated cost {a.estimated_cost:,} credits is beyond any budget: "
                                      "ask for a shorter window or fewer units."})
    a.requested_by_id = _membership_id(organization, actor)
    a.save()
    allocation_event_record(a, AllocationState.PENDING, "Requested", at=now)
    if needs_approval(organization=organization, actor=actor, allocation=a):
        _recompute_soon()
        return a
    _decide_and_apply(organization, locked, a, now, on_refuse=AllocationState.REJECTED, state=state)
    _recompute_soon()
    return a


def needs_approval(*, organization: Organization, actor: User | None, allocation: Allocation) -> bool:
    """File the escalation and park the allocation when the matrix says a person decides."""
    a = allocation
    routing = spend_routing(organization=organization, cost=a.estimated_cost)
    if routing is None:
        return False
    if not routing.allowed:
        raise ValidationError({"amount": f"Estimated cost {a.estimated_cost} credits: {routing.message}"})
    tier = routing.approval_tier
    if tier is None:
        return False
    if actor is None:
        raise ValidationError({"amount": f"Estimated cost {a.estimated_cost} credits needs approval "
                                         f"({tier.name}); request it as a person."})
    url = reverse("resources:allocation_detail", kwargs={"org_slug": organization.slug, "pk": a.pk})
    esc = escalation_file(
        organization=organization, actor=actor, pod=a.pod, decision_type=routing.decision_type,
        risk_tier=routing.risk_tier, amount=a.estimated_cost,
        title=f"Compute: {a.amount} {a.pool.unit} of {a.pool.name}"[:200],
        context=(f"{a.pod} asks for {a.amount} {a.pool.unit} of {a.pool.name} from "
                 f"{a.start:%Y-%m-%d %H:%M} to {a.end:%Y-%m-%d %H:%M} UTC (priority {a.priority}). "
                 f"Estimated cost {a.estimated_cost} credits. Allocation: {url}"),
        recommendation="Approve: the allocation is admitted (or queued if the capacity has gone).",
    )
    a.escalation = esc
    allocation_transition(a, AllocationState.NEEDS_APPROVAL,
               f"Estimated cost {a.estimated_cost} credits needs approval: tier {tier.level} "
               f"({tier.name}) under the decision-rights matrix")
    return True



def _membership_id(organization: Organization, actor: User | None) -> int | None:
    if actor is None:
        return None
    from tenancy.models import Membership

    return (Membership.objects.for_org(organization).filter(user=actor).values_list("pk", flat=True)
            .first())


def _admit_locked(organization: Organization, pool: ComputePool, now: dt.datetime | None = None) -> list[Allocation]:
    """One worker pass over the pool's queue; the caller holds the pool's lock.

    A queued request whose start passed is asked for what remains of its window (from now);
    one whose window has passed is left to the expiry pass."""
    now = now or timezone.now()
    rows = (Allocation.objects.for_org(organization).filter(pool=pool, state__in=QUEUED, end__gt=now)
            .select_related("pod"))
    queued = {a.pk: a for a in rows}
    if not queued:
        return []
    waiting = [eng.Waiting(a.pk, _ask(a, now), a.created_at) for a in queued.values()]
    admitted = []
    for item, decision in eng.admit_queue(_state(organization, pool, since=now), waiting, now):
        a = queued[item.id]
        if decision.outcome not in (eng.ADMIT, eng.PREEMPT):
            if decision.outcome == eng.PENDING and a.state == AllocationState.PENDING \
                    and a.reason != f"Waiting for capacity {decision.reason}":
                a.reason = f"Waiting for capacity {decision.reason}"[:500]
                a.save(update_fields=["reason", "updated_at"])
            continue
        refusal = compute_hold_refusal(organization, a, lock=True)
        if refusal is not None:
            if a.reason != f"Waiting for budget: {refusal}"[:500]:
                a.reason = f"Waiting for budget: {refusal}"[:500]
                a.save(update_fields=["reason", "updated_at"])
            continue
        _admit(a, pool, decision, now)
        admitted.append(a)
    return admitted


@org_write.service(COMPUTE)
def pending_admit(
    *, organization: Organization, pool: ComputePool, actor: User | None = None,
    now: dt.datetime | None = None,
) -> list[Allocation]:
    """The worker step: admit what now fits, in queue order."""
    current_write().same_org("pool", pool)
    locked = _lock_pool(organization, pool.pk)
    if locked.status != PoolStatus.OPEN:
        return []
    admitted = _admit_locked(organization, locked, now)
    if admitted:
        _recompute_soon()
    return admitted


def notify_leads(organization: Organization, rows: list[Allocation], kind: str,
                 message: Callable[[Allocation], tuple[str, str]]) -> None:
    """Tell each allocation's pod leads (in-app and by mail) `message(allocation)`: title, body."""
    leads = pod_lead_users(organization=organization, pod_ids={a.pod_id for a in rows})
    for a in rows:
        title, body = message(a)
        url = reverse("resources:allocation_detail", kwargs={"org_slug": organization.slug, "pk": a.pk})
        notify(organization=organization, users=leads.get(a.pod_id, []), kind=kind, title=title, body=body,
               url=url, email=True)


def _recompute_soon() -> None:
    w = current_write()
    w.on_commit(capacity_recompute_soon, w.organization.pk)
