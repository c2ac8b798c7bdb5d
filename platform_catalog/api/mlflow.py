"""The part of MLflow's tracking REST API (2.0) that the official client uses for experiments,
runs, params, metrics and tags, at `/api/v1/o/<org>/mlflow/api/2.0/mlflow/…`.

Point the client at `MLFLOW_TRACKING_URI=https://<podium>/api/v1/o/<org>/mlflow` with
`MLFLOW_TRACKING_TOKEN=<a Podium API token of that org>`: the client sends the token as
`Authorization: Bearer <token>`, which Podium's token authentication reads; the URL names the
tenant, and a token of another organization answers 404. Bodies, responses and errors follow
mlflow/protos/service.proto: proto field names, int64 as JSON numbers, errors as
`{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "…"}` with MLflow's HTTP statuses.
Artifacts are not stored by Podium: the artifact endpoints answer NOT_IMPLEMENTED.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.views import APIView

from platform_catalog import tracking_selectors as selectors
from platform_catalog.models import Experiment, Run
from platform_catalog.services import tracking as services
from tenancy.api.base import OrgAPIMixin
from tenancy.permissions import can

STATUS = {"INVALID_PARAMETER_VALUE": 400, "RESOURCE_ALREADY_EXISTS": 400, "BAD_REQUEST": 400,
          "RESOURCE_DOES_NOT_EXIST": 404, "ENDPOINT_NOT_FOUND": 404, "PERMISSION_DENIED": 403,
          "UNAUTHENTICATED": 401, "NOT_IMPLEMENTED": 501, "INTERNAL_ERROR": 500}
SEARCH_MAX_RESULTS = 50000  # MLflow's own ceiling for search_runs
ARTIFACTS_MESSAGE = ("Podium tracks experiments, runs, params, metrics and tags; it does not store artifacts. "
                     "Keep artifacts in your own store (S3, GCS, a file share) and log their location as a tag.")


class MlflowError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def error(code: str, message: str) -> JsonResponse:
    return JsonResponse({"error_code": code, "message": message}, status=STATUS.get(code, 400))


def _experiment_json(exp: Experiment) -> dict[str, Any]:
    return {"experiment_id": str(exp.pk), "name": exp.name, "artifact_location": f"mlflow-artifacts:/{exp.pk}",
            "lifecycle_stage": exp.lifecycle_stage, "creation_time": exp.creation_time,
            "last_update_time": exp.last_update_time,
            "tags": [{"key": k, "value": v} for k, v in sorted(exp.tags.items())]}


def _run_info(run: Run) -> dict[str, Any]:
    info = {"run_id": run.run_uuid, "run_uuid": run.run_uuid, "run_name": run.run_name,
            "experiment_id": str(run.experiment_id), "user_id": run.user_id, "status": run.status,
            "start_time": run.start_time, "lifecycle_stage": run.lifecycle_stage,
            # The artifacts proxy scheme: the client then calls our artifact endpoints, which say
            # clearly that Podium stores no artifacts (rather than writing to a local folder).
            "artifact_uri": f"mlflow-artifacts:/{run.experiment_id}/{run.run_uuid}/artifacts"}
    if run.end_time is not None:
        info["end_time"] = run.end_time
    return info


def _metric_json(m: Any) -> dict[str, Any]:
    return {"key": m.key, "value": m.value, "timestamp": m.timestamp, "step": m.step}


def run_json(run: Run) -> dict[str, Any]:
    """A run as MLflow's `Run` message: info, data (latest metrics, params, tags), inputs."""
    return {"info": _run_info(run), "data": {
        "metrics": [_metric_json(m) for m in run.latest_metrics.all()],
        "params": [{"key": p.key, "value": p.value} for p in run.params.all()],
        "tags": [{"key": t.key, "value": t.value} for t in run.tags.all()]}, "inputs": {}}


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(token: Any) -> int:
    if not token:
        return 0
    try:
        offset = int(json.loads(base64.urlsafe_b64decode(str(token).encode()))["offset"])
    except (ValueError, KeyError, TypeError):
        raise MlflowError("INVALID_PARAMETER_VALUE", "Invalid page token.") from None
    if offset < 0:
        raise MlflowError("INVALID_PARAMETER_VALUE", "Invalid page token.")
    return offset


def paged(qs: Any, token: Any, max_results: int, name: str, to_json: Callable[[Any], dict[str, Any]]
          ) -> dict[str, Any]:
    """One page of `qs` as `{name: [...], "next_page_token": …}` (the token only when more remain)."""
    offset = _offset(token)
    page = list(qs[offset:offset + max_results + 1])
    out: dict[str, Any] = {name: [to_json(x) for x in page[:max_results]]}
    if len(page) > max_results:
        out["next_page_token"] = _token(offset + max_results)
    return out


class MlflowView(OrgAPIMixin, APIView):
    """Base of the MLflow endpoints: parameters from the query (GET) or JSON body (POST),
    MLflow's error format for every failure, the organization from the URL."""

    http_method: str = "POST"
    parser_classes = [JSONParser]
    handler: Callable[[MlflowView, dict[str, Any]], dict[str, Any]]

    def params(self, request: Request) -> dict[str, Any]:
        if request.method == "GET":
            out: dict[str, Any] = {}
            for key in request.query_params:
                values = request.query_params.getlist(key)
                out[key] = values if len(values) > 1 or key.endswith("_ids") else values[0]
            return out
        data = request.data
        if not isinstance(data, dict):
            raise MlflowError("BAD_REQUEST", "The body must be a JSON object.")
        return data

    def _serve(self, request: Request) -> JsonResponse:
        return JsonResponse(type(self).handler(self, self.params(request)))  # a plain function on the class

    def get(self, request: Request, **kwargs: Any) -> JsonResponse:
        if self.http_method != "GET":
            return error("ENDPOINT_NOT_FOUND", f"This endpoint takes {self.http_method}.")
        return self._serve(request)

    def post(self, request: Request, **kwargs: Any) -> JsonResponse:
        if self.http_method != "POST":
            return error("ENDPOINT_NOT_FOUND", f"This endpoint takes {self.http_method}.")
        return self._serve(request)

    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]  # MLflow's JSON, not DRF's
        if isinstance(exc, MlflowError):
            return error(exc.code, exc.message)
        if isinstance(exc, services.AlreadyExists):
            return error("RESOURCE_ALREADY_EXISTS", " ".join(m for ms in exc.message_dict.values() for m in ms))
        if isinstance(exc, ValidationError):
            parts = [f"{f}: {m}" for f, ms in exc.message_dict.items() for m in ms] if hasattr(exc, "error_dict") \
                else exc.messages
            return error("INVALID_PARAMETER_VALUE", "; ".join(parts))
        if isinstance(exc, (Experiment.DoesNotExist, Run.DoesNotExist)):
            return error("RESOURCE_DOES_NOT_EXIST", str(exc) or "Not found.")
        if isinstance(exc, Http404):
            return error("RESOURCE_DOES_NOT_EXIST", "No such organization for this token.")
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            return error("UNAUTHENTICATED", f"{exc.detail} Set MLFLOW_TRACKING_TOKEN to a Podium API token.")
        if isinstance(exc, exceptions.PermissionDenied):
            return error("PERMISSION_DENIED", str(exc.detail))
        if isinstance(exc, exceptions.ParseError):
            return error("BAD_REQUEST", f"Malformed JSON body: {exc.detail}")
        if isinstance(exc, exceptions.UnsupportedMediaType):
            return error("BAD_REQUEST", "Send the body as application/json.")
        if isinstance(exc, IntegrityError):
            return error("RESOURCE_ALREADY_EXISTS", "A concurrent request wrote the same entry.")
        if isinstance(exc, exceptions.MethodNotAllowed):
            return JsonResponse({"error_code": "BAD_REQUEST", "message": str(exc.detail)}, status=405)
        return super().handle_exception(exc)

    # --- look-ups ---------------------------------------------------------------------------------

    def experiment(self, experiment_id: Any) -> Experiment:
        if experiment_id in (None, ""):
            raise MlflowError("INVALID_PARAMETER_VALUE", "Missing value for required parameter 'experiment_id'.")
        try:
            return selectors.experiment_by_id(organization=self.organization, experiment_id=experiment_id)
        except Experiment.DoesNotExist:
            raise MlflowError("RESOURCE_DOES_NOT_EXIST", f"No Experiment with id={experiment_id} exists") from None

    def run(self, p: dict[str, Any], *, write: bool = False) -> Run:
        run_id = p.get("run_id") or p.get("run_uuid")
        if not run_id:
            raise MlflowError("INVALID_PARAMETER_VALUE", "Missing value for required parameter 'run_id'.")
        try:
            run = selectors.run_by_uuid(organization=self.organization, run_id=run_id)
        except Run.DoesNotExist:
            raise MlflowError("RESOURCE_DOES_NOT_EXIST", f"Run '{run_id}' not found") from None
        if write and not can(self.membership, "catalog.log_to_run", run):
            raise MlflowError("PERMISSION_DENIED", "Only the run's creator or an admin logs to this run.")
        return run

    def actor(self) -> Any:
        return self.request.user


def endpoint(method: str) -> Callable[[Callable[..., dict[str, Any]]], type[MlflowView]]:
    """Make a view class from a handler `(view, params) -> response dict`."""

    def wrap(fn: Callable[..., dict[str, Any]]) -> type[MlflowView]:
        view = extend_schema(exclude=True)(type(fn.__name__, (MlflowView,), {"http_method": method, "handler": fn,
                                                                            "__doc__": fn.__doc__}))
        return view

    return wrap


@endpoint("POST")
def CreateExperiment(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    tags = {t.get("key", ""): t.get("value", "") for t in p.get("tags") or [] if isinstance(t, dict)}
    exp = services.experiment_create(organization=self.organization, actor=self.actor(), name=p.get("name", ""),
                                     tags=tags)
    return {"experiment_id": str(exp.pk)}


@endpoint("GET")
def GetExperiment(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    return {"experiment": _experiment_json(self.experiment(p.get("experiment_id")))}


@endpoint("GET")
def GetExperimentByName(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    name = p.get("experiment_name")
    if not name:
        raise MlflowError("INVALID_PARAMETER_VALUE", "Missing value for required parameter 'experiment_name'.")
    try:
        exp = selectors.experiment_by_name(organization=self.organization, name=name)
    except Experiment.DoesNotExist:
        raise MlflowError("RESOURCE_DOES_NOT_EXIST", f"Could not find experiment with name '{name}'") from None
    return {"experiment": _experiment_json(exp)}


@endpoint("POST")
def SearchExperiments(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    max_results = services._int("max_results", p.get("max_results"), 1000) or 1000
    qs = selectors.experiment_search(organization=self.organization, view_type=str(p.get("view_type") or "ACTIVE_ONLY"))
    return paged(qs, p.get("page_token"), max_results, "experiments", _experiment_json)


@endpoint("POST")
def SetExperimentTag(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    services.experiment_set_tag(organization=self.organization, actor=self.actor(),
                                experiment=self.experiment(p.get("experiment_id")), key=p.get("key", ""),
                                value=p.get("value", ""))
    return {}


@endpoint("POST")
def CreateRun(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    exp = self.experiment(p.get("experiment_id"))
    tags = p.get("tags") or []
    if not isinstance(tags, list):
        raise MlflowError("INVALID_PARAMETER_VALUE", "tags: must be a list of {key, value}.")
    run = services.run_create(organization=self.organization, actor=self.actor(), experiment=exp,
                              run_name=p.get("run_name") or "", user_id=p.get("user_id") or "",
                              start_time=p.get("start_time"), tags=tags)
    return {"run": run_json(selectors.run_by_uuid(organization=self.organization, run_id=run.run_uuid))}


@endpoint("POST")
def UpdateRun(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    run = services.run_update(organization=self.organization, actor=self.actor(), run=self.run(p, write=True),
                              status=p.get("status"), end_time=p.get("end_time"), run_name=p.get("run_name"))
    return {"run_info": _run_info(run)}


@endpoint("POST")
def DeleteRun(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    services.run_delete(organization=self.organization, actor=self.actor(), run=self.run(p, write=True))
    return {}


@endpoint("GET")
def GetRun(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    return {"run": run_json(self.run(p))}


def _log(self: MlflowView, p: dict[str, Any], **batch: Any) -> dict[str, Any]:
    services.run_log_batch(organization=self.organization, actor=self.actor(), run=self.run(p, write=True), **batch)
    return {}


@endpoint("POST")
def LogMetric(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    if "value" not in p:
        raise MlflowError("INVALID_PARAMETER_VALUE", "Missing value for required parameter 'value'.")
    return _log(self, p, metrics=[{k: p.get(k) for k in ("key", "value", "timestamp", "step")}])


@endpoint("POST")
def LogParam(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    return _log(self, p, params=[{"key": p.get("key"), "value": p.get("value")}])


@endpoint("POST")
def SetTag(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    return _log(self, p, tags=[{"key": p.get("key"), "value": p.get("value")}])


@endpoint("POST")
def LogBatch(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    return _log(self, p, metrics=p.get("metrics") or [], params=p.get("params") or [], tags=p.get("tags") or [])


@endpoint("POST")
def SearchRuns(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    max_results = services._int("max_results", p.get("max_results"), 1000) or 1000
    if not 0 < max_results <= SEARCH_MAX_RESULTS:
        raise MlflowError("INVALID_PARAMETER_VALUE",
                          f"Invalid value {max_results} for parameter 'max_results' supplied. It must be at most "
                          f"{SEARCH_MAX_RESULTS}.")
    ids = p.get("experiment_ids") or []
    ids = [ids] if isinstance(ids, (str, int)) else ids
    order_by = p.get("order_by") or []
    order_by = [order_by] if isinstance(order_by, str) else order_by
    qs = selectors.search_runs(organization=self.organization, experiment_ids=ids,
                               filter_text=str(p.get("filter") or ""),
                               view_type=str(p.get("run_view_type") or "ACTIVE_ONLY"), order_by=order_by)
    return paged(qs, p.get("page_token"), max_results, "runs", run_json)


@endpoint("GET")
def GetMetricHistory(self: MlflowView, p: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    key = p.get("metric_key")
    if not key:
        raise MlflowError("INVALID_PARAMETER_VALUE", "Missing value for required parameter 'metric_key'.")
    run = self.run(p)
    max_results = services._int("max_results", p.get("max_results"), None)
    qs = selectors.metric_history(organization=self.organization, run=run, key=key)
    if max_results is None:
        return {"metrics": [_metric_json(m) for m in qs]}
    return paged(qs, p.get("page_token"), max_results, "metrics", _metric_json)


@extend_schema(exclude=True)
class NotImplementedView(MlflowView):
    """Artifacts and the rest of MLflow's API: a clear NOT_IMPLEMENTED, not a silent 404."""

    def _serve(self, request: Request) -> JsonResponse:
        name = self.kwargs.get("rest", "")
        if "artifact" in name:
            return error("NOT_IMPLEMENTED", ARTIFACTS_MESSAGE)
        return error("ENDPOINT_NOT_FOUND", f"Podium does not implement MLflow's '{name}' endpoint: it speaks the "
                                           "tracking API for experiments, runs, params, metrics and tags.")

    def get(self, request: Request, **kwargs: Any) -> JsonResponse:
        return self._serve(request)

    def post(self, request: Request, **kwargs: Any) -> JsonResponse:
        return self._serve(request)

    def put(self, request: Request, **kwargs: Any) -> JsonResponse:
        return self._serve(request)

    def delete(self, request: Request, **kwargs: Any) -> JsonResponse:
        return self._serve(request)


ROUTES = {
    "experiments/create": CreateExperiment, "experiments/get": GetExperiment,
    "experiments/get-by-name": GetExperimentByName, "experiments/search": SearchExperiments,
    "experiments/set-experiment-tag": SetExperimentTag,
    "runs/create": CreateRun, "runs/update": UpdateRun, "runs/delete": DeleteRun, "runs/get": GetRun,
    "runs/log-metric": LogMetric, "runs/log-parameter": LogParam, "runs/set-tag": SetTag,
    "runs/log-batch": LogBatch, "runs/search": SearchRuns, "metrics/get-history": GetMetricHistory,
}
PREFIX = "mlflow/api/2.0/mlflow/"
urlpatterns = [
    *[path(PREFIX + route, view.as_view(), name="mlflow-" + route.replace("/", "-"))
      for route, view in ROUTES.items()],
    path("mlflow/api/2.0/<path:rest>", NotImplementedView.as_view(), name="mlflow-unsupported"),
]
