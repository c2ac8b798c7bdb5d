"""Seed step for signals and the pod intake inbox (called by the strategy step).

Small scale goes through the services: near-identical signals from three pods (one group), others
acknowledged, parked and declined; questions to the Claims Triage Assistant answered by its lead,
routed to a member, declined and still open. Enterprise scale bulk-inserts 3,000 signals and
20,000 intake requests over two years. Idempotent: an org with signals keeps them.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone

from demo.seeding.context import SeedContext
from pods.models import Assignment, Pod
from strategy.models import (
    IntakeKind,
    IntakeRequest,
    IntakeStatus,
    Signal,
    SignalKind,
    SignalStatus,
)
from strategy.services import intake as intake_services
from strategy.services import signals as signal_services
from tenancy.models import LEADER_ROLES, Membership

SIGNALS = [
    ("Customer Retention Models", "threat", "A competitor launched a churn prediction product for brokers"),
    ("Fraud Signals", "threat", "Competitor launched churn prediction product for brokers"),
    ("Claims Triage Assistant", "observation", "A competitor launched a churn prediction product for our brokers"),
    ("Claims Triage Assistant", "proposal", "Share one document OCR service across the claims pods"),
    ("Fraud Signals", "opportunity", "Reinsurer offers pooled fraud labels in exchange for our model scores"),
    ("Customer Retention Models", "observation", "Brokers override renewal offers for most young drivers"),
]
QUESTIONS = [
    ("question", "Which claims does the router skip?", "answer", "Glass-only claims; they go straight to the partner."),
    ("request", "Can you add a Welsh summary for our adjusters?", "route", "Yours: the summariser prompt lives with you."),
    ("review", "Please review our adjuster feedback form", "decline", "The design guild reviews forms; ask them."),
    ("question", "Is the triage model retrained monthly?", "answer", "Every two weeks, after the drift check."),
    ("question", "Where do I find the router's confusion matrix?", "", ""),
]


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    if Signal.objects.for_org(org).exists():
        ctx.tally("signals", 0, Signal.objects.for_org(org).count())
        return
    if ctx.is_enterprise:
        _seed_enterprise(ctx)
    else:
        _seed_small(ctx)


def _seed_small(ctx: SeedContext) -> None:
    org = ctx.org
    pods = {p.name: p for p in Pod.objects.for_org(org)}
    members = list(Membership.objects.for_org(org).select_related("user").order_by("pk"))
    leaders = [m for m in members if m.role in LEADER_ROLES]
    if not pods or not leaders:
        return
    made = []
    for i, (pod_name, kind, title) in enumerate(SIGNALS):
        if pod_name in pods:
            made.append(signal_services.signal_raise(
                organization=org, actor=ctx.actor, raised_by=members[i % len(members)], pod=pods[pod_name],
                kind=kind, title=title, body="Raised in the demo."))
    decisions = [("acknowledged", ""), ("parked", "Revisit when the OCR vendor contract renews."),
                 ("declined", "Their labels are not consented for our use.")]
    for signal, (status, reason) in zip(made[3:], decisions, strict=False):
        signal_services.signal_triage(organization=org, actor=ctx.actor, signal=signal, triaged_by=leaders[0],
                                      status=status, reason=reason)
    pod = pods.get("Claims Triage Assistant")
    if pod is not None:
        _seed_questions(ctx, pod, members)
    ctx.tally("signals", len(made))


def _seed_questions(ctx: SeedContext, pod: Pod, members: list[Membership]) -> None:
    org, today = ctx.org, timezone.localdate()
    crew = list(Assignment.objects.for_org(org).filter(pod=pod, start_date__lte=today)
                .select_related("person__user", "role").order_by("pk"))
    lead = next((a.person.user for a in crew if a.role.is_lead and a.person.user), ctx.actor)
    member = next((a.person for a in crew if not a.role.is_lead), None)
    for i, (kind, title, move, text) in enumerate(QUESTIONS):
        req = intake_services.intake_ask(organization=org, actor=ctx.actor, asked_by=members[-1 - i % len(members)],
                                         pod=pod, kind=kind, title=title)
        if move == "answer":
            intake_services.intake_answer(organization=org, actor=lead, request=req, answer=text)
        elif move == "route" and member is not None:
            intake_services.intake_route(organization=org, actor=lead, request=req, person=member, note=text)
        elif move == "decline":
            intake_services.intake_decline(organization=org, actor=lead, request=req, reason=text)
    ctx.tally("intake requests", len(QUESTIONS))


@contextlib.contextmanager
def _given_created_at(model: type[Signal] | type[IntakeRequest]) -> Iterator[None]:
    """Bulk-insert rows with their seeded `created_at` (auto_now_add would stamp them all now)."""
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _seed_enterprise(ctx: SeedContext) -> None:
    """3,000 signals (some grouped across pods) and 20,000 intake requests over two years."""
    org, rng, now = ctx.org, ctx.rng, timezone.now()
    pods = list(Pod.objects.for_org(org).order_by("pk"))
    raisers = list(Membership.objects.for_org(org).order_by("pk")[:200])
    if not pods or not raisers:
        return
    people: dict[int, list[int]] = {}
    for pod_id, person_id in Assignment.objects.for_org(org).values_list("pod_id", "person_id"):
        people.setdefault(pod_id, []).append(person_id)
    day = datetime.timedelta(days=1)
    signals: list[Signal] = []
    for i in range(3000):
        at = now - day * rng.uniform(0, 730)
        status = rng.choice(SignalStatus.values)
        signals.append(Signal(
            organization=org, pod=pods[i % len(pods)], raised_by=raisers[i % len(raisers)],
            kind=rng.choice(SignalKind.values), title=f"Signal {i}: {rng.choice(SIGNALS)[2]}", status=status,
            reason="" if status == SignalStatus.NEW else "Seeded decision.", triage_due_at=at + day * 3,
            triaged_at=None if status == SignalStatus.NEW else at + day * rng.uniform(0.1, 6), created_at=at))
    with _given_created_at(Signal):
        Signal.objects.bulk_create(signals, batch_size=2000)
    for i, s in enumerate(signals):  # a quarter of them join an earlier group raised by another pod
        if i and rng.random() < 0.25:
            root = signals[i - 1 - rng.randrange(min(i, 50))]
            root = root.group or root
            if root.pod_id != s.pod_id:
                s.group, s.status, s.reason, s.triaged_at = root, root.status, root.reason, root.triaged_at
    grouped = [s for s in signals if s.group_id]
    Signal.objects.for_org(org).bulk_update(grouped, ["group", "status", "reason", "triaged_at"], batch_size=500)
    requests: list[IntakeRequest] = []
    for i in range(20_000):
        pod = pods[i % len(pods)]
        at = now - day * rng.uniform(0, 730)
        move = rng.choices(["answer", "route", "decline", "open"], weights=[60, 20, 10, 10])[0]
        crew = people.get(pod.pk, [])
        first = None if move == "open" else at + datetime.timedelta(hours=rng.uniform(0.2, 72))
        requests.append(IntakeRequest(
            organization=org, pod=pod, asked_by=raisers[(i * 7) % len(raisers)], kind=rng.choice(IntakeKind.values),
            title=f"Question {i} for {pod.name}",
            status={"answer": IntakeStatus.ANSWERED, "route": IntakeStatus.ROUTED, "decline": IntakeStatus.DECLINED,
                    "open": IntakeStatus.OPEN}[move],
            routed_to_id=rng.choice(crew) if move == "route" and crew else None,
            answer="" if move == "open" else "Seeded answer.", first_response_at=first,
            closed_at=first if move in ("answer", "decline") else None, created_at=at))
    with _given_created_at(IntakeRequest):
        IntakeRequest.objects.bulk_create(requests, batch_size=5000)
    ctx.tally("signals", len(signals))
    ctx.tally("intake requests", len(requests))
