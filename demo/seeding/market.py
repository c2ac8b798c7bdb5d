"""Seed step for the service marketplace: offerings by a few provider pods, and requests from
other pods in every state (waiting, one past its SLA, accepted with its hold, delivered with the
provider credited, closed, declined, cancelled), all through the services so the ledger and the
audit trail are real. Requesting pods without a services budget this quarter get one.
Idempotent: an organization that already has offerings keeps them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from demo.seeding.context import SeedContext
from demo.seeding.resources import _lead_users
from pods.models import Pod
from resources.budget_selectors import budget_for, quarter_of
from resources.market import services
from resources.market.models import ServiceOffering, ServiceRequest
from resources.services import budget_set
from tenancy.registry import SeedStep, registry

OFFERINGS = [  # name, unit, price, SLA hours, monthly capacity, description
    ("Data labelling", "batch of 1k", "180", 48, 40, "Domain-aware labelling with two-pass review."),
    ("Model review", "review", "350", 72, 8, "A second pair of eyes on evaluation design and results."),
    ("GPU job tuning", "session", "120", 24, 20, "Profile and tune a training or inference job."),
    ("Red-teaming", "day", "900", 120, 6, "Adversarial testing of an LLM feature before launch."),
    ("Feature store onboarding", "pipeline", "250", 48, 12, "Move a pipeline's features into the store."),
    ("Prompt evaluation", "suite", "90", 24, 30, "Run and score a prompt suite against the baseline."),
]
# The path of each seeded request, cycling: what the pages then show.
PATHS = [[], [], ["accept"], ["accept", "deliver"], ["accept", "deliver", "close"], ["decline"],
         ["accept", "cancel"], ["accept"], [], ["accept", "deliver"]]


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    if ServiceOffering.objects.for_org(org).exists():
        ctx.tally("service offerings", 0, ServiceOffering.objects.for_org(org).count())
        return
    pods = list(Pod.objects.for_org(org).order_by("pk"))
    if len(pods) < 2:
        return
    if ctx.is_enterprise:
        _enterprise(ctx, pods)
        return
    leads = _lead_users(ctx)
    per_offer = 2 if ctx.is_enterprise else 1
    providers = pods[: len(OFFERINGS) * per_offer]
    offerings = []
    for i, pod in enumerate(providers):
        name, unit, price, sla, cap, text = OFFERINGS[i % len(OFFERINGS)]
        offerings.append(services.offering_create(
            organization=org, actor=leads.get(pod.pk, ctx.owner), provider=pod,
            name=name if i < len(OFFERINGS) else f"{name} ({pod.name})", unit=unit, price=Decimal(price),
            response_sla_hours=sla, monthly_capacity=cap, description=text))
    requesters = [p for p in pods if p not in providers][: 40 if ctx.is_enterprise else 6] or pods[-1:]
    today = timezone.localdate()
    for pod in requesters:
        if budget_for(org, pod.pk, "services", quarter_of(today)) is None:
            budget_set(organization=org, actor=ctx.owner, pod=pod, quarter=quarter_of(today), category="services",
                       amount=Decimal(20000))
    count = 120 if ctx.is_enterprise else 14
    made = 0
    for n in range(count):
        offering = offerings[n % len(offerings)]
        pod = requesters[n % len(requesters)]
        if pod.pk == offering.provider_id:
            continue
        needed_by = today + dt.timedelta(days=3 + n % 20)
        r = services.request_create(organization=org, actor=leads.get(pod.pk, ctx.owner), offering=offering, pod=pod,
                                    quantity=1 + n % 2, needed_by=needed_by, note="Seeded request")
        made += 1
        try:
            for action in PATHS[n % len(PATHS)]:
                side = offering.provider_id if action in ("accept", "decline", "deliver") else pod.pk
                r = services.request_transition(organization=org, actor=leads.get(side, ctx.owner), request=r,
                                                action=action, reason="Seeded" if action in ("decline", "cancel") else "")
        except ValidationError:
            continue  # the month is full or the budget spent: it stays where it got, as it would
    # A few requests waited past their SLA: the periodic task flags them.
    late = {r.offering_id: r.pk for r in ServiceRequest.objects.for_org(org).filter(state="requested")}
    ServiceRequest.objects.for_org(org).filter(pk__in=list(late.values())[:3]).update(
        sla_due_at=timezone.now() - dt.timedelta(hours=6))
    services.sla_flag(organization=org)
    ctx.tally("service offerings", len(offerings))
    ctx.tally("service requests", made)


def _enterprise(ctx: SeedContext, pods: list[Pod]) -> None:
    """Bulk: an offering per provider pod and waiting requests (no per-row audit events; the
    ledger moves only through the services, so these wait to be accepted on the pages)."""
    org, now, today = ctx.org, timezone.now(), timezone.localdate()
    providers = pods[: len(OFFERINGS) * 2]
    offerings = ServiceOffering.objects.bulk_create(
        ServiceOffering(organization=org, provider=pod, name=OFFERINGS[i % len(OFFERINGS)][0] + f" ({pod.name})"[:60],
                        unit=OFFERINGS[i % len(OFFERINGS)][1], price=Decimal(OFFERINGS[i % len(OFFERINGS)][2]),
                        response_sla_hours=OFFERINGS[i % len(OFFERINGS)][3],
                        monthly_capacity=OFFERINGS[i % len(OFFERINGS)][4], description=OFFERINGS[i % len(OFFERINGS)][5])
        for i, pod in enumerate(providers))
    requesters = [p for p in pods if p not in providers] or pods[-1:]
    rows = [ServiceRequest(organization=org, offering=o, pod=requesters[n % len(requesters)], quantity=1 + n % 2,
                           needed_by=today + dt.timedelta(days=3 + n % 20), note="Seeded request", unit_price=o.price,
                           sla_due_at=now + dt.timedelta(hours=o.response_sla_hours - (n % 3) * 48))
            for n in range(200) for o in [offerings[n % len(offerings)]] if requesters[n % len(requesters)] != o.provider]
    ServiceRequest.objects.bulk_create(rows)
    ctx.tally("service offerings", len(offerings))
    ctx.tally("service requests", len(rows))


registry.seed_steps.register(SeedStep("market", seed, order=95, after=("pods", "resources", "bench")))
