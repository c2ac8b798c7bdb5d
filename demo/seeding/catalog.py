"""Seed step for the platform catalog: a model library (approved at different tiers, one
deprecated, aliases), platform components and data products owned by different pods (with
planted look-alikes, so the duplicate review has true positives), adoptions across pods over the
last year (the reuse trend), a data contract in breach (its incident open), and experiments
with runs logged as the MLflow client would. Then the duplicate candidates are computed.

Small scale goes through the services (a real audit trail); enterprise scale bulk-inserts the
issue's volumes (demo/seeding/catalog_bulk.py). Idempotent: an organization whose catalog holds
models keeps them, one with experiments keeps those.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from demo.seeding import catalog_bulk
from demo.seeding.context import SeedContext
from governance.models import RiskTier
from platform_catalog.models import CatalogModel, Experiment
from platform_catalog.services import components as comp_svc
from platform_catalog.services import library, relations, tracking
from platform_catalog.services.coordination import duplicates_compute
from pods.models import Pod
from tenancy.audit import audit_record
from tenancy.registry import SeedStep, registry

MODELS = [  # name, version, provider, modality, licence, approve up to, intended use
    ("churn-xgb", "2.4.0", "In-house", "tabular", "Proprietary", "high", "Weekly churn risk per account."),
    ("churn-xgb", "2.5.0", "In-house", "tabular", "Proprietary", "medium", "Weekly churn risk per account."),
    ("support-summariser", "1.2", "Mistral", "text", "Apache-2.0", "medium", "Summarise support tickets."),
    ("claims-embedder", "3", "OpenAI", "embedding", "Commercial", "low", "Embeddings for the claims index."),
    ("fraud-gbm", "0.9", "In-house", "tabular", "Proprietary", None, "Card fraud scoring (proposed)."),
    ("legacy-sentiment", "1.0", "In-house", "text", "Proprietary", "low", "Old sentiment model."),
]
COMPONENTS = [  # name, kind, maturity, description
    ("Feature store", "feature store", "ga", "Online and offline features for models, point-in-time correct."),
    ("Model serving gateway", "serving", "ga", "Low-latency model serving with canary releases."),
    ("Evaluation harness", "evaluation", "beta", "Offline evaluation suites and bias checks for every release."),
    ("Prompt registry", "llm tooling", "beta", "Versioned prompts with review and rollback."),
    ("Feature-store service", "feature store", "experimental", "Online and offline features for ML models."),
    ("Labelling queue", "data tooling", "experimental", "Human labelling workflow with quality sampling."),
]
FIELDS = [{"name": "customer_id", "type": "string", "description": "Customer key", "pii": True},
          {"name": "event", "type": "string", "description": "What happened"},
          {"name": "ts", "type": "timestamp", "description": "When"},
          {"name": "channel", "type": "string", "description": "web, app, store"}]
DATA_PRODUCTS = [  # name, domain, policy, fields
    ("Customer events", "customer", "on_request", FIELDS),
    ("Clickstream sessions", "web", "open", FIELDS[:3] + [{"name": "page", "type": "string"}]),
    ("Claims ledger", "claims", "restricted", [{"name": "claim_id", "type": "string"},
                                               {"name": "amount", "type": "float"},
                                               {"name": "customer_id", "type": "string", "pii": True}]),
    ("Support tickets", "support", "on_request", [{"name": "ticket_id", "type": "string"},
                                                  {"name": "body", "type": "string", "pii": True}]),
]


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    pods = list(Pod.objects.for_org(org).order_by("pk"))
    if len(pods) < 3:
        return
    before = sum(ctx.created.values())
    if CatalogModel.objects.for_org(org).exists():
        ctx.tally("catalog entries", 0, CatalogModel.objects.for_org(org).count())
    elif ctx.is_enterprise:
        ctx.tally("catalog entries", catalog_bulk.seed_entries(ctx, pods, MODELS, COMPONENTS, DATA_PRODUCTS))
    else:
        _small(ctx, pods)
    if ctx.is_enterprise:  # also fills in an enterprise org seeded before experiments were
        experiments, runs, points = catalog_bulk.seed_experiments(ctx, pods)
        ctx.tally("catalog experiments", experiments)
        ctx.tally("catalog runs", runs)
        ctx.tally("catalog metric points", points)
    if sum(ctx.created.values()) == before:
        return
    if ctx.is_enterprise:
        catalog_bulk.index_for_search(ctx)
    duplicates_compute(organization=org)
    audit_record(organization=org, actor=ctx.actor, action="demo.catalog_seeded", target=org,
                 after={"models": CatalogModel.objects.for_org(org).count(),
                        "experiments": Experiment.objects.for_org(org).count()})


def _small(ctx: SeedContext, pods: list[Pod]) -> None:
    org, actor = ctx.org, ctx.actor
    assert actor is not None  # the tenancy step set it
    tiers = {t.key: t for t in RiskTier.objects.for_org(org)}
    platform, domain, other = pods[0], pods[1], pods[2]
    models = []
    for i, (name, version, provider, modality, licence, tier, use) in enumerate(MODELS):
        model = library.catalog_model_create(
            organization=org, actor=actor, owner_pod=pods[i % 3], name=name, version=version, provider=provider,
            modality=modality, licence=licence, intended_use=use, limitations="Evaluated on 2026 data only.",
            evaluations=[{"metric": "auc" if modality == "tabular" else "rougeL", "value": 0.8 + i / 100,
                          "dataset": "holdout-2026"}])
        for key in ("low", "medium", "high"):
            if tier is None or tiers[key].rank > tiers[tier].rank:
                break
            approval = library.model_approval_request(organization=org, actor=actor, model=model,
                                                      risk_tier=tiers[key])
            if approval.status == "pending":
                break  # high risk waits for a leader, as the matrix says
        models.append(model)
    library.alias_set(organization=org, actor=actor, model=models[0], alias="champion")
    library.alias_set(organization=org, actor=actor, model=models[1], alias="challenger")
    library.catalog_model_deprecate(organization=org, actor=actor, model=models[5])
    comps = [comp_svc.component_save(organization=org, actor=actor, owner_pod=platform if i != 4 else other,
                                     name=name, kind=kind, maturity=maturity, description=desc,
                                     docs_url=f"https://docs.example.test/{name.lower().replace(' ', '-')}")
             for i, (name, kind, maturity, desc) in enumerate(COMPONENTS)]
    dps = []
    for i, (name, dom, policy, fields) in enumerate(DATA_PRODUCTS):
        dp = comp_svc.data_product_save(organization=org, actor=actor, owner_pod=domain if i != 1 else other,
                                        name=name, domain=dom, access_policy=policy, min_quality=0.9)
        comp_svc.schema_publish(organization=org, actor=actor, data_product=dp, fields=fields)
        dps.append(dp)
    now = timezone.now()
    comp_svc.quality_push(organization=org, actor=actor, data_product=dps[0], passed=98, failed=2, refreshed_at=now)
    comp_svc.quality_push(organization=org, actor=actor, data_product=dps[2], passed=70, failed=30,
                          refreshed_at=now - datetime.timedelta(hours=2))  # breached: an incident opens
    relations.relation_create(organization=org, actor=actor, source_kind="component", source_id=comps[0].pk,
                              kind="consumes", target_kind="data_product", target_id=dps[0].pk)
    relations.relation_create(organization=org, actor=actor, source_kind="model", source_id=models[0].pk,
                              kind="depends_on", target_kind="component", target_id=comps[0].pk)
    # Adoptions over the last year, so the reuse trend climbs quarter by quarter.
    for n, pod in enumerate(pods[1:]):
        for j, comp in enumerate(comps[:3]):
            if (n + j) % 2 == 0:
                relations.adoption_record(organization=org, actor=actor, pod=pod, entity_kind="component",
                                          entity_id=comp.pk, since=ctx.days_ago(30 + 40 * ((n + j) % 9)))
    _experiments(ctx, pods, models)
    ctx.tally("catalog entries", len(models) + len(comps) + len(dps))


def _experiments(ctx: SeedContext, pods: list[Pod], models: list[CatalogModel]) -> None:
    org, actor = ctx.org, ctx.actor
    for e, (name, pod) in enumerate((("churn-model", pods[0]), ("ticket-summaries", pods[1]))):
        exp = tracking.experiment_create(organization=org, actor=actor, name=name, owner_pod=pod)
        tracking.experiment_link(organization=org, actor=actor, experiment=exp, owner_pod=pod, model=models[e * 2])
        for r in range(4):
            run = tracking.run_create(organization=org, actor=actor, experiment=exp, run_name=f"trial-{r + 1}")
            lr = [0.3, 0.1, 0.05, 0.01][r]
            tracking.run_log_batch(
                organization=org, actor=actor, run=run,
                params=[{"key": "lr", "value": str(lr)}, {"key": "depth", "value": str(4 + r)}],
                metrics=[{"key": "auc", "value": round(0.7 + r * 0.03 + s * 0.01, 4), "step": s,
                          "timestamp": 1_780_000_000_000 + s} for s in range(10)],
                tags=[{"key": "team", "value": pod.name}])
            tracking.run_update(organization=org, actor=actor, run=run, status="FINISHED",
                                end_time=1_780_000_000_000 + 60_000)


registry.seed_steps.register(SeedStep("catalog", seed, order=80, after=("pods", "governance", "knowledge")))
