"""MLflow's tracking REST API on Podium, request by request: shapes, errors, tenancy, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from platform_catalog.models import LatestMetric, MetricPoint
from platform_catalog.services import tracking
from tests.api.helpers import client_for
from tests.factories import member

pytestmark = pytest.mark.django_db


def u(org, route):
    return reverse(f"platform_catalog_api:mlflow-{route.replace('/', '-')}", kwargs={"org_slug": org.slug})


@pytest.fixture
def run(org):
    m = member(org)
    exp = tracking.experiment_create(organization=org, actor=m.user, name="exp")
    return m, exp, tracking.run_create(organization=org, actor=m.user, experiment=exp, run_name="r1")


def test_create_experiment_and_get_by_name_shapes(org):
    c = client_for(member(org))
    r = c.post(u(org, "experiments/create"), {"name": "churn"}, format="json")
    assert r.status_code == 200 and set(r.json()) == {"experiment_id"}
    got = c.get(u(org, "experiments/get-by-name"), {"experiment_name": "churn"}).json()["experiment"]
    assert got["experiment_id"] == r.json()["experiment_id"] and got["lifecycle_stage"] == "active"
    assert isinstance(got["creation_time"], int)
    missing = c.get(u(org, "experiments/get-by-name"), {"experiment_name": "nope"})
    assert missing.status_code == 404 and missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


@pytest.mark.parametrize("body,needle", [
    ({"metrics": [{"key": "auc", "value": "high", "timestamp": 1, "step": 0}]}, "metrics.value"),
    ({"metrics": [{"key": "auc", "value": True, "timestamp": 1, "step": 0}]}, "metrics.value"),
    ({"metrics": [{"key": "", "value": 1, "timestamp": 1, "step": 0}]}, "metrics.key"),
    ({"metrics": [{"key": "auc", "value": 1, "timestamp": "x", "step": 0}]}, "metrics.timestamp"),
    ({"params": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}, "params"),
    ({"metrics": [{"key": "auc", "value": 1, "timestamp": 1, "step": 2 ** 70}]}, "metrics.step"),
    ({"metrics": [{"key": "auc", "value": 1, "timestamp": -(2 ** 64), "step": 0}]}, "metrics.timestamp"),
    ({"metrics": [{"key": "m", "value": 1, "timestamp": 1, "step": i} for i in range(1001)]}, "metrics"),
])
def test_bad_batches_are_400_naming_the_field_and_write_nothing(org, run, body, needle):
    m, _exp, r = run
    resp = client_for(m).post(u(org, "runs/log-batch"), {"run_id": r.run_uuid, **body}, format="json")
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE" and needle in resp.json()["message"]
    assert not MetricPoint.objects.for_org(org).exists()


def test_log_batch_of_1000_points_keeps_the_latest_in_constant_queries(org, run, django_assert_max_num_queries):
    m, _exp, r = run
    c = client_for(m)
    for n in (10, 1000):
        points = [{"key": f"m{i % 5}", "value": float(i), "timestamp": 1000 + i, "step": i} for i in range(n)]
        with django_assert_max_num_queries(22):
            resp = c.post(u(org, "runs/log-batch"), {"run_id": r.run_uuid, "metrics": points}, format="json")
        assert resp.status_code == 200, resp.content
    latest = dict(LatestMetric.objects.for_org(org).filter(run=r).values_list("key", "value"))
    assert latest == {"m0": 995.0, "m1": 996.0, "m2": 997.0, "m3": 998.0, "m4": 999.0}
    # The history rows, written in one statement, keep every point with its step and timestamp.
    assert MetricPoint.objects.for_org(org).filter(run=r).count() == 1010
    assert list(MetricPoint.objects.for_org(org).filter(run=r, key="m4", step__gte=990)
                .values_list("value", "timestamp", "step")) == [(994.0, 1994, 994), (999.0, 1999, 999)]


def test_nan_is_accepted_as_proto_json_writes_it(org, run):
    m, _exp, r = run
    resp = client_for(m).post(u(org, "runs/log-metric"),
                              {"run_id": r.run_uuid, "key": "loss", "value": "NaN", "timestamp": 1, "step": 0},
                              format="json")
    assert resp.status_code == 200


def test_another_orgs_run_is_not_found_and_a_foreign_token_sees_no_org(org, other_org, run):
    _m, _exp, r = run
    stranger = member(other_org)
    resp = client_for(stranger).get(u(other_org, "runs/get"), {"run_id": r.run_uuid})
    assert resp.status_code == 404 and resp.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    resp = client_for(stranger).get(u(org, "runs/get"), {"run_id": r.run_uuid})
    assert resp.status_code == 404 and resp.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_only_the_runs_creator_or_an_admin_logs_to_it(org, run):
    _m, _exp, r = run
    body = {"run_id": r.run_uuid, "key": "lr", "value": "0.1"}
    resp = client_for(member(org)).post(u(org, "runs/log-parameter"), body, format="json")
    assert resp.status_code == 403 and resp.json()["error_code"] == "PERMISSION_DENIED"
    assert client_for(member(org, "admin")).post(u(org, "runs/log-parameter"), body, format="json").status_code == 200


def test_unauthenticated_and_unknown_endpoints(org, client):
    resp = client.post(u(org, "experiments/create"), {"name": "x"}, content_type="application/json")
    assert resp.status_code == 401 and resp.json()["error_code"] == "UNAUTHENTICATED"
    resp = client_for(member(org)).get(f"/api/v1/o/{org.slug}/mlflow/api/2.0/mlflow/registered-models/list")
    assert resp.status_code == 404 and resp.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_search_filter_errors_name_the_filter(org, run):
    m, exp, _r = run
    resp = client_for(m).post(u(org, "runs/search"), {"experiment_ids": [str(exp.pk)], "filter": "metrics.auc > x"},
                              format="json")
    assert resp.status_code == 400 and "filter" in resp.json()["message"]
