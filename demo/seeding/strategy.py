"""Seed step for strategy: quarterly themes owned by leaders, outcomes the pods own with a
measurement history (some ahead of pace, some behind, one stale), check-ins, and a previous
quarter rolled over (one theme closed with a score, one carried into this quarter).

Small scale goes through the services for themes, outcomes and check-ins (a real audit trail);
measurement histories are bulk-inserted (their times lie in the past). Enterprise scale bulk-
inserts 8 quarters of themes, 1,200 outcomes and 200,000 measurements. Idempotent: an org that
already has themes keeps them.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.utils import timezone

from demo.seeding import strategy_ops
from demo.seeding.context import SeedContext
from pods.models import Pod
from strategy import services
from strategy.models import Measurement, Outcome, Theme, ThemeStatus
from strategy.quarters import Quarter, quarter_of
from tenancy.models import LEADER_ROLES, Membership
from tenancy.registry import SeedStep, registry

# (theme title, owner key, [(pod name, metric, unit, direction, baseline, target, target_max, pace, cadence)])
# `pace`: the share of the steady pace the readings follow (1.1 ahead, 0.5 at risk); None: stale.
CURRENT: list[Any] = [
    ("Improve customer retention", "leader", [
        ("Customer Retention Models", "12-month retention, personal lines", "%", "increase", 82, 85, None, 1.1, 7),
        ("Customer Retention Models", "Renewal offers accepted", "%", "increase", 18, 26, None, 0.7, 7),
        ("Claims Triage Assistant", "Claims routed within 10 minutes", "%", "increase", 40, 75, None, 0.95, 7),
    ]),
    ("Faster, fairer claims", "leader", [
        ("Claims Triage Assistant", "Median time to route a claim", "min", "decrease", 240, 60, None, 1.0, 7),
        ("Fraud Signals", "Organised fraud caught before payout", "%", "increase", 38, 55, None, 0.45, 7),
        ("Fraud Signals", "Honest customers sent to review", "%", "stay_below", 6, 4, None, 1.0, 14),
        ("Claims Triage Assistant", "Adjuster summary acceptance", "%", "increase", 55, 80, None, None, 7),
    ]),
    ("Trustworthy AI in production", "admin", [
        ("Fraud Signals", "Guardrail checks passed at first submission", "%", "stay_above", 80, 90, None, 1.0, 14),
        ("Claims Triage Assistant", "p95 model latency", "ms", "within_range", 500, 200, 400, 1.0, 7),
    ]),
]
PREVIOUS: list[Any] = [
    ("Modernise the claims intake", "leader", "closed", [
        ("Claims Triage Assistant", "Claims with a machine summary", "%", "increase", 0, 60, None, 1.05, 7),
    ]),
    ("Improve customer retention", "leader", "carried", [
        ("Customer Retention Models", "Churn model AUC on holdout", "", "increase", 0.71, 0.8, None, 0.6, 14),
    ]),
]


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    strategy_ops.seed(ctx)  # signals and the intake inbox (idempotent on their own)
    existing = Theme.objects.for_org(org).count()
    if existing:
        ctx.tally("themes", 0, existing)
        return
    leaders = list(Membership.objects.for_org(org).filter(role__in=LEADER_ROLES).select_related("user")
                   .order_by("pk"))
    if not leaders:
        return
    if ctx.is_enterprise:
        _seed_enterprise(ctx, leaders)
    else:
        _seed_small(ctx)


def _reading(o: Any, pace: float, at: datetime.datetime, rng: Any) -> float:
    """Where a pod following `pace` × the steady path stands at `at`, with a little noise."""
    span = (o.due_date - o.start_date).days or 1
    share = max(0.0, (at.date() - o.start_date).days / span)
    if o.direction in ("increase", "decrease"):
        value = o.baseline + (o.target - o.baseline) * share * pace
        return round(value + (o.target - o.baseline) * rng.uniform(-0.03, 0.03), 3)
    if o.direction == "within_range":
        return round((o.target + o.target_max) / 2 + rng.uniform(-0.3, 0.3) * (o.target_max - o.target), 1)
    margin = abs(o.target) * 0.04
    return round(o.target + (margin if o.direction == "stay_above" else -margin) * rng.uniform(0.5, 1.5), 3)


def _history(o: Outcome, pace: float | None, now: datetime.datetime, rng: Any, every_days: float,
             source: str) -> list[Measurement]:
    start = datetime.datetime.combine(o.start_date, datetime.time(6), tzinfo=datetime.UTC)
    end = min(now, datetime.datetime.combine(o.due_date, datetime.time(18), tzinfo=datetime.UTC))
    if pace is None:  # stale: readings stopped more than a cadence ago
        end = min(end, now - datetime.timedelta(days=o.cadence_days + 12))
        pace = 0.8
    rows, at = [], start + datetime.timedelta(days=every_days)
    while at <= end:
        rows.append(Measurement(organization_id=o.organization_id, outcome=o, value=_reading(o, pace, at, rng),
                                measured_at=at, source=source))
        at += datetime.timedelta(days=every_days)
    return rows


def _store(outcomes: list[tuple[Outcome, list[Measurement]]]) -> int:
    rows = [m for _, ms in outcomes for m in ms]
    Measurement.objects.bulk_create(rows, batch_size=5000)
    changed = []
    for o, ms in outcomes:
        if ms:
            o.current_value, o.current_at = ms[-1].value, ms[-1].measured_at
            changed.append(o)
    if changed:
        Outcome.objects.for_org(changed[0].organization_id).bulk_update(
            changed, ["current_value", "current_at"], batch_size=1000)
    return len(rows)


def _seed_small(ctx: SeedContext) -> None:
    org, now = ctx.org, timezone.now()
    members = ctx.shared.get("memberships", {})
    pods = {p.name: p for p in Pod.objects.for_org(org)}
    current = quarter_of(ctx.today, org.quarter_start_month)
    previous = current.previous(org.quarter_start_month)
    made: list[tuple[Outcome, list[Measurement]]] = []
    carried: Theme | None = None

    def add(theme: Theme, specs: list[Any], quarter: Quarter) -> None:
        for pod_name, metric, unit, direction, base, target, tmax, pace, cadence in specs:
            if pod_name not in pods:
                continue
            o = services.outcome_create(organization=org, actor=ctx.actor, theme=theme, pod=pods[pod_name],
                                        metric=metric, unit=unit, direction=direction, baseline=base,
                                        target=target, target_max=tmax, start_date=quarter.start,
                                        due_date=quarter.end, cadence_days=cadence)
            made.append((o, _history(o, pace, now, ctx.rng, 3.5 if cadence == 7 else 7, "nightly-eval")))

    for title, owner_key, status, specs in PREVIOUS:
        owner = members.get(owner_key)
        t = services.theme_create(organization=org, actor=ctx.actor, owner=owner, title=title, quarter=previous,
                                  description="Set last quarter.")
        add(t, specs, previous)
        if status == "closed":
            _store(made)
            made.clear()
            services.theme_close(organization=org, actor=ctx.actor, theme=t,
                                 note="Shipped to every motor and home claim.")
        else:
            carried = t
    _store(made)
    made.clear()
    if carried is not None:
        carried = services.theme_carry_over(organization=org, actor=ctx.actor, theme=carried,
                                            note="AUC still short of target; keep going.")
    for title, owner_key, specs in CURRENT:
        if carried is not None and title == carried.title:
            t = carried
        else:
            t = services.theme_create(organization=org, actor=ctx.actor, owner=members.get(owner_key),
                                      title=title, quarter=current,
                                      description="Where we want the pods to move the numbers this quarter.")
        add(t, specs, current)
    n = _store(made)
    lead_outcomes = [o for o, _ in made if o.pod.name == "Claims Triage Assistant"]
    for o, confidence, note in zip(lead_outcomes, ["high", "medium", "low"],
                                   ["On pace; the new router is live for motor claims.",
                                    "Home claims are slower to route; looking at the OCR step.",
                                    "Adjusters stopped rating summaries; we need a feedback button."], strict=False):
        services.check_in_record(organization=org, actor=ctx.users.get("lead"), outcome=o,
                                 confidence=confidence, note=note)
    ctx.tally("themes", Theme.objects.for_org(org).count())
    ctx.tally("outcomes", Outcome.objects.for_org(org).count())
    ctx.tally("measurements", n)


METRICS = [("Retention uplift", "%", "increase", 0, 5), ("Handling time", "min", "decrease", 30, 20),
           ("Precision at top 100", "", "increase", 0.6, 0.8), ("Cost per prediction", "EUR", "decrease", 0.05, 0.03),
           ("Uptime", "%", "stay_above", 0, 99.5), ("Complaints about decisions", "/month", "stay_below", 0, 10)]
THEME_TITLES = ["Improve customer retention", "Faster, fairer claims", "Trustworthy AI in production",
                "Lower cost to serve", "Better underwriting decisions", "Reuse over rebuild"]


def _seed_enterprise(ctx: SeedContext, leaders: list[Membership]) -> None:
    """8 quarters × 6 themes, 1,200 outcomes over the pods, 200,000 measurements."""
    org, rng, now = ctx.org, ctx.rng, timezone.now()
    pods = list(Pod.objects.for_org(org).order_by("pk"))
    if not pods:
        return
    quarter = quarter_of(ctx.today, org.quarter_start_month)
    quarters = []
    for _ in range(8):
        quarters.append(quarter)
        quarter = quarter.previous(org.quarter_start_month)
    themes = Theme.objects.bulk_create([
        Theme(organization=org, quarter_start=q.start, title=title, owner=leaders[i % len(leaders)],
              status=ThemeStatus.ACTIVE if q is quarters[0] else ThemeStatus.CLOSED,
              final_score=None if q is quarters[0] else round(rng.uniform(0.4, 1.2), 2),
              description="Seeded for scale.")
        for q in quarters for i, title in enumerate(THEME_TITLES)])
    per_outcome = math.ceil(200_000 / 1200)
    outcomes: list[Outcome] = []
    for i in range(1200):
        t = themes[i % len(themes)]
        q = quarter_of(t.quarter_start, org.quarter_start_month)
        metric, unit, direction, base, target = METRICS[i % len(METRICS)]
        outcomes.append(Outcome(organization=org, theme=t, pod=pods[i % len(pods)], metric=f"{metric} #{i}",
                                unit=unit, direction=direction, baseline=base, target=target,
                                start_date=q.start, due_date=q.end, cadence_days=7, weight=1 + i % 3))
    Outcome.objects.bulk_create(outcomes, batch_size=1000)
    made = []
    for o in outcomes:
        span = (min(now.date(), o.due_date) - o.start_date).days or 1
        made.append((o, _history(o, rng.choice([1.1, 0.95, 0.7, 0.4, None]), now, rng,
                                 max(span / per_outcome, 0.05), "pipeline")))
    n = _store(made)
    ctx.tally("themes", len(themes))
    ctx.tally("outcomes", len(outcomes))
    ctx.tally("measurements", n)


registry.seed_steps.register(SeedStep("strategy", seed, order=50, after=("pods",)))
