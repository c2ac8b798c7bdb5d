"""`make bench`, platform catalog: the duplication snapshot at the issue's enterprise size, its
precision and recall on planted pairs, and logging 1,000 metric points through the MLflow API.

Inside a transaction that is rolled back (the bench database keeps its seed, which has the same
volumes: demo/seeding/catalog_bulk.py), the enterprise org's catalog is replaced by 150 models, 400 components, 600 data products (with schemas) and 5,000
experiments with 100,000 runs and 2 million metric points, spread over its pods. Names and
descriptions are made of generated words (so unrelated entries do not look alike by accident,
as a small vocabulary would make them); a planted pair is an entry and a copy owned by another
pod with its name edited (words reordered, a suffix, a typo, hyphens) and its description partly
rewritten (data products keep most of their schema fields). The issue's bars: snapshot <= 30 s,
precision and recall >= 0.9 on the planted pairs, a 1,000-point log-batch p95 <= 100 ms.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

SIZES = {"model": 150, "component": 400, "data_product": 600, "experiment": 5000}
PLANTED = {"model": 8, "component": 20, "data_product": 30, "experiment": 100}
RUNS, POINTS = 100_000, 2_000_000
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ar", "en", "ol")]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def _text(rng: random.Random, words: int) -> str:
    return " ".join(_word(rng) for _ in range(words))


def _variant(rng: random.Random, name: str) -> str:
    """A look-alike name, as a second pod would write it."""
    words = name.split()
    edit = rng.randrange(4)
    if edit == 0 and len(words) > 1:
        words[0], words[1] = words[1], words[0]
        return " ".join(words)
    if edit == 1:
        return f"{name} service"
    if edit == 2:
        i = rng.randrange(len(words))
        w = words[i]
        words[i] = w[:-1] + ("x" if w[-1] != "x" else "y")
        return " ".join(words)
    return "-".join(words)


def _rows(rng: random.Random, kind: str, pods: list[Any]) -> tuple[list[dict[str, Any]], set[tuple[int, int]]]:
    """Entries (dicts) and the planted pairs as index pairs."""
    rows = [{"name": _text(rng, 3), "description": _text(rng, 14), "pod": pods[i % len(pods)],
             "fields": [_word(rng) for _ in range(rng.randint(4, 8))]} for i in range(SIZES[kind])]
    planted = set()
    for n, i in enumerate(rng.sample(range(SIZES[kind]), PLANTED[kind])):
        j = SIZES[kind] - PLANTED[kind] + n  # overwrite a tail entry with the look-alike
        if i >= j:
            continue
        src = rows[i]
        sentence = src["description"].split()
        sentence[-4:] = [_word(rng) for _ in range(4)]
        rows[j] = {"name": _variant(rng, src["name"]), "description": " ".join(sentence),
                   "pod": pods[(pods.index(src["pod"]) + 1) % len(pods)],
                   "fields": src["fields"][:-1] + [_word(rng)]}
        planted.add((i, j))
    return rows, planted


def _seed(org: Any, pods: list[Any], actor: Any, rng: random.Random) -> dict[str, set[tuple[int, int]]]:
    from django.db import connection

    from platform_catalog.models import CatalogModel, Component, DataProduct, Experiment, SchemaVersion

    truth: dict[str, set[tuple[int, int]]] = {}
    with connection.cursor() as cur:  # the seeded runs and their history: in SQL, not row by row
        for t in ("metricpoint", "latestmetric", "runparam", "runtag", "run"):
            cur.execute(f"DELETE FROM platform_catalog_{t} WHERE organization_id = %s", [org.pk])
    for kind, table in (("model", CatalogModel), ("component", Component), ("data_product", DataProduct),
                        ("experiment", Experiment)):
        table.objects.for_org(org).delete()
        rows, planted = _rows(rng, kind, pods)
        extra: dict[str, Any] = {}
        made: list[Any]
        if kind == "model":
            made = CatalogModel.objects.bulk_create(
                CatalogModel(organization=org, owner_pod=r["pod"], provider="In-house", name=r["name"],
                             version="1", description=r["description"]) for r in rows)
        elif kind == "component":
            made = Component.objects.bulk_create(
                Component(organization=org, owner_pod=r["pod"], name=r["name"], description=r["description"])
                for r in rows)
        elif kind == "data_product":
            made = DataProduct.objects.bulk_create(
                DataProduct(organization=org, owner_pod=r["pod"], name=r["name"], description=r["description"])
                for r in rows)
            SchemaVersion.objects.bulk_create(
                SchemaVersion(organization=org, data_product=d, version=1,
                              fields=[{"name": f, "type": "string"} for f in r["fields"]])
                for d, r in zip(made, rows, strict=True))
        else:
            extra = {"creation_time": 1_780_000_000_000, "last_update_time": 1_780_000_000_000}
            made = Experiment.objects.bulk_create(
                Experiment(organization=org, owner_pod=r["pod"], name=r["name"], created_by=actor, **extra)
                for r in rows)
        truth[kind] = {(min(made[i].pk, made[j].pk), max(made[i].pk, made[j].pk)) for i, j in planted}
    exp_ids = list(Experiment.objects.for_org(org).values_list("pk", flat=True))
    with connection.cursor() as cur:  # runs and metric points at volume, in two statements
        cur.execute("""
            INSERT INTO platform_catalog_run (organization_id, run_uuid, experiment_id, run_name, user_id, status,
                                              start_time, end_time, lifecycle_stage, created_by_id)
            SELECT %(org)s, md5(random()::text || g), (%(exps)s)[1 + g %% array_length(%(exps)s, 1)],
                   'run-' || g, '', 'FINISHED', 1780000000000 + g, 1780000060000 + g, 'active', %(user)s
            FROM generate_series(1, %(runs)s) g""", {"org": org.pk, "exps": exp_ids, "user": actor.pk,
                                                     "runs": RUNS})
        cur.execute("""
            INSERT INTO platform_catalog_metricpoint (organization_id, run_id, key, value, timestamp, step)
            SELECT %(org)s, r.id, 'auc', random(), 1780000000000 + s, s
            FROM platform_catalog_run r CROSS JOIN generate_series(0, %(per)s - 1) s
            WHERE r.organization_id = %(org)s""", {"org": org.pk, "per": POINTS // RUNS})
    return truth


def measure(slug: str) -> dict[str, Any]:
    from django.db import transaction
    from rest_framework.test import APIClient

    from platform_catalog.models import DuplicatePair
    from platform_catalog.services import tracking
    from platform_catalog.services.coordination import duplicates_compute
    from pods.models import Pod
    from tenancy.models import Membership, Organization

    org = Organization.objects.get(slug=slug)
    admin = Membership.objects.filter(organization=org, role__in=("owner", "admin")).select_related("user").first()
    if admin is None:
        return {"error": f"no admin in {slug}"}
    out: dict[str, Any] = {}
    with transaction.atomic():
        pods = list(Pod.objects.for_org(org).order_by("pk")[:60])
        started = time.perf_counter()
        truth = _seed(org, pods, admin.user, random.Random(11))
        out["seed_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        counts = duplicates_compute(organization=org)
        out["snapshot_seconds"] = round(time.perf_counter() - started, 2)
        found = {(p.entity_kind, p.a_id, p.b_id) for p in DuplicatePair.objects.for_org(org).filter(current=True)}
        planted = {(k, a, b) for k, pairs in truth.items() for a, b in pairs}
        hits = len(found & planted)
        out.update(pairs_found={str(k): v for k, v in counts.items()}, planted=len(planted), true_positives=hits,
                   precision=round(hits / len(found), 3) if found else None,
                   recall=round(hits / len(planted), 3) if planted else None)
        # 1,000 metric points per log-batch through the MLflow API (in-process client), 20 batches.
        exp = tracking.experiment_create(organization=org, actor=admin.user, name="bench log-batch")
        run = tracking.run_create(organization=org, actor=admin.user, experiment=exp)
        client = APIClient()
        client.force_authenticate(user=admin.user)
        path = f"/api/v1/o/{slug}/mlflow/api/2.0/mlflow/runs/log-batch"
        times = []
        for b in range(21):
            body = {"run_id": run.run_uuid, "metrics": [
                {"key": f"m{i % 10}", "value": i * 0.001, "timestamp": 1_780_000_000_000 + i, "step": b * 100 + i // 10}
                for i in range(1000)]}
            started = time.perf_counter()
            r = client.post(path, body, format="json")
            if b:  # the first warms up
                times.append((time.perf_counter() - started) * 1000)
            if r.status_code != 200:
                out["log_batch_error"] = f"{r.status_code} {r.content[:200]!r}"
                break
        if times:
            out["log_batch_ms"] = {"p50": round(statistics.median(times), 1),
                                   "p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 1)}
        transaction.set_rollback(True)
    return out


def report(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"platform catalog: {r['error']}"
    lines = [f"platform catalog ({SIZES['model']} models, {SIZES['component']} components, "
             f"{SIZES['data_product']} data products, {SIZES['experiment']:,} experiments, {RUNS:,} runs, "
             f"{POINTS:,} metric points; seeded in {r['seed_seconds']} s):",
             f"  duplication snapshot: {r['snapshot_seconds']} s (target <= 30 s); pairs per kind {r['pairs_found']}",
             f"  planted pairs: {r['planted']}, found {r['true_positives']}: precision {r['precision']}, "
             f"recall {r['recall']} (target >= 0.9 each)"]
    if "log_batch_ms" in r:
        lines.append(f"  MLflow log-batch of 1,000 metric points: p50 {r['log_batch_ms']['p50']} ms, "
                     f"p95 {r['log_batch_ms']['p95']} ms (target <= 100 ms)")
    if "log_batch_error" in r:
        lines.append(f"  MLflow log-batch failed: {r['log_batch_error']}")
    return "\n".join(lines)


if __name__ == "__main__":  # `python scripts/bench_catalog.py <slug>` against DATABASE_URL
    import os
    import sys

    import django

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    print(report(measure(sys.argv[1] if len(sys.argv) > 1 else "enterprise")))
