"""Reads of experiment tracking: runs with their data in a constant number of queries, MLflow's
search filter (`metrics.auc > 0.9 and params.lr = '0.1' and tags.team = 'x'`), metric history."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from platform_catalog.models import (
    DataProduct,
    Experiment,
    LatestMetric,
    LifecycleStage,
    MetricPoint,
    Run,
    RunParam,
    RunTag,
)
from tenancy.models import Organization

VIEW_TYPES = {"ACTIVE_ONLY": [LifecycleStage.ACTIVE], "DELETED_ONLY": [LifecycleStage.DELETED],
              "ALL": [LifecycleStage.ACTIVE, LifecycleStage.DELETED], "1": [LifecycleStage.ACTIVE],
              "2": [LifecycleStage.DELETED], "3": [LifecycleStage.ACTIVE, LifecycleStage.DELETED]}


def experiment_search(*, organization: Organization, view_type: str = "ACTIVE_ONLY", q: str = "",
                pod: Any = None) -> QuerySet[Experiment]:
    qs = Experiment.objects.for_org(organization).select_related("owner_pod", "model")
    qs = qs.filter(lifecycle_stage__in=VIEW_TYPES.get(str(view_type), VIEW_TYPES["ACTIVE_ONLY"]))
    if q:
        qs = qs.filter(name__icontains=q)
    if pod:
        qs = qs.filter(owner_pod_id=pod)
    return qs.order_by("name", "id")


def experiment_list(*, organization: Organization, q: str = "", pod: Any = None, model: Any = None,
                    data_product: Any = None) -> QuerySet[Experiment]:
    """Active experiments with their links and run count (the catalog API): three queries a page."""
    qs = experiment_search(organization=organization, q=q, pod=pod).prefetch_related(
        Prefetch("data_products", queryset=DataProduct.objects.for_org(organization).only("id")))
    if model:
        qs = qs.filter(model_id=model)
    if data_product:
        qs = qs.filter(data_products__id=data_product)
    # A count per row of the page (not a GROUP BY over every run of the org, 100,000 at enterprise size).
    runs = (Run.objects.for_org(organization).filter(experiment=OuterRef("pk"), lifecycle_stage=LifecycleStage.ACTIVE)
            .order_by().values("experiment").annotate(n=Count("*")).values("n"))
    return qs.annotate(run_count=Coalesce(Subquery(runs), 0))


def linked_experiments(*, organization: Organization, model: Any = None, data_product: Any = None,
                       limit: int = 20) -> list[Experiment]:
    """Experiments linked to a catalog model or data product (their detail pages show the name,
    pod and run count, so the data products of each are not fetched)."""
    return list(experiment_list(organization=organization, model=getattr(model, "pk", None),
                                data_product=getattr(data_product, "pk", None)).prefetch_related(None)[:limit])


def experiment_by_id(*, organization: Organization, experiment_id: Any) -> Experiment:
    try:
        pk = int(experiment_id)
    except (TypeError, ValueError):
        raise Experiment.DoesNotExist from None
    return Experiment.objects.for_org(organization).select_related("owner_pod", "model").get(pk=pk)


def experiment_by_name(*, organization: Organization, name: str) -> Experiment:
    return Experiment.objects.for_org(organization).select_related("owner_pod").get(name__iexact=(name or "").strip())


def run_data_prefetch(qs: QuerySet[Run]) -> QuerySet[Run]:
    """Runs with params, tags and latest metrics prefetched: 4 queries for any number of runs."""
    return qs.select_related("experiment").prefetch_related(
        Prefetch("params", queryset=RunParam.unscoped.order_by("key")),  # unscoped: filtered by the runs
        Prefetch("tags", queryset=RunTag.unscoped.order_by("key")),  # unscoped: filtered by the runs
        Prefetch("latest_metrics", queryset=LatestMetric.unscoped.order_by("key")),  # unscoped: by the runs
    )


def run_by_uuid(*, organization: Organization, run_id: Any) -> Run:
    return run_data_prefetch(Run.objects.for_org(organization)).get(run_uuid=str(run_id or ""))


def experiment_runs(*, organization: Organization, experiment: Experiment) -> QuerySet[Run]:
    return run_data_prefetch(Run.objects.for_org(organization).filter(experiment=experiment,
                                                             lifecycle_stage=LifecycleStage.ACTIVE))


def metric_history(*, organization: Organization, run: Run, key: str) -> QuerySet[MetricPoint]:
    return MetricPoint.objects.for_org(organization).filter(run=run, key=key).order_by("step", "timestamp", "id")


# --- MLflow's search filter -------------------------------------------------------------------------

_CLAUSE = re.compile(
    r"""\s*(?P<ident>(?:(?:metrics?|params?|parameters?|tags?|attributes?|attr|run)\.)?
        (?:`[^`]+`|"[^"]+"|[\w.\-/ ]+?))\s*
        (?P<op>>=|<=|!=|=|>|<|(?:NOT\s+)?I?LIKE|(?:NOT\s+)?IN)\s*
        (?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\([^)]*\)|[-+\w.]+)\s*$""", re.I | re.X)
_NUM_OPS = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "=": "exact"}
_ATTRS = {"status": "status", "run_name": "run_name", "start_time": "start_time", "end_time": "end_time",
          "run_id": "run_uuid", "user_id": "user_id", "created": "start_time", "Created": "start_time"}


def _unquote(v: str) -> str:
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"`":
        return v[1:-1]
    return v


def _split_and(text: str) -> list[str]:
    parts, depth, quote, cur = [], 0, "", ""
    tokens = re.split(r"(\s+and\s+)", text, flags=re.I)
    for tok in tokens:
        if re.fullmatch(r"\s+and\s+", tok, flags=re.I) and not quote and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        for ch in tok:
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "'\"`":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
        cur += tok
    parts.append(cur)
    return [p for p in (s.strip() for s in parts) if p]


def _string_q(field: str, op: str, value: str) -> Q:
    op = op.upper()
    if op == "=":
        return Q(**{field: value})
    if op == "!=":
        return ~Q(**{field: value})
    if op.endswith("IN"):
        values = [_unquote(v.strip()) for v in value.strip("()").split(",") if v.strip()]
        q = Q(**{f"{field}__in": values})
        return ~q if op.startswith("NOT") else q
    pattern = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in value)
    lookup = "iregex" if "ILIKE" in op else "regex"
    q = Q(**{f"{field}__{lookup}": f"^{pattern}$"})
    return ~q if op.startswith("NOT") else q


def filter_q(organization: Organization, text: str) -> Q:
    """MLflow's search syntax (AND of comparisons) as a Q over Run; a bad clause names `filter`."""
    q = Q()
    for clause in _split_and(text or ""):
        m = _CLAUSE.match(clause)
        if not m:
            raise ValidationError({"filter": f"Invalid clause '{clause}'."})
        ident, op, raw = m["ident"].strip(), m["op"], m["value"]
        kind, _, name = ident.partition(".") if "." in ident and ident.split(".")[0].lower() in (
            "metric", "metrics", "param", "params", "parameter", "parameters", "tag", "tags", "attribute",
            "attributes", "attr", "run") else ("attributes", "", ident)
        kind, name = kind.lower(), _unquote(name)
        value = _unquote(raw)
        if kind.startswith("metric"):
            try:
                number = float(value)
            except ValueError:
                raise ValidationError({"filter": f"Expected a number for metric '{name}', got '{value}'."}) from None
            if op not in _NUM_OPS and op != "!=":
                raise ValidationError({"filter": f"Operator '{op}' does not apply to metrics."})
            rows = LatestMetric.objects.for_org(organization).filter(run=OuterRef("pk"), key=name)
            rows = rows.exclude(value=number) if op == "!=" else rows.filter(**{f"value__{_NUM_OPS[op]}": number})
            q &= Q(Exists(rows))
        elif kind.startswith(("param", "tag")):
            table = RunParam if kind.startswith("param") else RunTag
            values = table.objects.for_org(organization).filter(run=OuterRef("pk"), key=name).values("value")[:1]
            q &= Q(pk__in=Run.objects.for_org(organization).annotate(v=Subquery(values))
                   .filter(_string_q("v", op, value)).values("pk"))
        else:
            field = _ATTRS.get(name)
            if field is None:
                raise ValidationError({"filter": f"Invalid attribute key '{name}'."})
            if field in ("start_time", "end_time"):
                if op not in _NUM_OPS and op != "!=":
                    raise ValidationError({"filter": f"Operator '{op}' does not apply to {name}."})
                try:
                    number = int(float(value))
                except ValueError:
                    raise ValidationError({"filter": f"Expected a number for {name}."}) from None
                cmp = Q(**{f"{field}__{_NUM_OPS.get(op, 'exact')}": number})
                q &= ~cmp if op == "!=" else cmp
            else:
                q &= _string_q(field, op, value)
    return q


_ORDER = re.compile(r"^\s*(?P<kind>metrics?|params?|tags?|attributes?|attr)?\.?(?P<name>`[^`]+`|[\w.\-]+)"
                    r"(?:\s+(?P<dir>ASC|DESC))?\s*$", re.I)


def order_fields(organization: Organization, qs: QuerySet[Run], order_by: list[str]) -> QuerySet[Run]:
    fields: list[Any] = []
    for i, spec in enumerate(order_by or []):
        m = _ORDER.match(spec or "")
        if not m:
            raise ValidationError({"order_by": f"Invalid order_by clause '{spec}'."})
        kind, name, desc = (m["kind"] or "attributes").lower(), _unquote(m["name"]), (m["dir"] or "ASC").upper() == "DESC"
        if kind.startswith(("metric", "param", "tag")):
            table: Any = {"m": LatestMetric, "p": RunParam, "t": RunTag}[kind[0]]  # each has run, key, value
            alias = f"_order{i}"
            qs = qs.annotate(**{alias: Subquery(table.objects.for_org(organization)
                                               .filter(run=OuterRef("pk"), key=name).values("value")[:1])})
            expr: Any = alias
        else:
            expr = _ATTRS.get(name)
            if expr is None:
                raise ValidationError({"order_by": f"Invalid order_by key '{name}'."})
        fields.append(F(expr).desc(nulls_last=True) if desc else F(expr).asc(nulls_last=True))
    fields += [F("start_time").desc(nulls_last=True), F("id").desc()]
    return qs.order_by(*fields)


def search_runs(*, organization: Organization, experiment_ids: list[Any], filter_text: str = "",
                view_type: str = "ACTIVE_ONLY", order_by: list[str] | None = None) -> QuerySet[Run]:
    ids = []
    for e in experiment_ids or []:
        try:
            ids.append(int(e))
        except (TypeError, ValueError):
            raise ValidationError({"experiment_ids": f"Invalid experiment id '{e}'."}) from None
    qs = Run.objects.for_org(organization).filter(experiment_id__in=ids,
                                                  lifecycle_stage__in=VIEW_TYPES.get(str(view_type),
                                                                                     VIEW_TYPES["ACTIVE_ONLY"]))
    qs = qs.filter(filter_q(organization, filter_text))
    return run_data_prefetch(order_fields(organization, qs, order_by or []))
