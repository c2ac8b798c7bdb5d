"""Seed step for knowledge: guilds with lessons, incidents with post-mortems, showcases whose
influence is recorded, talks and rotations.

Small scale goes through the services (idempotent by natural keys: guild name, lesson title,
incident title, showcase title, talk title). Enterprise scale bulk-inserts 40 guilds, 20,000
lessons and 2,000 incidents with post-mortems, plus their search documents, in batches.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from demo.seeding.context import SeedContext
from knowledge import services
from knowledge.markdown import html_to_text, render_markdown
from knowledge.models import (
    ActionItem,
    Citation,
    Guild,
    GuildMember,
    Incident,
    Lesson,
    LessonVote,
    PostMortem,
    Presentation,
    SearchDocument,
    Showcase,
    Talk,
)
from knowledge.services.common import org_url
from pods.models import Pod
from tenancy.models import Membership

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
    p = Presentation.objects.for_org(org).filter(kind="failure").first()
    title = "Always keep a randomised holdout for uplift models"
    if p is not None and not Lesson.objects.for_org(org).filter(title=title).exists():
        services.lesson_create(organization=org, actor=users["member"], guild=guilds[0],
                               title=title, kind="howto", presentation=p, tags=["experiments"],
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


# --- Enterprise: generated, bulk-inserted ---------------------------------------------------------

TOPICS = [
    "LLM evaluation", "Retrieval (RAG)", "MLOps", "Responsible AI", "Data quality",
    "Feature stores", "Forecasting", "Recommender systems", "Computer vision", "Speech",
    "Prompt engineering", "Fine-tuning", "GPU efficiency", "Observability", "Privacy engineering",
    "Experiment design", "Causal inference", "Graph analytics", "Agents and tools", "Security",
    "Data contracts", "Labeling operations", "Model governance", "Search relevance",
    "Anomaly detection", "Time series", "NLP", "Document AI", "Reinforcement learning",
    "Synthetic data", "Model compression", "Edge deployment", "Streaming ML", "AB testing",
    "Cost management", "Vector databases", "Red teaming", "Human in the loop",
    "Knowledge graphs", "Product analytics",
]
SUBJECTS = [
    "eval set", "prompt", "feature pipeline", "embedding index", "canary release", "drift alarm",
    "labeling guideline", "judge rubric", "retraining job", "serving image", "batch scorer",
    "feature store", "holdout group", "guardrail", "tokenizer", "chunking strategy", "reranker",
    "autoscaler", "cost dashboard", "data contract", "model card", "shadow deployment",
    "fallback model", "cache layer", "GPU quota", "vector index", "feedback loop", "threshold",
]
PATTERNS = [
    ("success", "How a {s} cut our {m} by {n}%"),
    ("success", "Shipping a better {s} for {t}"),
    ("failure", "Our {s} silently broke {t} for {d} days"),
    ("failure", "What we got wrong about the {s} in {t}"),
    ("howto", "How to size a {s} for {t}"),
    ("howto", "A checklist for changing the {s}"),
    ("howto", "Testing a {s} before it reaches production"),
    ("failure", "Why our {s} made {m} worse"),
]
METRICS = ["latency", "cost per request", "false positives", "hallucination rate",
           "labeling time", "time to detect", "null rate", "p95 latency", "GPU hours"]
PARAGRAPHS = [
    "We noticed it when {m} moved without a release. Tracing it back took two days because "
    "nobody owned the {s} end to end.",
    "The fix was small: version the {s}, review changes like code, and alert on {m}.",
    "Pair with the platform team early; they had solved the same {s} problem for another pod.",
    "Measure before and after on a frozen set, and report the gap by customer segment.",
    "Write down the decision and who made it, so the next pod does not rediscover it.",
    "Run the new {s} in shadow for a week before switching traffic.",
    "Budget the {m} explicitly and show it on the pod's dashboard.",
    "Keep a rollback path that takes minutes, and rehearse it once a quarter.",
]


def _body(rng: random.Random, s: str, m: str) -> str:
    picked = rng.sample(PARAGRAPHS, 3)
    return ("## Context\n\n" + picked[0].format(s=s, m=m) + "\n\n## What we did\n\n"
            + picked[1].format(s=s, m=m) + "\n\n## What we learned\n\n- "
            + picked[2].format(s=s, m=m) + "\n- Share it with the guild.")


def seed_enterprise(ctx: SeedContext) -> None:
    org = ctx.org
    if Guild.objects.for_org(org).exists():
        ctx.tally("guilds", 0, Guild.objects.for_org(org).count())
        return
    rng = random.Random(ctx.seed + 4)
    user_ids = list(Membership.objects.for_org(org).order_by("pk").values_list("user_id", flat=True))
    pod_ids = list(Pod.objects.for_org(org).order_by("pk").values_list("id", flat=True))
    now = timezone.now()

    guilds = Guild.objects.bulk_create(
        Guild(organization=org, name=f"{t} Guild", topic=f"Practice and lessons on {t.lower()}",
              description=f"Everyone working on {t.lower()} across pods.") for t in TOPICS)
    members: list[GuildMember] = []
    member_of: dict[int, list[int]] = {}
    for g in guilds:
        chosen = rng.sample(user_ids, min(len(user_ids), rng.randint(15, 90)))
        member_of[g.pk] = chosen
        members += [GuildMember(organization=org, guild=g, user_id=u, is_steward=i < 2)
                    for i, u in enumerate(chosen)]
    GuildMember.objects.bulk_create(members, batch_size=BATCH)

    # The enterprise shape (300 pods) has 20,000 lessons and 2,000 incidents; tests seed fewer pods.
    scale = min(1.0, ctx.pods / 300)
    lessons = _bulk_lessons(ctx, rng, guilds, member_of, pod_ids, now,
                            total=max(200, round(20000 * scale)))
    incidents = _bulk_incidents(ctx, rng, user_ids, pod_ids, now,
                                total=max(20, round(2000 * scale)))
    _bulk_showcases(ctx, rng, guilds, pod_ids, lessons)
    talks = []
    for i in range(120):
        k = rng.randrange(len(guilds))
        talks.append(Talk(organization=org, guild=guilds[k], kind=rng.choice(["talk", "paper"]),
                          title=f"{rng.choice(['Deep dive', 'Paper review', 'Lightning talk'])}: "
                          f"the {rng.choice(SUBJECTS)} in {TOPICS[k].lower()}",
                          speaker=f"Speaker {i + 1}", date=ctx.days_ago(rng.randint(-30, 700))))
    Talk.objects.bulk_create(talks)
    # No summary audit event: tests/demo caps the enterprise seed at fewer than 10 events in all.
    ctx.tally("guilds", len(guilds))
    ctx.tally("lessons", len(lessons))
    ctx.tally("incidents", incidents)


def _bulk_lessons(ctx: SeedContext, rng: random.Random, guilds: list[Guild],
                  member_of: dict[int, list[int]], pod_ids: list[int],
                  now: datetime.datetime, total: int = 20000) -> list[Lesson]:
    org = ctx.org
    rendered: dict[str, str] = {}
    rows: list[Lesson] = []
    topic_of = {g.pk: t for g, t in zip(guilds, TOPICS, strict=True)}
    for _i in range(total):
        g = rng.choice(guilds)
        kind, pattern = rng.choice(PATTERNS)
        s, m = rng.choice(SUBJECTS), rng.choice(METRICS)
        title = pattern.format(s=s, m=m, n=rng.randint(5, 60), t=topic_of[g.pk].lower(),
                               d=rng.randint(2, 14))
        body = _body(rng, s, m)
        if body not in rendered:
            rendered[body] = render_markdown(body)
        published = now - datetime.timedelta(days=rng.random() * 730)
        rows.append(Lesson(organization=org, guild=g, author_id=rng.choice(member_of[g.pk]),
                           title=title[:200], kind=kind, body=body, body_html=rendered[body],
                           tags=[topic_of[g.pk].lower().replace(" ", "-")[:40], s.replace(" ", "-")],
                           pod_id=rng.choice(pod_ids) if pod_ids and rng.random() < 0.6 else None,
                           helpful_count=0, published_at=published))
    lessons = Lesson.objects.bulk_create(rows, batch_size=BATCH)
    # Votes: a third of the lessons found helpful by one to eight people.
    votes = []
    for le in lessons[::3]:
        for u in rng.sample(member_of[le.guild_id], min(len(member_of[le.guild_id]), rng.randint(1, 8))):
            votes.append(LessonVote(organization=org, lesson_id=le.pk, user_id=u))
    LessonVote.objects.bulk_create(votes, batch_size=BATCH)
    counts: dict[int, int] = {}
    for v in votes:
        counts[v.lesson_id] = counts.get(v.lesson_id, 0) + 1
    for le in lessons:
        le.helpful_count = counts.get(le.pk, 0)
    Lesson.objects.for_org(org).bulk_update(lessons, ["helpful_count"], batch_size=BATCH)
    SearchDocument.objects.bulk_create((SearchDocument(
        organization=org, kind="lesson", object_id=le.pk, title=le.title, body=html_to_text(le.body_html),
        tags=le.tags + [le.kind], tags_text=" ".join(le.tags + [le.kind]).replace("-", " "),
        pod_id_ref=le.pod_id, guild_id_ref=le.guild_id, date=le.published_at.date(),
        url=org_url(org, "lesson_detail", pk=le.pk)) for le in lessons), batch_size=BATCH)
    return lessons


def _bulk_incidents(ctx: SeedContext, rng: random.Random, user_ids: list[int],
                    pod_ids: list[int], now: datetime.datetime, total: int = 2000) -> int:
    org = ctx.org
    cats = ["model-failure", "data-failure", "governance-failure", "misuse", "deployment-failure"]
    harms = ["harm-financial", "harm-reputational", "harm-privacy", "harm-civil-rights"]
    rows = []
    for _ in range(total):
        s, m = rng.choice(SUBJECTS), rng.choice(METRICS)
        started = now - datetime.timedelta(days=rng.random() * 730)
        tags = [rng.choice(cats)] + ([rng.choice(harms)] if rng.random() < 0.3 else [])
        rows.append(Incident(
            organization=org, title=f"{s.capitalize()} failure raised {m}", system=f"{s.replace(' ', '-')}-svc",
            pod_id=rng.choice(pod_ids) if pod_ids else None, severity=rng.choice(["sev1", "sev2", "sev3", "sev3", "sev4"]),
            status="resolved", started_at=started,
            detected_at=started + datetime.timedelta(minutes=rng.randint(5, 600)),
            resolved_at=started + datetime.timedelta(hours=rng.randint(1, 72)), tags=tags,
            impact=f"{m.capitalize()} degraded for users of the {s}.",
            reported_by_id=rng.choice(user_ids)))
    incidents = Incident.objects.bulk_create(rows, batch_size=BATCH)
    pms = PostMortem.objects.bulk_create((PostMortem(
        organization=org, incident=i, summary=f"A change to the {i.system} went out without a "
        f"check on {i.impact.split(' degraded')[0].lower()}.",
        root_cause="The change path had no automated check for this failure mode.",
        contributing_factors="Alert thresholds tuned for an older traffic pattern.",
        went_well="Rollback was quick and the on-call runbook was current.",
        timeline=[{"at": i.started_at.strftime("%Y-%m-%d %H:%M"), "entry": "Change deployed"},
                  {"at": i.detected_at.strftime("%Y-%m-%d %H:%M"), "entry": "Alert fired"}],
        is_published=True, published_at=i.resolved_at) for i in incidents), batch_size=BATCH)
    ActionItem.objects.bulk_create((ActionItem(
        organization=org, postmortem=pm, title=title, owner_id=rng.choice(user_ids),
        due_date=pm.incident.started_at.date() + datetime.timedelta(days=rng.randint(7, 60)),
        status="done" if rng.random() < 0.8 else "open")
        for pm in pms for title in ("Add an automated check", "Retune the alert")), batch_size=BATCH)
    SearchDocument.objects.bulk_create((SearchDocument(
        organization=org, kind="postmortem", object_id=pm.pk,
        title=f"Post-mortem: {pm.incident.title}",
        body="\n\n".join([pm.incident.impact, pm.summary, pm.root_cause,
                          pm.contributing_factors, pm.went_well]),
        tags=pm.incident.tags + [pm.incident.severity],
        tags_text=" ".join(pm.incident.tags).replace("-", " "), pod_id_ref=pm.incident.pod_id,
        date=pm.incident.started_at.date(),
        url=org_url(org, "incident_detail", pk=pm.incident_id)) for pm in pms), batch_size=BATCH)
    return len(incidents)


def _bulk_showcases(ctx: SeedContext, rng: random.Random, guilds: list[Guild],
                    pod_ids: list[int], lessons: list[Lesson]) -> int:
    org = ctx.org
    showcases = Showcase.objects.bulk_create(
        Showcase(organization=org, title=f"Showcase: {ctx.days_ago(30 * k):%B %Y}",
                 date=ctx.days_ago(30 * k), recording_url="https://video.example/showcase")
        for k in range(1, 25))
    presentations = Presentation.objects.bulk_create(
        Presentation(organization=org, showcase=sc, pod_id=rng.choice(pod_ids) if pod_ids else None,
                     title=f"{rng.choice(['What worked', 'What failed'])}: the {rng.choice(SUBJECTS)}",
                     kind=rng.choice(["success", "failure"]), summary="Five minutes, one lesson.")
        for sc in showcases for _ in range(5))
    Citation.objects.bulk_create(
        Citation(organization=org, presentation=p, pod_id=rng.choice(pod_ids),
                 note="Reused the approach") for p in presentations if pod_ids and rng.random() < 0.4)
    cited = rng.sample(lessons, min(300, len(lessons)))
    by_pk = {p.pk: p for p in presentations}
    for le in cited:
        le.presentation_id = rng.choice(list(by_pk))
    Lesson.objects.for_org(org).bulk_update(cited, ["presentation"], batch_size=BATCH)
    sc_by_pk = {s.pk: s for s in showcases}
    SearchDocument.objects.bulk_create((SearchDocument(
        organization=org, kind="presentation", object_id=p.pk, title=p.title, body=p.summary,
        tags=[p.kind], tags_text=p.kind, pod_id_ref=p.pod_id, date=sc_by_pk[p.showcase_id].date,
        url=org_url(org, "showcase_detail", pk=p.showcase_id) + f"#p{p.pk}")
        for p in presentations), batch_size=BATCH)
    return len(showcases)
