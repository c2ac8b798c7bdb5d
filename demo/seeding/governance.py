"""Seed step for governance: the defaults with a published matrix, a history of escalations
across states and months (cycle times shrinking as the matrix took hold), deployment reviews and
one open guardrail exception, then the cycle-time snapshot.

Escalations are bulk-inserted at both scales (their timestamps lie in the past, which services
would not write); a few at small scale go through the services so the audit trail and the
inbox are real. Idempotent: a demo org that already has escalations keeps them.
"""

from __future__ import annotations

import datetime
import itertools
import math
from decimal import Decimal
from typing import Any

from django.utils import timezone

from demo.seeding.context import SeedContext
from governance.models import (
    DecisionTier,
    DecisionType,
    DeploymentReview,
    Escalation,
    EscalationEvent,
    EscalationStatus,
    MatrixVersion,
    Outcome,
    RiskTier,
)
from governance.search_selectors import ESCALATION
from governance.selectors import approvers_for, routing_for
from governance.services.escalations import cycle_time_recompute, escalation_file
from governance.services.guardrails import deployment_metrics_push, deployment_submit
from governance.services.matrix import governance_seed_defaults, matrix_review_record
from knowledge.directory_index import index_registered
from pods.models import Assignment, Pod
from tenancy.audit import audit_record
from tenancy.models import User
from tenancy.registry import SeedStep, registry

TITLES = {
    "select_model": ["Switch summariser to a smaller open model", "Adopt a reranker for search",
                     "Pick the embedding model for the claims index"],
    "deploy_to_users": ["Roll out churn scores to account managers", "Ship the triage assistant to agents",
                        "Enable fraud alerts for all regions"],
    "compute_spend": ["GPU burst for quarterly retraining", "Reserved A100s for fine-tuning",
                      "Eval harness compute for the Q3 release"],
    "onboard_vendor": ["Onboard a labelling vendor", "Contract a red-teaming firm", "Add a speech-to-text API"],
    "personal_data_training": ["Train on support transcripts", "Use CRM notes for intent model"],
    "data_retention": ["Keep raw logs 180 days for drift analysis", "Shorten prompt log retention to 30 days"],
}


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    governance_seed_defaults(organization=org, actor=ctx.owner)
    if Escalation.objects.for_org(org).exists():
        ctx.tally("escalations", 0, Escalation.objects.for_org(org).count())
        _index(ctx)
        return
    pods = list(Pod.objects.for_org(org).order_by("pk"))
    if not pods:
        return
    lead_users = _lead_users(ctx)
    n = 5000 if ctx.is_enterprise else 300
    created = _history(ctx, pods, lead_users, n)
    live = 0 if ctx.is_enterprise else _live(ctx, pods, lead_users)
    if ctx.is_enterprise:
        _guardrails_bulk(ctx, pods)
    else:
        _guardrails(ctx, pods, lead_users)
    if not ctx.is_enterprise:
        matrix_review_record(organization=org, actor=ctx.owner, notes="Quarterly review: spend bands confirmed.")
    cycle_time_recompute(organization=org)
    audit_record(organization=org, actor=ctx.owner, action="demo.governance_seeded", target=org,
                 after={"escalations": created + live})
    ctx.tally("escalations", created + live)
    _index(ctx)


def _index(ctx: SeedContext) -> None:
    """The history is bulk-inserted (no filing service, so no search document): index it for the
    header's search. Small scale only; an enterprise tenant runs `manage.py search_index_directory`."""
    if ctx.is_enterprise:
        return
    kind = registry.search_kinds.get(ESCALATION)
    if kind is not None:
        index_registered(organization=ctx.org, kind=kind)


def _lead_users(ctx: SeedContext) -> dict[int, User]:
    rows = (Assignment.objects.for_org(ctx.org).filter(role__is_lead=True, person__user__isnull=False)
            .values_list("pod_id", "person__user_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in={u for _, u in rows})}
    return {pod_id: users[user_id] for pod_id, user_id in rows}


def _history(ctx: SeedContext, pods: list[Pod], lead_users: dict[int, User], n: int) -> int:
    org, rng = ctx.org, ctx.rng
    now = timezone.now()
    span_days = 730 if ctx.is_enterprise else 365
    version = MatrixVersion.objects.for_org(org).order_by("-number").first()
    types = {t.key: t for t in DecisionType.objects.for_org(org)}
    risks = [r for r in RiskTier.objects.for_org(org) if r.key != "unacceptable"]
    tiers = {t.level: t for t in DecisionTier.objects.for_org(org)}
    approvers = {lvl: approvers_for(organization=org, tier=t) for lvl, t in tiers.items()}
    rows: list[Escalation] = []
    meta: list[list[Any]] = []
    waiting = itertools.cycle([EscalationStatus.OPEN, EscalationStatus.IN_REVIEW, EscalationStatus.NEEDS_INFO])
    for _ in range(n):
        type_key = rng.choices(list(TITLES), [3, 3, 4, 2, 1, 1])[0]
        dt, rt = types[type_key], rng.choices(risks, [3, 4, 3])[0]
        amount = Decimal(rng.choice([2000, 6000, 12000, 25000, 60000, 150000])) if dt.has_amount else None
        routing = routing_for(organization=org, decision_type=dt, risk_tier=rt, amount=amount)
        if not routing.allowed or routing.tier is None:
            continue
        tier = routing.tier
        age_days = rng.random() * span_days
        filed = now - datetime.timedelta(days=age_days, hours=rng.random() * 8)
        pod = rng.choice(pods)
        filer = lead_users.get(pod.pk) or ctx.owner
        esc = Escalation(organization=org, pod=pod, filed_by=filer, decision_type=dt, risk_tier=rt,
                         amount=amount, title=rng.choice(TITLES[type_key]), context="Seeded history.",
                         recommendation="Approve.", matrix_version=version, routed_tier=tier.level,
                         current_tier=tier, filed_at=filed)
        if not tier.needs_approval:
            esc.status, esc.outcome, esc.self_decided = EscalationStatus.DECIDED, Outcome.APPROVED, True
            esc.decided_at, esc.decided_by = filed, filer
            esc.decision_note = "Decided by the pod."
            rows.append(esc)
            meta.append([])
            continue
        # Older decisions took longer: the median falls from ~70 h a year ago to ~20 h now.
        progress = 1 - age_days / span_days
        median = (70 - 50 * progress) * (1.5 if tier.level >= 4 else 1)
        cycle_h = max(0.5, rng.lognormvariate(math.log(median), 0.6))
        pod_wait_h = cycle_h * rng.uniform(0.1, 0.4) if rng.random() < 0.25 else 0.0
        esc.due_at = filed + datetime.timedelta(hours=tier.sla_hours)
        esc.breach_count = 1 if cycle_h - pod_wait_h > tier.sla_hours else 0
        esc.pod_wait_seconds = int(pod_wait_h * 3600)
        decided = filed + datetime.timedelta(hours=cycle_h)
        deciders = approvers.get(tier.level) or []
        if decided < now and not (age_days < 14 and rng.random() < 0.7):  # recent ones still wait
            esc.status = EscalationStatus.DECIDED
            esc.outcome = rng.choices([Outcome.APPROVED, Outcome.REJECTED], [85, 15])[0]
            esc.decided_at = decided
            esc.decided_by = rng.choice(deciders).user if deciders else ctx.owner
            esc.decision_note = "Approved with the usual guardrails." if esc.outcome == Outcome.APPROVED \
                else "Not now: revisit with a cheaper option."
            if (now - decided).days > 30 and rng.random() < 0.7:
                esc.status, esc.closed_at = EscalationStatus.CLOSED, decided + datetime.timedelta(days=2)
        else:
            esc.status = next(waiting)
            esc.pod_wait_seconds = 0
            if esc.status == EscalationStatus.NEEDS_INFO:
                esc.waiting_since = now - datetime.timedelta(hours=rng.uniform(1, 12))
        rows.append(esc)
        meta.append(deciders)
    Escalation.objects.bulk_create(rows, batch_size=1000)
    through = Escalation.approvers.through
    through.objects.bulk_create(
        [through(escalation_id=e.pk, membership_id=m.pk) for e, ms in zip(rows, meta, strict=True) for m in ms],
        batch_size=2000)
    events = []
    for e in rows:
        events.append(EscalationEvent(organization=org, escalation=e, kind="filed", actor=e.filed_by,
                                      created_at=e.filed_at))
        if not e.self_decided:
            events.append(EscalationEvent(organization=org, escalation=e, kind="routed",
                                          body=f"Tier {e.routed_tier}.", created_at=e.filed_at))
        if e.decided_at:
            events.append(EscalationEvent(organization=org, escalation=e, kind="decided", actor=e.decided_by,
                                          body=e.decision_note, created_at=e.decided_at))
    EscalationEvent.objects.bulk_create(events, batch_size=2000)
    return len(rows)


def _live(ctx: SeedContext, pods: list[Pod], lead_users: dict[int, User]) -> int:
    """A few escalations through the services, so the inbox and the audit trail are real."""
    org = ctx.org
    types = {t.key: t for t in DecisionType.objects.for_org(org)}
    risks = {r.key: r for r in RiskTier.objects.for_org(org)}
    made = 0
    for pod in pods:
        lead = lead_users.get(pod.pk)
        if lead is None:
            continue
        for type_key, risk, amount, title in [
            ("onboard_vendor", "high", None, f"{pod.name}: onboard an annotation vendor"),
            ("compute_spend", "medium", Decimal(24000), f"{pod.name}: GPU budget for retraining"),
        ]:
            escalation_file(organization=org, actor=lead, pod=pod, decision_type=types[type_key],
                            risk_tier=risks[risk], amount=amount, title=title,
                            context="We need this to hit the quarter's outcome.",
                            options="Do nothing; a cheaper option; this one.",
                            recommendation="This one.",
                            needed_by=ctx.days_ahead(14))
            made += 1
        if made >= 6:
            break
    return made


def _guardrails_bulk(ctx: SeedContext, pods: list[Pod]) -> None:
    """Enterprise scale: a few reviews and one open exception, inserted without per-row audit."""
    from governance.models import Gate, MonitoringException

    org, rng = ctx.org, ctx.rng
    if DeploymentReview.objects.for_org(org).exists():
        return
    risks = {r.key: r for r in RiskTier.objects.for_org(org)}
    reviews = DeploymentReview.objects.bulk_create(
        DeploymentReview(organization=org, pod=rng.choice(pods), model_name=f"model-{i}", version="1.0.0",
                         risk_tier=risks["low"], results={"performance": 0.9, "security": 0.9},
                         gate=Gate.PASS)
        for i in range(20))
    MonitoringException.objects.create(organization=org, review=reviews[0], metric="performance", value=0.61,
                                       threshold=0.7, direction="min")


def _guardrails(ctx: SeedContext, pods: list[Pod], lead_users: dict[int, User]) -> None:
    org = ctx.org
    if DeploymentReview.objects.for_org(org).exists():
        return
    risks = {r.key: r for r in RiskTier.objects.for_org(org)}
    pod = next((p for p in pods if p.pk in lead_users), pods[0])
    actor = lead_users.get(pod.pk) or ctx.owner
    ok_low = {"performance": 0.86, "security": 0.9}
    review = deployment_submit(organization=org, actor=actor, pod=pod, model_name="churn-xgb", version="2.3.0",
                               risk_tier=risks["low"], results=ok_low)
    deployment_submit(organization=org, actor=actor, pod=pod, model_name="triage-llm", version="0.9.1",
                      risk_tier=risks["medium"], results={"performance": 0.8, "security": 0.8,
                                                          "bias": 0.31, "privacy": 0.9})
    deployment_submit(organization=org, actor=actor, pod=pod, model_name="credit-risk", version="1.0.0",
                      risk_tier=risks["high"], results={"performance": 0.9, "security": 0.9, "bias": 0.05,
                                                        "fairness": 0.88, "privacy": 0.9, "compliance": 0.95})
    deployment_metrics_push(organization=org, actor=actor, review=review,
                            metrics={"performance": 0.84, "security": 0.91})
    deployment_metrics_push(organization=org, actor=actor, review=review, metrics={"performance": 0.62})


registry.seed_steps.register(SeedStep("governance", seed, order=30, after=("pods",)))
