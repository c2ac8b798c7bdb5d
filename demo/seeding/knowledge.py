"""Seed step for knowledge: guilds with lessons, incidents with post-mortems, showcases whose
influence is recorded, talks and rotations.

Small scale goes through the services (idempotent by natural keys: guild name, lesson title,
incident title, showcase title, talk title). Enterprise scale is in `knowledge_bulk`.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from demo.seeding.context import SeedContext
from demo.seeding.knowledge_bulk import seed_enterprise
from knowledge import services
from knowledge.models import (
    Guild,
    Incident,
    Lesson,
    PostMortem,
    Presentation,
    Showcase,
    Talk,
)
from pods.models import Pod
from tenancy.registry import SeedStep, registry

BATCH = 2000

# --- Small: hand-written content -----------------------------------------------------------------

GUILDS = [
    ("LLM Evaluation Guild", "Evals, rubrics and regression suites for language models", "leader",
     "We share eval sets, judge prompts and the mistakes we made measuring LLM features."),
    ("MLOps Guild", "Shipping, monitoring and retraining models in production", "lead",
     "Deployment patterns, monitoring, on-call and cost. Office hours every Thursday."),
    ("Responsible AI Guild", "Fairness, privacy, transparency and harm prevention", "admin",
     "Reviews, checklists and lessons on building AI people can trust."),
    ("Data Quality Guild", "Contracts, validation and lineage for the data models eat", "admin",
     "Where data engineers and data scientists compare notes on broken pipelines."),
]

# (guild index, author key, title, kind, tags, pod name or "", body)
LESSONS = [
    (0, "member", "Freeze your evaluation set before you tune prompts", "failure",
     ["evaluation", "prompting"], "Claims Triage Assistant",
     "## What happened\n\nWe tuned the summarisation prompt for three weeks against the same 60 "
     "claims we used to *report* quality. Accuracy went from 71% to 88% on that set, and "
     "**down** to 69% on fresh claims.\n\n## What we learned\n\n- Split a frozen test set off "
     "first and never look at it while tuning.\n- Refresh a separate dev set monthly.\n- Track "
     "the gap between dev and test: a widening gap means you are overfitting the prompt."),
    (0, "lead", "LLM-as-judge needs its own calibration set", "howto",
     ["evaluation", "llm-judge"], "",
     "Before trusting an LLM judge, have two humans label 100 outputs and measure agreement "
     "with the judge (Cohen's kappa). Ours started at 0.41; rewriting the rubric as yes/no "
     "questions got it to 0.78.\n\n```\nscore = kappa(human_labels, judge_labels)\n```"),
    (1, "lead", "Shadow deployments caught a tokenizer mismatch", "success",
     ["deployment", "monitoring"], "Claims Triage Assistant",
     "We ran the new routing model in shadow for a week. Its output disagreed with production "
     "on 14% of claims, all with non-ASCII names: the serving image used an older tokenizer. "
     "Shadow traffic is now mandatory for every model change in our pod."),
    (1, "member", "Pin GPU driver versions in the serving image", "howto",
     ["kubernetes", "gpu", "deployment"], "",
     "A node pool upgrade brought a new driver and our Triton pods crash-looped. Pin the driver "
     "in the node image and the CUDA version in the serving image; upgrade both together "
     "behind a canary."),
    (2, "admin", "Bias review found a proxy for age in postcode features", "failure",
     ["fairness", "features"], "Fraud Signals",
     "Postcode-level features correlated 0.6 with customer age. The fraud model flagged older "
     "customers twice as often. We dropped two features, added a fairness check to the "
     "guardrail policy and the gap closed to 1.1×."),
    (2, "leader", "A model card template people actually fill in", "howto",
     ["documentation", "transparency"], "",
     "Keep it to one page: intended use, out-of-scope use, training data, evaluation by "
     "segment, known failure modes, owner. Link it from the catalog entry."),
    (3, "member", "Data contracts stopped silent schema drift", "success",
     ["data-contracts", "pipelines"], "Fraud Signals",
     "Upstream renamed `claim_amt` to `claim_amount` and our features became null for two "
     "days. With a data contract checked in CI, the producer's build now fails instead."),
    (3, "lead", "Great Expectations checks belong in the pipeline, not the notebook", "howto",
     ["validation", "pipelines"], "",
     "Run expectations as a pipeline step that blocks the load; notebooks are for exploring, "
     "not for guarding production data."),
]

INCIDENTS = [
    ("Claims summariser hallucinated policy numbers", "claims-summariser-v2", "sev2",
     ["model-failure", "harm-financial"], "Claims Triage Assistant", 40,
     "Adjusters saw invented policy numbers in 3% of summaries for six hours.",
     "A prompt change removed the instruction to copy identifiers verbatim.",
     "No regression test for identifier fidelity; prompt changes skipped review.",
     "Adjusters reported it within an hour; rollback took 10 minutes."),
    ("Fraud scores null after upstream schema change", "fraud-features-pipeline", "sev3",
     ["data-failure"], "Fraud Signals", 75,
     "Fraud scores were missing for two days; claims went to manual review.",
     "An upstream column was renamed without notice.",
     "No data contract; null-rate monitoring alerted only on the model output.",
     "Manual review absorbed the load; no fraudulent claim was paid."),
    ("Chat assistant answered outside its approved scope", "customer-chat-assistant", "sev2",
     ["governance-failure", "misuse"], "", 20,
     "The assistant gave investment advice when prompted creatively.",
     "The deployment skipped the high-risk-tier review because it was filed as low risk.",
     "Risk tier chosen by the requesting team alone; no red-teaming before launch.",
     "The guardrail logged every such answer, so the impact was easy to measure."),
]

SHOWCASES = [
    ("Showcase: {month}", 60, [("Routing claims with small models", "success", "Claims Triage Assistant",
                                "A 7B model fine-tuned on routing beat the large model on cost and accuracy."),
                               ("Our failed churn uplift model", "failure", "",
                                "Uplift modelling without a randomised holdout misled us for a quarter.")]),
    ("Showcase: {month}", 30, [("Fraud rings as graphs", "success", "Fraud Signals",
                                "Graph features found organised rings that row-level features missed.")]),
]

TALKS = [
    ("Paper review: Judging LLM-as-a-judge", "paper", "Priya Raman", -20, 0,
     ["evaluation", "llm-judge"], "https://arxiv.org/abs/2306.05685"),
    ("Serving LLMs on shared GPUs", "talk", "Mateo Álvarez", -6, 1, ["gpu", "serving"], ""),
    ("Office hours: evaluation design", "talk", "Jordan Avery", 5, 0, ["evaluation"], ""),
]


def seed(ctx: SeedContext) -> None:
    if ctx.is_enterprise:
        seed_enterprise(ctx)
    else:
        seed_small(ctx)


def seed_small(ctx: SeedContext) -> None:
    org = ctx.org
    users, memberships = ctx.users, ctx.shared.get("memberships", {})
    pods: dict[str, Pod] = ctx.shared.get("pods") or {p.name: p for p in Pod.objects.for_org(org)}
    guilds = {g.name: g for g in Guild.objects.for_org(org)}
    ordered = []
    for name, topic, steward, description in GUILDS:
        g = guilds.get(name)
        if g is None:
            g = services.guild_create(organization=org, actor=users[steward], name=name,
                                      topic=topic, description=description)
            ctx.tally("guilds", 1)
        else:
            ctx.tally("guilds", 0, 1)
        ordered.append(g)
    for key in memberships:
        for g in ordered[:3] if key in ("member", "lead") else ordered:
            services.guild_join(organization=org, actor=users[key], guild=g)

    existing = set(Lesson.objects.for_org(org).values_list("title", flat=True))
    lessons: dict[str, Lesson] = {}
    for gi, author, title, kind, tags, pod, body in LESSONS:
        if title in existing:
            ctx.tally("lessons", 0, 1)
            continue
        lessons[title] = services.lesson_create(
            organization=org, actor=users[author], guild=ordered[gi], title=title, kind=kind,
            body=body, tags=tags, pod=pods.get(pod))
        ctx.tally("lessons", 1)
    if lessons:
        first = next(iter(lessons.values()))
        for key in ("leader", "admin", "lead"):
            if users[key].pk != first.author_id:
                services.lesson_vote_toggle(organization=org, actor=users[key], lesson=first)
        services.lesson_comment_create(organization=org, actor=users["leader"], lesson=first,
                                       body="We hit the same thing on the **fraud** evals.")

    _incidents_small(ctx, pods, ordered)
    _showcases_small(ctx, pods, ordered)
    _talks_small(ctx, ordered)


def _incidents_small(ctx: SeedContext, pods: dict[str, Pod], guilds: list[Guild]) -> None:
    org, users = ctx.org, ctx.users
    existing = set(Incident.objects.for_org(org).values_list("title", flat=True))
    now = timezone.now()
    for title, system, sev, tags, pod, days_ago, summary, root, factors, well in INCIDENTS:
        if title in existing:
            ctx.tally("incidents", 0, 1)
            continue
        started = now - datetime.timedelta(days=days_ago)
        inc = services.incident_create(
            organization=org, actor=users["lead"], title=title, system=system, severity=sev,
            status="resolved", pod=pods.get(pod), tags=tags, impact=summary, started_at=started,
            detected_at=started + datetime.timedelta(minutes=45),
            resolved_at=started + datetime.timedelta(hours=6))
        pm = services.postmortem_save(
            organization=org, actor=users["lead"], incident=inc, summary=summary,
            root_cause=root, contributing_factors=factors, went_well=well, publish=True,
            timeline=[{"at": started.isoformat(), "entry": "Change deployed"},
                      {"at": (started + datetime.timedelta(minutes=45)).isoformat(),
                       "entry": "Detected by an alert"},
                      {"at": (started + datetime.timedelta(hours=6)).isoformat(),
                       "entry": "Resolved"}])
        services.action_item_create(organization=org, actor=users["lead"], postmortem=pm,
                                    title="Add a regression test for this failure",
                                    owner=users["member"], due_date=ctx.days_ago(days_ago - 14))
        services.action_item_create(organization=org, actor=users["lead"], postmortem=pm,
                                    title="Review the monitoring thresholds",
                                    owner=users["lead"], due_date=ctx.days_ahead(14))
        ctx.tally("incidents", 1)
    first = Incident.objects.for_org(org).filter(title=INCIDENTS[0][0]).first()
    if first is not None and not first.lessons.exists():
        pm = PostMortem.objects.for_org(org).get(incident=first)
        services.postmortem_to_lesson(organization=org, actor=users["lead"], postmortem=pm,
                                      guild=guilds[0], publish=True)


def _showcases_small(ctx: SeedContext, pods: dict[str, Pod], guilds: list[Guild]) -> None:
    org, users = ctx.org, ctx.users
    existing = set(Showcase.objects.for_org(org).values_list("title", flat=True))
    for title, days_ago, presentations in SHOWCASES:
        day = ctx.days_ago(days_ago)
        title = title.format(month=day.strftime("%B %Y"))
        if title in existing:
            ctx.tally("showcases", 0, 1)
            continue
        sc = services.showcase_create(organization=org, actor=users["leader"], title=title,
                                      date=day, recording_url="https://video.example/showcase")
        for p_title, kind, pod, summary in presentations:
            p = services.presentation_create(organization=org, actor=users["leader"],
                                             showcase=sc, title=p_title, kind=kind,
                                             pod=pods.get(pod), summary=summary)
            other = next((x for name, x in pods.items() if name != pod), None)
            services.presentation_cite(organization=org, actor=users["lead"], presentation=p,
                                       pod=other, note="Adopted the approach in our next quarter")
        ctx.tally("showcases", 1)
    failure = Presentation.objects.for_org(org).filter(kind="failure").first()
    title = "Always keep a randomised holdout for uplift models"
    if failure is not None and not Lesson.objects.for_org(org).filter(title=title).exists():
        services.lesson_create(organization=org, actor=users["member"], guild=guilds[0],
                               title=title, kind="howto", presentation=failure, tags=["experiments"],
                               body="After the churn uplift talk at the showcase we kept a 5% "
                               "randomised holdout in every campaign. It costs little and it "
                               "is the only honest baseline.")


def _talks_small(ctx: SeedContext, guilds: list[Guild]) -> None:
    org, users = ctx.org, ctx.users
    existing = set(Talk.objects.for_org(org).values_list("title", flat=True))
    for title, kind, speaker, days, gi, tags, paper in TALKS:
        if title in existing:
            continue
        services.talk_create(organization=org, actor=users["leader"], title=title, kind=kind,
                             speaker=speaker, date=ctx.days_ahead(days), guild=guilds[gi],
                             tags=tags, paper_url=paper,
                             recording_url="https://video.example/talk" if days < 0 else "")
        ctx.tally("talks", 1)


registry.seed_steps.register(SeedStep("knowledge", seed, order=40, after=("pods",)))
