"""Experiment tracking writes, with MLflow's rules (the MLflow REST API in `api/mlflow.py` and the
pages both call these): experiment names unique, params immutable once logged, metric history
append-only with each run's latest value per key kept, batch limits of MLflow's LogBatch."""

from __future__ import annotations

import math
import time
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.db import connection

from platform_catalog.models import (
    Experiment,
    LatestMetric,
    LifecycleStage,
    MetricPoint,
    Run,
    RunParam,
    RunStatus,
    RunTag,
)
from platform_catalog.search_index import index_entry
from pods.models import Pod
from tenancy.cache import TRACKING
from tenancy.models import Organization, User
from tenancy.writes import current_write, org_write

MAX_METRICS, MAX_PARAMS, MAX_TAGS, MAX_ENTRIES = 1000, 100, 100, 1000  # MLflow's LogBatch limits
RUN_NAME_TAG = "mlflow.runName"
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def now_ms() -> int:
    return int(time.time() * 1000)


class AlreadyExists(ValidationError):
    """A name already taken (MLflow's RESOURCE_ALREADY_EXISTS)."""


def _key(field: str, value: Any, max_length: int = 250) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({field: "Missing value for required parameter."})
    if len(value) > max_length:
        raise ValidationError({field: f"At most {max_length} characters."})
    return value


@overload
def _int(field: str, value: Any, default: int) -> int: ...
@overload
def _int(field: str, value: Any, default: None = None) -> int | None: ...
def _int(field: str, value: Any, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValidationError({field: "Must be an integer."})
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError({field: "Must be an integer."}) from None
    if not -(2**63) <= number < 2**63:
        raise ValidationError({field: "Must fit in a 64-bit integer."})
    return number


def metric_value(field: str, value: Any) -> float:
    """A number; proto JSON's "NaN", "Infinity" and "-Infinity" strings too (as MLflow accepts)."""
    if isinstance(value, str) and value in NON_FINITE:
        return NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError({field: f"Must be a number, got {value!r}."})
    return float(value)


@org_write.service(TRACKING)
def experiment_create(*, organization: Organization, actor: User | None, name: str, owner_pod: Pod | None = None,
                      description: str = "", tags: dict[str, str] | None = None) -> Experiment:
    w = current_write()
    w.same_org("owner_pod", owner_pod)
    name = _key("name", name).strip()
    if Experiment.objects.for_org(organization).filter(name__iexact=name).exists():
        raise AlreadyExists({"name": f"Experiment '{name}' already exists."})
    ms = now_ms()
    exp = Experiment.objects.create(organization=organization, name=name, owner_pod=owner_pod,
                                    description=description, tags=dict(tags or {}), created_by=actor,
                                    creation_time=ms, last_update_time=ms)
    index_entry("catalog_experiment", exp, title=exp.name, body=description)
    w.audit("tracking.experiment_created", target=exp, after={"name": name, "owner_pod": owner_pod and owner_pod.pk})
    return exp


@org_write.service(TRACKING)
def experiment_set_tag(*, organization: Organization, actor: User | None, experiment: Experiment, key: str,
                       value: str) -> Experiment:
    w = current_write()
    w.same_org("experiment_id", experiment)
    exp = Experiment.objects.for_org(organization).select_for_update().get(pk=experiment.pk)
    exp.tags = {**exp.tags, _key("key", key): str(value)[:5000]}
    exp.last_update_time = now_ms()
    exp.save(update_fields=["tags", "last_update_time"])
    w.audit("tracking.experiment_tagged", target=exp, after={"key": key})
    return exp


@org_write.service(TRACKING)
def experiment_link(*, organization: Organization, actor: User | None, experiment: Experiment,
                    owner_pod: Pod | None = None, model: Any = None, data_products: list[Any] | None = None,
                    description: str | None = None) -> Experiment:
    """Link an experiment to its pod, catalog model and data products (from the pages)."""
    w = current_write()
    w.same_org("experiment", experiment)
    w.same_org("owner_pod", owner_pod)
    w.same_org("model", model)
    w.same_org("data_products", *(data_products or []))
    exp = Experiment.objects.for_org(organization).select_for_update().get(pk=experiment.pk)
    before = {"owner_pod": exp.owner_pod_id, "model": exp.model_id}
    exp.owner_pod, exp.model = owner_pod, model
    if description is not None:
        exp.description = description.strip()
    exp.last_update_time = now_ms()
    exp.save()
    if data_products is not None:
        exp.data_products.set(data_products)
    w.audit("tracking.experiment_linked", target=exp, before=before,
            after={"owner_pod": exp.owner_pod_id, "model": exp.model_id,
                   "data_products": [d.pk for d in data_products or []]})
    return exp


@org_write.service(TRACKING)
def run_create(*, organization: Organization, actor: User | None, experiment: Experiment, run_name: str = "",
               user_id: str = "", start_time: int | None = None, tags: list[dict[str, Any]] | None = None) -> Run:
    w = current_write()
    w.same_org("experiment_id", experiment)
    if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
        raise ValidationError({"experiment_id": "The experiment is deleted."})
    tag_map = _tags(tags or [])
    run_name = (run_name or tag_map.get(RUN_NAME_TAG, "") or "").strip()[:250]
    run = Run.objects.create(organization=organization, experiment=experiment, run_name=run_name,
                             user_id=(user_id or (actor.email if actor else ""))[:250],
                             start_time=_int("start_time", start_time, now_ms()), created_by=actor)
    if run_name:
        tag_map[RUN_NAME_TAG] = run_name
    RunTag.objects.bulk_create([RunTag(organization=organization, run=run, key=k, value=v) for k, v in tag_map.items()])
    w.audit("tracking.run_created", target=run, target_repr=f"{experiment} · {run}",
            after={"experiment": experiment.pk, "run_id": run.run_uuid})
    return run


def _locked_run(organization: Organization, run: Run) -> Run:
    run = Run.objects.for_org(organization).select_for_update().get(pk=run.pk)
    if run.lifecycle_stage != LifecycleStage.ACTIVE:
        raise ValidationError({"run_id": f"The run '{run.run_uuid}' must be in the 'active' state."})
    return run


@org_write.service(TRACKING)
def run_update(*, organization: Organization, actor: User | None, run: Run, status: str | None = None,
               end_time: Any = None, run_name: str | None = None) -> Run:
    w = current_write()
    w.same_org("run_id", run)
    run = _locked_run(organization, run)
    before = {"status": run.status, "end_time": run.end_time, "run_name": run.run_name}
    if status:
        if status not in RunStatus.values:
            raise ValidationError({"status": f"Unknown status '{status}': use one of {', '.join(RunStatus.values)}."})
        run.status = status
    if end_time not in (None, ""):
        run.end_time = _int("end_time", end_time)
    if run_name:
        run.run_name = run_name[:250]
        RunTag.objects.update_or_create(organization=organization, run=run, key=RUN_NAME_TAG,
                                        defaults={"value": run.run_name})
    run.save()
    w.audit("tracking.run_updated", target=run, before=before,
            after={"status": run.status, "end_time": run.end_time, "run_name": run.run_name})
    return run


@org_write.service(TRACKING)
def run_delete(*, organization: Organization, actor: User | None, run: Run) -> Run:
    w = current_write()
    w.same_org("run_id", run)
    run = Run.objects.for_org(organization).select_for_update().get(pk=run.pk)
    run.lifecycle_stage = LifecycleStage.DELETED
    run.save(update_fields=["lifecycle_stage"])
    w.audit("tracking.run_deleted", target=run)
    return run


def _tags(raw: list[dict[str, Any]], field: str = "tags") -> dict[str, str]:
    out = {}
    for t in raw:
        if not isinstance(t, dict):
            raise ValidationError({field: "Each tag is an object with key and value."})
        out[_key(f"{field}.key", t.get("key"))] = str(t.get("value") if t.get("value") is not None else "")[:8000]
    return out


def _metrics(raw: list[dict[str, Any]]) -> list[tuple[str, float, int, int]]:
    out = []
    for m in raw:
        if not isinstance(m, dict):
            raise ValidationError({"metrics": "Each metric is an object with key, value, timestamp and step."})
        out.append((_key("metrics.key", m.get("key")), metric_value("metrics.value", m.get("value")),
                    _int("metrics.timestamp", m.get("timestamp"), now_ms()), _int("metrics.step", m.get("step"), 0)))
    return out


def _points_insert(organization: Organization, run: Run, points: list[tuple[str, float, int, int]]) -> None:
    """The history rows of a batch in one statement over arrays: a 1,000-point batch is one round
    trip without building 1,000 model instances (the ORM's bulk_create took most of its time)."""
    keys, values, stamps, steps = (list(col) for col in zip(*points, strict=True))
    with connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO {MetricPoint._meta.db_table} (organization_id, run_id, key, value, timestamp, step)
            SELECT %s, %s, u.k, u.v, u.t, u.s
            FROM unnest(%s::varchar[], %s::float8[], %s::bigint[], %s::bigint[]) WITH ORDINALITY AS u(k, v, t, s, n)
            ORDER BY u.n""", [organization.pk, run.pk, keys, values, stamps, steps])


def _order(value: float) -> float:
    # MLflow orders NaN above every number when choosing the latest value.
    return math.inf if math.isnan(value) else value


@org_write.service(TRACKING)
def run_log_batch(*, organization: Organization, actor: User | None, run: Run, metrics: list[dict[str, Any]] | None = None,
                  params: list[dict[str, Any]] | None = None, tags: list[dict[str, Any]] | None = None) -> None:
    """Log metrics, params and tags in one transaction (a constant number of queries per batch).

    Params are immutable: logging a key again with another value is refused (as in MLflow)."""
    metrics, params, tags = metrics or [], params or [], tags or []
    for field, items, limit in (("metrics", metrics, MAX_METRICS), ("params", params, MAX_PARAMS),
                                ("tags", tags, MAX_TAGS)):
        if not isinstance(items, list):
            raise ValidationError({field: "Must be a list."})
        if len(items) > limit:
            raise ValidationError({field: f"A batch logs at most {limit} {field}, got {len(items)}."})
    if len(metrics) + len(params) + len(tags) > MAX_ENTRIES:
        raise ValidationError({"metrics": f"A batch logs at most {MAX_ENTRIES} entries in total."})
    points = _metrics(metrics)
    param_map: dict[str, str] = {}
    for p in params:
        if not isinstance(p, dict):
            raise ValidationError({"params": "Each param is an object with key and value."})
        key, value = _key("params.key", p.get("key")), str(p.get("value") if p.get("value") is not None else "")
        if len(value) > 6000:
            raise ValidationError({"params.value": f"Param '{key}' is longer than 6000 characters."})
        if param_map.get(key, value) != value:
            raise ValidationError({"params": f"Duplicate param key '{key}' with different values."})
        param_map[key] = value
    tag_map = _tags(tags)
    w = current_write()
    w.same_org("run_id", run)
    run = _locked_run(organization, run)
    if param_map:
        existing = dict(RunParam.objects.for_org(organization).filter(run=run, key__in=param_map)
                        .values_list("key", "value"))
        for key, value in param_map.items():
            if key in existing and existing[key] != value:
                raise ValidationError({"params": f"Changing param values is not allowed. Param with key='{key}' "
                                                 f"was already logged with value='{existing[key]}' for run ID="
                                                 f"'{run.run_uuid}'. Attempted logging new value '{value}'."})
        RunParam.objects.bulk_create([RunParam(organization=organization, run=run, key=k, value=v)
                                      for k, v in param_map.items() if k not in existing])
    if tag_map:
        RunTag.objects.bulk_create([RunTag(organization=organization, run=run, key=k, value=v)
                                    for k, v in tag_map.items()],
                                   update_conflicts=True, unique_fields=["organization", "run", "key"],
                                   update_fields=["value"])
        if RUN_NAME_TAG in tag_map:
            run.run_name = tag_map[RUN_NAME_TAG][:250]
            run.save(update_fields=["run_name"])
    if points:
        _points_insert(organization, run, points)
        best: dict[str, tuple[str, float, int, int]] = {}
        for point in points:
            cur = best.get(point[0])
            if cur is None or (point[3], point[2], _order(point[1])) >= (cur[3], cur[2], _order(cur[1])):
                best[point[0]] = point
        latest = {m.key: m for m in LatestMetric.objects.for_org(organization).filter(run=run, key__in=best)}
        new, changed = [], []
        for key, (_k, number, ts, step) in best.items():
            row = latest.get(key)
            if row is None:
                new.append(LatestMetric(organization=organization, run=run, key=key, value=number, timestamp=ts,
                                        step=step))
            elif (step, ts, _order(number)) >= (row.step, row.timestamp, _order(row.value)):
                row.value, row.timestamp, row.step = number, ts, step
                changed.append(row)
        LatestMetric.objects.bulk_create(new)
        LatestMetric.objects.for_org(organization).bulk_update(changed, ["value", "timestamp", "step"], batch_size=500)
    # One audit event per batch (not per point): who logged how much to which run.
    w.audit("tracking.run_logged", target=run,
            after={"metrics": len(points), "params": sorted(param_map), "tags": sorted(tag_map)})
