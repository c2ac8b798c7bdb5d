"""The official MLflow client (mlflow-skinny) logs to Podium through a live server."""

from __future__ import annotations

import pytest

from platform_catalog.models import Experiment, MetricPoint, Run
from tenancy import services as tenancy_services
from tenancy.models import AuditEvent
from tests.factories import OrganizationFactory, member

mlflow = pytest.importorskip("mlflow")
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402


@pytest.fixture
def tracking(live_server, monkeypatch, transactional_db):
    """MLFLOW_TRACKING_URI at the organization's endpoint, MLFLOW_TRACKING_TOKEN a Podium token."""
    org = OrganizationFactory()
    m = member(org)
    _token, raw = tenancy_services.api_token_create(organization=org, actor=m.user, name="mlflow")
    uri = f"{live_server.url}/api/v1/o/{org.slug}/mlflow"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", raw)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    mlflow.set_tracking_uri(uri)
    yield org, m, uri
    if mlflow.active_run():
        mlflow.end_run()


def test_round_trip_with_the_real_client(tracking):
    org, m, _uri = tracking
    exp = mlflow.set_experiment("churn-model")  # get-by-name (404) then create
    assert Experiment.objects.for_org(org).get(pk=int(exp.experiment_id)).name == "churn-model"
    assert mlflow.set_experiment("churn-model").experiment_id == exp.experiment_id  # found by name now
    with mlflow.start_run(run_name="baseline") as run:
        mlflow.log_param("lr", 0.1)
        mlflow.log_params({"depth": 6, "estimators": 200})
        for step, auc in enumerate([0.71, 0.78, 0.83]):
            mlflow.log_metric("auc", auc, step=step)
        mlflow.log_metrics({"loss": 0.4, "precision": 0.8}, step=2)
        mlflow.set_tag("team", "retention")
        run_id = run.info.run_id
    client = MlflowClient()
    got = client.get_run(run_id)
    assert got.info.status == "FINISHED" and got.info.end_time is not None
    assert got.info.run_name == "baseline"
    assert got.data.params == {"lr": "0.1", "depth": "6", "estimators": "200"}
    assert got.data.metrics == {"auc": 0.83, "loss": 0.4, "precision": 0.8}
    assert got.data.tags["team"] == "retention"
    history = client.get_metric_history(run_id, "auc")
    assert [(h.step, h.value) for h in history] == [(0, 0.71), (1, 0.78), (2, 0.83)]

    with mlflow.start_run(run_name="deeper"):
        mlflow.log_param("lr", 0.05)
        mlflow.log_metric("auc", 0.9)
    runs = client.search_runs([exp.experiment_id], filter_string="metrics.auc > 0.85")
    assert [r.info.run_name for r in runs] == ["deeper"]
    runs = client.search_runs([exp.experiment_id], filter_string="params.lr = '0.1' and tags.team = 'retention'")
    assert [r.info.run_id for r in runs] == [run_id]
    ordered = client.search_runs([exp.experiment_id], order_by=["metrics.auc DESC"])
    assert [r.info.run_name for r in ordered] == ["deeper", "baseline"]
    assert Run.objects.for_org(org).count() == 2 and MetricPoint.objects.for_org(org).count() == 6
    assert AuditEvent.objects.for_org(org).filter(action="tracking.run_created", actor=m.user).count() == 2


def test_client_errors_come_back_as_mlflow_exceptions(tracking):
    org, _m, _uri = tracking
    client = MlflowClient()
    exp_id = client.create_experiment("dup")
    with pytest.raises(MlflowException) as e:
        client.create_experiment("dup")
    assert e.value.error_code == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(MlflowException) as e:
        client.get_run("0" * 32)
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    run = client.create_run(exp_id)
    client.log_param(run.info.run_id, "lr", "0.1")
    with pytest.raises(MlflowException) as e:
        client.log_param(run.info.run_id, "lr", "0.2")  # params are immutable
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"
    # The artifacts proxy answers 501 with a clear message (the client raises it as an HTTP error).
    with pytest.raises(Exception, match="does not store artifacts"):
        client.log_artifact(run.info.run_id, __file__)
