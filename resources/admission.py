"""The admission engine: Kueue's cohort semantics, evaluated over time intervals.

Pure functions over plain dataclasses (no ORM). A pool is one Kueue "cohort" with one resource;
each pod's `Quota` is a ClusterQueue's quota for it (nominal, borrowingLimit, lendingLimit,
preemption.reclaimWithinCohort, preemption.withinClusterQueue). Every limit must hold at every
instant of the half-open interval [start, end): we sweep the endpoints of the overlapping admitted
allocations and check the limits after applying all the changes at each endpoint, so an allocation
ending at t and one starting at t never overlap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

NEVER, LOWER_PRIORITY, ANY = "never", "lower_priority", "any"
ADMIT, PREEMPT, PENDING, REFUSE = "admitted", "preempt", "pending", "refused"


@dataclass(frozen=True)
class QuotaSpec:
    pod_id: int
    nominal: int
    borrowing_limit: int | None = None  # None: may borrow any idle capacity
    lending_limit: int | None = None  # None: all unused nominal may be lent
    reclaim: str = NEVER  # never / lower_priority / any
    within_pod: str = NEVER  # never / lower_priority


@dataclass(frozen=True)
class Held:
    """An admitted allocation already holding capacity."""

    id: int
    pod_id: int
    amount: int
    start: dt.datetime
    end: dt.datetime
    priority: int = 0
    admitted_at: dt.datetime | None = None
    preemptible: bool = True


@dataclass(frozen=True)
class Ask:
    pod_id: int
    amount: int
    start: dt.datetime
    end: dt.datetime
    priority: int = 0
    preemptible: bool = True


@dataclass(frozen=True)
class Decision:
    outcome: str  # admitted / preempt / pending / refused
    borrowed: int = 0
    reason: str = ""
    victims: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PoolState:
    capacity: int
    quotas: dict[int, QuotaSpec]
    held: tuple[Held, ...]

    def quota(self, pod_id: int) -> QuotaSpec:
        return self.quotas.get(pod_id) or QuotaSpec(pod_id=pod_id, nominal=0)


def _overlaps(h: Held, start: dt.datetime, end: dt.datetime) -> bool:
    return h.start < end and start < h.end


def _instants(held: Iterable[Held], ask: Ask) -> Iterable[tuple[dt.datetime, dict[int, int]]]:
    """Yield (instant, usage per pod incl. the ask) at every boundary inside [ask.start, ask.end)."""
    events: dict[dt.datetime, dict[int, int]] = {}

    def add(t: dt.datetime, pod: int, delta: int) -> None:
        events.setdefault(t, {})
        events[t][pod] = events[t].get(pod, 0) + delta

    for h in held:
        if _overlaps(h, ask.start, ask.end):
            add(max(h.start, ask.start), h.pod_id, h.amount)
            if h.end < ask.end:
                add(h.end, h.pod_id, -h.amount)
    add(ask.start, ask.pod_id, ask.amount)
    usage: dict[int, int] = {}
    for t in sorted(events):
        for pod, delta in events[t].items():
            usage[pod] = usage.get(pod, 0) + delta
        yield t, usage


def _violation(state: PoolState, ask: Ask, usage: dict[int, int]) -> str | None:
    """Why this instant breaks a limit, or None. `usage` already includes the ask."""
    q = state.quota(ask.pod_id)
    own = usage.get(ask.pod_id, 0)
    if q.borrowing_limit is not None and own > q.nominal + q.borrowing_limit:
        return f"pod would use {own} above its nominal {q.nominal} + borrowing limit {q.borrowing_limit}"
    if not ask.preemptible and own > q.nominal:
        return f"a non-preemptible request never borrows; pod would use {own} > nominal {q.nominal}"
    if sum(usage.values()) > state.capacity:
        return f"pool would hold {sum(usage.values())} of capacity {state.capacity}"
    pods = set(usage) | set(state.quotas)
    unassigned = state.capacity - sum(s.nominal for s in state.quotas.values())
    borrowed = lendable = 0
    for pod in pods:
        spec = state.quota(pod)
        used = usage.get(pod, 0)
        borrowed += max(0, used - spec.nominal)
        unused = max(0, spec.nominal - used)
        lendable += unused if spec.lending_limit is None else min(unused, spec.lending_limit)
    if borrowed > unassigned + lendable:
        return f"cohort would borrow {borrowed} but only {unassigned + lendable} is lendable"
    return None


def first_violation(state: PoolState, ask: Ask) -> tuple[dt.datetime, str] | None:
    for t, usage in _instants(state.held, ask):
        reason = _violation(state, ask, usage)
        if reason:
            return t, reason
    return None


def borrowed_amount(state: PoolState, ask: Ask) -> int:
    """The most of the ask that sits above the pod's nominal at any instant."""
    nominal = state.quota(ask.pod_id).nominal
    worst = 0
    for _t, usage in _instants(state.held, ask):
        worst = max(worst, min(ask.amount, usage.get(ask.pod_id, 0) - nominal))
    return max(0, worst)


def never_fits(state: PoolState, ask: Ask) -> str | None:
    q = state.quota(ask.pod_id)
    if ask.amount > state.capacity:
        return f"amount {ask.amount} is above the pool's capacity {state.capacity}"
    if q.borrowing_limit is not None and ask.amount > q.nominal + q.borrowing_limit:
        return (
            f"amount {ask.amount} is above the pod's nominal {q.nominal} + borrowing limit "
            f"{q.borrowing_limit}"
        )
    if not ask.preemptible and ask.amount > q.nominal:
        return (
            f"amount {ask.amount} is above the pod's nominal {q.nominal} and a non-preemptible "
            "request never borrows"
        )
    return None


def _with(state: PoolState, held: Iterable[Held]) -> PoolState:
    return PoolState(capacity=state.capacity, quotas=state.quotas, held=tuple(held))


def _wholly_borrowed(state: PoolState, victim: Held, ask: Ask) -> bool:
    """Is the victim above its pod's nominal at every instant it shares with the ask?

    Preempting it then never pushes the borrowing pod below its own nominal.
    """
    start, end = max(victim.start, ask.start), min(victim.end, ask.end)
    probe = Ask(pod_id=victim.pod_id, amount=0, start=start, end=end)
    nominal = state.quota(victim.pod_id).nominal
    return all(u.get(victim.pod_id, 0) - victim.amount >= nominal for _t, u in _instants(state.held, probe))


def _fits_nominal(state: PoolState, ask: Ask) -> bool:
    nominal = state.quota(ask.pod_id).nominal
    own = [h for h in state.held if h.pod_id == ask.pod_id]
    return all(u.get(ask.pod_id, 0) <= nominal for _t, u in _instants(own, ask))


def _candidates(state: PoolState, ask: Ask, reclaim_allowed: bool) -> list[Held]:
    """Kueue's candidate order: other pods first, lower priority first, newest admitted first."""
    q = state.quota(ask.pod_id)
    out = []
    for h in state.held:
        if not h.preemptible or not _overlaps(h, ask.start, ask.end):
            continue
        if h.pod_id == ask.pod_id:
            if q.within_pod == LOWER_PRIORITY and h.priority < ask.priority:
                out.append(h)
        elif reclaim_allowed and (q.reclaim == ANY or h.priority < ask.priority):
            out.append(h)
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    out.sort(
        key=lambda h: (
            h.pod_id == ask.pod_id,
            h.priority,
            -((h.admitted_at or epoch) - epoch).total_seconds(),
            -h.id,
        )
    )
    return out


def _find_victims(state: PoolState, ask: Ask) -> list[Held] | None:
    reclaim_allowed = state.quota(ask.pod_id).reclaim != NEVER and _fits_nominal(state, ask)
    remaining = list(state.held)
    victims: list[Held] = []
    for cand in _candidates(state, ask, reclaim_allowed):
        current = _with(state, remaining)
        # Only take from a pod while it still borrows (Kueue's cqIsBorrowing check), and only
        # what it borrows: the borrower is never pushed below its own nominal.
        if cand.pod_id != ask.pod_id and not _wholly_borrowed(current, cand, ask):
            continue
        remaining.remove(cand)
        victims.append(cand)
        if first_violation(_with(state, remaining), ask) is None:
            break
    else:
        return None
    # Drop any victim that turns out unnecessary (Kueue's minimalPreemptions fill-back).
    for v in reversed(victims[:-1]):
        if first_violation(_with(state, [*remaining, v]), ask) is None:
            remaining.append(v)
            victims.remove(v)
    return victims


def decide(state: PoolState, ask: Ask) -> Decision:
    """Admit, admit after preempting victims, leave pending, or refuse because it never fits."""
    if ask.amount <= 0:
        return Decision(REFUSE, reason="amount must be positive")
    if ask.end <= ask.start:
        return Decision(REFUSE, reason="end must be after start")
    reason = never_fits(state, ask)
    if reason:
        return Decision(REFUSE, reason=reason)
    blocked = first_violation(state, ask)
    if blocked is None:
        return Decision(ADMIT, borrowed=borrowed_amount(state, ask))
    victims = _find_victims(state, ask)
    if victims:
        ids = {v.id for v in victims}
        after = _with(state, [h for h in state.held if h.id not in ids])
        return Decision(
            PREEMPT,
            borrowed=borrowed_amount(after, ask),
            reason=f"preempts {len(victims)} allocation(s) to admit",
            victims=tuple(v.id for v in victims),
        )
    at, why = blocked
    return Decision(PENDING, reason=f"at {at.isoformat()}: {why}")


@dataclass(frozen=True)
class Waiting:
    id: int
    ask: Ask
    created_at: dt.datetime


def queue_order(state: PoolState, waiting: Sequence[Waiting]) -> list[Waiting]:
    """Fits-under-nominal first, then higher priority, then older first."""
    return sorted(
        waiting,
        key=lambda w: (not _fits_nominal(state, w.ask), -w.ask.priority, w.created_at, w.id),
    )


def admit_queue(
    state: PoolState, waiting: Sequence[Waiting], now: dt.datetime
) -> list[tuple[Waiting, Decision]]:
    """One worker pass: every waiting request in order, each seeing the ones admitted before it.

    A blocked request does not stop the pass, so a large head never blocks smaller ones behind it.
    """
    results: list[tuple[Waiting, Decision]] = []
    held = list(state.held)
    for w in queue_order(state, waiting):
        current = _with(state, held)
        decision = decide(current, w.ask)
        results.append((w, decision))
        if decision.outcome in (ADMIT, PREEMPT):
            gone = set(decision.victims)
            held = [h for h in held if h.id not in gone]
            a = w.ask
            held.append(Held(w.id, a.pod_id, a.amount, a.start, a.end, a.priority, now, a.preemptible))
    return results


def reclaim_forecast(
    state: PoolState, borrower: Held, claims: Sequence[Ask], now: dt.datetime
) -> dt.datetime | None:
    """When a borrowed allocation is expected to be taken back, or None.

    `claims` are the lenders' pending requests. One that fits its pod's nominal, under a quota
    whose reclaim policy lets it preempt this borrower, is a reservation of lent capacity; the
    forecast is the earliest instant from now in the borrower's window at which the borrower no
    longer fits beside the admitted allocations and those reservations.
    """
    others = [h for h in state.held if h.id != borrower.id]
    reserved: list[Held] = []
    for i, c in enumerate(claims):
        q = state.quota(c.pod_id)
        if c.pod_id == borrower.pod_id or q.reclaim == NEVER:
            continue
        if q.reclaim == LOWER_PRIORITY and not borrower.priority < c.priority:
            continue
        if not borrower.preemptible or not _fits_nominal(_with(state, others), c):
            continue
        reserved.append(Held(-1 - i, c.pod_id, c.amount, c.start, c.end, c.priority, now, True))
    if not reserved:
        return None
    start = max(borrower.start, now)
    if start >= borrower.end:
        return None
    probe = Ask(borrower.pod_id, borrower.amount, start, borrower.end, borrower.priority, True)
    found = first_violation(_with(state, [*others, *reserved]), probe)
    return found[0] if found else None
