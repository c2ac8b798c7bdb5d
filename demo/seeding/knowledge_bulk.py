"""Enterprise scale for the knowledge seed step: 40 guilds, 20,000 lessons and 2,000 incidents
with post-mortems, showcases and talks, plus their search documents, bulk-inserted in batches.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from demo.seeding.context import SeedContext
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
from knowledge.search import search_terms_rebuild
from knowledge.services.common import org_url
from pods.models import Pod
from tenancy.models import Membership

BATCH = 2000

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


# Internal system and project names: an enterprise's lessons are full of them, and they are what
# makes its search vocabulary large (the typo lexicon holds about 30,000 words at full scale,
# which is what `make bench` should measure, not the few hundred words of the templates above).
ONSETS = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "kl", "l", "m", "n", "p",
          "pr", "qu", "r", "s", "sk", "st", "t", "tr", "v", "w", "z"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
CODAS = ["", "", "n", "r", "s", "l", "x", "m", "nd", "rt"]


def _system_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                          for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(names)


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
    # The bulk rows skipped index_upsert: build the typo lexicon from the documents in one go.
    search_terms_rebuild(organization=org)
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
    systems = _system_names(rng, round(total * 1.5))
    for _i in range(total):
        g = rng.choice(guilds)
        kind, pattern = rng.choice(PATTERNS)
        s, m = rng.choice(SUBJECTS), rng.choice(METRICS)
        title = pattern.format(s=s, m=m, n=rng.randint(5, 60), t=topic_of[g.pk].lower(),
                               d=rng.randint(2, 14))
        body = _body(rng, s, m)
        if body not in rendered:
            rendered[body] = render_markdown(body)
        # Plain letters only: appended to the rendered copy as is, without rendering 20,000 bodies.
        touched = "Systems touched: " + ", ".join(rng.sample(systems, 3)) + "."
        published = now - datetime.timedelta(days=rng.random() * 730)
        rows.append(Lesson(organization=org, guild=g, author_id=rng.choice(member_of[g.pk]),
                           title=title[:200], kind=kind, body=f"{body}\n\n{touched}",
                           body_html=f"{rendered[body]}<p>{touched}</p>",
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
        pod_id_ref=le.pod_id, guild_id_ref=le.guild_id,
        date=le.published_at.date() if le.published_at else None,
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
