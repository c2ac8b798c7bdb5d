"""Seed step for the Team API: each pod's team type, contact, services and working hours, and the
interactions between pods (some ended, so the map at an earlier date differs from today's).

Small scale goes through the services (a real audit trail); enterprise scale bulk-updates every
pod and bulk-inserts interactions, with one summary audit event."""

from __future__ import annotations

from demo.seeding.context import SeedContext
from pods import services, team_services
from pods.models import InteractionMode, Pod, PodInteraction, PodStatus, TeamType
from tenancy.audit import audit_record
from tenancy.registry import SeedStep, registry

SMALL_TYPES = {
    "Claims Triage Assistant": (TeamType.STREAM_ALIGNED, "#claims-triage · intake page", "Claim routing API"),
    "Fraud Signals": (TeamType.COMPLICATED_SUBSYSTEM, "#fraud-signals", "Fraud-risk score per claim"),
    "Customer Retention Models": (TeamType.STREAM_ALIGNED, "#retention", "Churn propensity scores, weekly"),
    "Underwriting Copilot": (TeamType.STREAM_ALIGNED, "#uw-copilot", "Drafted underwriting notes"),
    "Pricing Experiments": (TeamType.STREAM_ALIGNED, "#pricing-lab", "Experiment design reviews"),
    "Supply Chain Forecasting": (TeamType.STREAM_ALIGNED, "#forecasting", "Weekly volume forecasts"),
    "Document Intelligence": (TeamType.COMPLICATED_SUBSYSTEM, "#doc-ai",
                              "Document extraction service\nOCR quality reports"),
    "Contact Center Summaries": (TeamType.ENABLING, "#llm-enablement · office hours Thu",
                                 "Prompt and evaluation coaching for pods starting with LLMs"),
    "Agent Platform": (TeamType.PLATFORM, "#agent-platform · platform intake",
                       "Agent runtime\nTool registry\nEvaluation harness"),
}

# (provider/facilitator, mode, partner, purpose, started days ago, ended days ago or None)
SMALL_INTERACTIONS = [
    ("Agent Platform", InteractionMode.X_AS_A_SERVICE, "Claims Triage Assistant", "Agent runtime for routing",
     200, None),
    ("Agent Platform", InteractionMode.X_AS_A_SERVICE, "Underwriting Copilot", "Agent runtime and tool registry",
     150, None),
    ("Agent Platform", InteractionMode.COLLABORATION, "Underwriting Copilot", "Design the tool-calling API together",
     240, 160),
    ("Document Intelligence", InteractionMode.X_AS_A_SERVICE, "Claims Triage Assistant",
     "Extracted fields from claim documents", 300, None),
    ("Document Intelligence", InteractionMode.X_AS_A_SERVICE, "Underwriting Copilot",
     "Extracted fields from broker submissions", 120, None),
    ("Fraud Signals", InteractionMode.X_AS_A_SERVICE, "Claims Triage Assistant", "Fraud-risk flag on triage",
     280, None),
    ("Contact Center Summaries", InteractionMode.FACILITATING, "Customer Retention Models",
     "Coach the pod on LLM evaluation", 60, None),
    ("Contact Center Summaries", InteractionMode.FACILITATING, "Pricing Experiments",
     "Introduce offline evaluation of pricing prompts", 180, 90),
    ("Pricing Experiments", InteractionMode.COLLABORATION, "Customer Retention Models",
     "Joint retention-offer experiment", 45, None),
]


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    if PodInteraction.objects.for_org(org).exists():
        ctx.tally("pod interactions", 0, PodInteraction.objects.for_org(org).count())
        return
    if ctx.is_enterprise:
        _seed_enterprise(ctx)
    else:
        _seed_small(ctx)


def _seed_small(ctx: SeedContext) -> None:
    org, actor = ctx.org, ctx.actor
    assert actor is not None
    pods = {p.name: p for p in Pod.objects.for_org(org)}
    for name, (team_type, contact, offered) in SMALL_TYPES.items():
        if name in pods:
            pods[name] = services.pod_update(organization=org, actor=actor, pod=pods[name], team_type=team_type,
                                             contact=contact, services_offered=offered,
                                             working_hours="Mon–Fri 09:00–17:00 CET")
    made = 0
    for a, mode, b, purpose, started, ended in SMALL_INTERACTIONS:
        if a in pods and b in pods:
            team_services.interaction_create(
                organization=org, actor=actor, pod=pods[a], partner=pods[b], mode=mode, purpose=purpose,
                start_date=ctx.days_ago(started), end_date=ctx.days_ago(ended) if ended is not None else None)
            made += 1
    ctx.tally("pod interactions", made)


def _seed_enterprise(ctx: SeedContext) -> None:
    """Every pod gets a type (most stream-aligned, as Team Topologies expects), a contact and hours;
    each stream-aligned pod uses one or two platforms, some are facilitated by an enabling pod, a
    few collaborate with a complicated subsystem, and a share of those interactions has ended."""
    org, rng = ctx.org, ctx.rng
    pods = list(Pod.objects.for_org(org).order_by("pk"))
    weights = [(TeamType.STREAM_ALIGNED, 70), (TeamType.PLATFORM, 12), (TeamType.ENABLING, 8),
               (TeamType.COMPLICATED_SUBSYSTEM, 10)]
    for pod in pods:
        pod.team_type = rng.choices([t for t, _ in weights], [w for _, w in weights])[0]
        slug = pod.name.lower().replace(" ", "-")[:40]
        pod.contact = f"#{slug}"
        pod.working_hours = rng.choice(["Mon–Fri 09:00–17:00 CET", "Mon–Fri 08:00–16:00 ET",
                                        "Mon–Thu 09:30–18:00 IST"])
        pod.services_offered = {TeamType.PLATFORM: "Self-service platform capability with an SLA",
                                TeamType.ENABLING: "Coaching and pairing for a few weeks",
                                TeamType.COMPLICATED_SUBSYSTEM: "A specialist model behind an API"}.get(
            TeamType(pod.team_type), "")
    Pod.objects.for_org(org).bulk_update(pods, ["team_type", "contact", "working_hours", "services_offered"],
                                         batch_size=500)
    running = [p for p in pods if p.status != PodStatus.SUNSET]
    by_type = {t: [p for p in running if p.team_type == t] for t in TeamType.values}
    rows: list[PodInteraction] = []
    seen: set[tuple[int, int, str]] = set()

    def add(a: Pod, mode: str, b: Pod, purpose: str) -> None:
        if a.pk == b.pk or (min(a.pk, b.pk), max(a.pk, b.pk), mode) in seen:
            return
        seen.add((min(a.pk, b.pk), max(a.pk, b.pk), mode))
        started = rng.randint(20, 700)
        ended = rng.randint(0, started - 10) if rng.random() < 0.25 else None
        rows.append(PodInteraction(organization=org, pod=a, partner=b, mode=mode, purpose=purpose,
                                   start_date=ctx.days_ago(started),
                                   end_date=ctx.days_ago(ended) if ended is not None else None))

    for stream in by_type[TeamType.STREAM_ALIGNED]:
        platforms = by_type[TeamType.PLATFORM]
        for platform in rng.sample(platforms, min(len(platforms), rng.randint(1, 2))):
            add(platform, InteractionMode.X_AS_A_SERVICE, stream, f"{platform.name} as a service")
        if by_type[TeamType.ENABLING] and rng.random() < 0.3:
            enabler = rng.choice(by_type[TeamType.ENABLING])
            add(enabler, InteractionMode.FACILITATING, stream, f"{enabler.name} coaches the pod")
        if by_type[TeamType.COMPLICATED_SUBSYSTEM] and rng.random() < 0.15:
            specialist = rng.choice(by_type[TeamType.COMPLICATED_SUBSYSTEM])
            add(specialist, InteractionMode.COLLABORATION, stream, f"Integrate {specialist.name}")
    PodInteraction.objects.for_org(org).bulk_create(rows, batch_size=1000)
    audit_record(organization=org, actor=ctx.actor, action="demo.team_api_seeded", target=org,
                 after={"pods_typed": len(pods), "interactions": len(rows)})
    ctx.tally("pod interactions", len(rows))


registry.seed_steps.register(SeedStep("team_api", seed, order=25, after=("pods",)))
