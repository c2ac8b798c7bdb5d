from __future__ import annotations

import pytest

from governance.models import Escalation, MonitoringException
from tests.api.helpers import client_for, error_fields, ids, url
from tests.factories import member, pod_lead
from tests.governance.helpers import file

pytestmark = pytest.mark.django_db

HIGH_OK = {"performance": 0.9, "security": 0.9, "bias": 0.05, "fairness": 0.9, "privacy": 0.9,
           "compliance": 0.95}


def submit(org, m, pod, risk, results, **extra):
    return client_for(m).post(url(org, "governance_api:deployment-list"),
                              {"pod": pod.pk, "model": "churn-xgb", "version": "1.4.0", "risk_tier": risk,
                               "results": results, **extra}, format="json")


@pytest.mark.parametrize("risk,results,gate,failed", [
    ("low", {"performance": 0.9, "security": 0.8}, "pass", []),
    ("low", {"performance": 0.5, "security": 0.8}, "fail", ["performance"]),
    ("low", {"performance": 0.9}, "fail", ["security"]),  # missing required check
    ("medium", {"performance": 0.9, "security": 0.8, "bias": 0.1, "privacy": 0.8}, "pass", []),
    ("medium", {"performance": 0.9, "security": 0.8, "bias": 0.3, "privacy": 0.8}, "fail", ["bias"]),
    ("medium", {"performance": 0.9, "security": 0.8, "privacy": 0.8}, "fail", ["bias"]),
    ("high", HIGH_OK, "needs_approval", []),
    ("high", {**HIGH_OK, "fairness": 0.5}, "fail", ["fairness"]),
    ("high", {k: v for k, v in HIGH_OK.items() if k != "compliance"}, "fail", ["compliance"]),
    ("unacceptable", {}, "fail", ["risk_tier"]),
])
def test_gate_answers(gorg, lead, leader, risk, results, gate, failed):
    m, _p, pod = lead
    r = submit(gorg, m, pod, risk, results)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["gate"] == gate
    assert [f["check"] for f in body["failures"]] == failed
    if gate == "needs_approval":
        esc = Escalation.objects.for_org(gorg).get(pk=body["escalation"])
        assert esc.current_tier.level == 3 and list(esc.approvers.all()) == [leader]
    else:
        assert body["escalation"] is None


def test_needs_approval_then_decided_passes_and_pipeline_polls(gorg, lead, leader):
    m, _p, pod = lead
    review = submit(gorg, m, pod, "high", HIGH_OK).json()
    detail = url(gorg, "governance_api:deployment-detail", pk=review["id"])
    assert client_for(m).get(detail).json()["gate"] == "needs_approval"
    r = client_for(leader).post(url(gorg, "governance_api:escalation-decide", pk=review["escalation"]),
                                {"outcome": "approved", "note": "ok"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "decided"
    assert client_for(m).get(detail).json()["gate"] == "pass"


def test_deployment_permissions_and_validation(gorg, lead):
    m, _p, pod = lead
    plain = member(gorg, "member")
    assert submit(gorg, plain, pod, "low", {"performance": 0.9, "security": 0.9}).status_code == 403
    r = submit(gorg, m, pod, "nope", {"performance": 0.9})
    assert r.status_code == 400 and error_fields(r) == {"risk_tier"}
    r = submit(gorg, m, pod, "low", {"vibes": 1})
    assert r.status_code == 400 and error_fields(r) == {"results"}


def test_metrics_raise_exceptions_only_when_crossed(gorg, lead, admin):
    m, _p, pod = lead
    review = submit(gorg, m, pod, "low", {"performance": 0.9, "security": 0.9}).json()
    path = url(gorg, "governance_api:deployment-metrics", pk=review["id"])
    r = client_for(m).post(path, {"metrics": {"performance": 0.8, "security": 0.7}}, format="json")
    assert r.status_code == 201 and r.json()["exceptions"] == []
    r = client_for(m).post(path, {"metrics": {"performance": 0.6}}, format="json")
    assert [e["metric"] for e in r.json()["exceptions"]] == ["performance"]
    assert MonitoringException.objects.for_org(gorg).filter(resolved_at__isnull=True).count() == 1
    failing = submit(gorg, m, pod, "low", {"performance": 0.1, "security": 0.9}).json()
    r = client_for(m).post(url(gorg, "governance_api:deployment-metrics", pk=failing["id"]),
                           {"metrics": {"performance": 0.6}}, format="json")
    assert r.status_code == 400


def test_escalation_api_file_list_read_comment_decide(gorg, lead, leader):
    m, _p, pod = lead
    other, _, _ = pod_lead(gorg)
    r = client_for(m).post(url(gorg, "governance_api:escalation-list"), {
        "pod": pod.pk, "decision_type": "compute_spend", "risk_tier": "medium", "amount": "25000",
        "title": "GPU burst", "context": "Training run"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["tier"] == 3 and body["status"] == "open" and body["matrix_version"] == 1
    pk = body["id"]
    # Another pod's lead cannot file for this pod, nor read it.
    r = client_for(other).post(url(gorg, "governance_api:escalation-list"), {
        "pod": pod.pk, "decision_type": "select_model", "risk_tier": "low", "title": "x"}, format="json")
    assert r.status_code == 403
    assert client_for(other).get(url(gorg, "governance_api:escalation-detail", pk=pk)).status_code == 404
    assert ids(client_for(other).get(url(gorg, "governance_api:escalation-list"))) == []
    assert ids(client_for(leader).get(url(gorg, "governance_api:escalation-list") + "?mine=true")) == [pk]
    r = client_for(m).post(url(gorg, "governance_api:escalation-list"), {
        "pod": pod.pk, "decision_type": "compute_spend", "risk_tier": "medium", "title": "x"}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"amount"}
    # The lead cannot decide their own escalation.
    decide = url(gorg, "governance_api:escalation-decide", pk=pk)
    assert client_for(m).post(decide, {"outcome": "approved"}, format="json").status_code == 403
    r = client_for(leader).post(url(gorg, "governance_api:escalation-comments", pk=pk), {"body": "Why now?"},
                                format="json")
    assert r.status_code == 201 and r.json()["kind"] == "comment"
    r = client_for(leader).post(decide, {"outcome": "needs_info", "note": "Budget owner?"}, format="json")
    assert r.json()["status"] == "needs_info"
    r = client_for(m).post(url(gorg, "governance_api:escalation-comments", pk=pk), {"body": "Finance"},
                           format="json")
    assert r.json()["kind"] == "info"
    r = client_for(leader).post(decide, {"outcome": "rejected", "note": "Use spot"}, format="json")
    assert r.json()["outcome"] == "rejected"
    r = client_for(leader).post(decide, {"outcome": "approved"}, format="json")
    assert r.status_code == 400
    detail = client_for(m).get(url(gorg, "governance_api:escalation-detail", pk=pk)).json()
    assert [e["kind"] for e in detail["events"]] == ["filed", "routed", "comment", "needs_info", "info", "decided"]


def test_escalation_list_constant_queries(gorg, lead, leader, django_assert_max_num_queries):
    from tests.api.helpers import assert_constant_queries

    def grow(n):
        for i in range(n):
            file(gorg, lead, title=f"e{i}")

    assert_constant_queries(
        django_assert_max_num_queries,
        lambda: client_for(leader).get(url(gorg, "governance_api:escalation-list")),
        grow, bound=8)
