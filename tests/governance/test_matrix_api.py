"""The governance configuration API (risk tiers, decision types and tiers, cells, publishing,
reviews, guardrail policies): the matrix pages' writes, for a team that keeps governance in a
repository. Members read, admins write, every write audited, errors name the field."""

from __future__ import annotations

import pytest

from governance import selectors
from governance.models import DecisionRight, GuardrailPolicy, MatrixReview, MatrixVersion
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields

pytestmark = pytest.mark.django_db


def api(org, path):
    return f"/api/v1/o/{org.slug}/{path}"


def test_members_read_admins_write(gorg, leader, admin):
    reader = client_for(leader)
    assert reader.get(api(gorg, "risk-tiers/")).json()["count"] == 4
    assert reader.get(api(gorg, "decision-types/")).json()["count"] == 6
    assert reader.get(api(gorg, "decision-tiers/")).json()["count"] == 4
    assert reader.post(api(gorg, "risk-tiers/"), {"name": "Extreme"}, format="json").status_code == 403
    r = client_for(admin).post(api(gorg, "risk-tiers/"), {"name": "Extreme"}, format="json")
    assert r.status_code == 201 and r.json()["key"] == "extreme"
    assert AuditEvent.objects.for_org(gorg).filter(action="governance.risk_tier_created").exists()


def test_rename_types_and_tiers_and_set_a_tiers_sla(gorg, admin):
    c = client_for(admin)
    dt = c.get(api(gorg, "decision-types/")).json()["results"][0]
    r = c.patch(api(gorg, f"decision-types/{dt['id']}/"), {"name": "Pick a model"}, format="json")
    assert r.status_code == 200 and r.json()["name"] == "Pick a model" and r.json()["key"] == dt["key"]
    tier3 = next(t for t in c.get(api(gorg, "decision-tiers/")).json()["results"] if t["level"] == 3)
    r = c.patch(api(gorg, f"decision-tiers/{tier3['id']}/"), {"sla_hours": 24, "approvers": [admin.pk]},
                format="json")
    assert r.status_code == 200 and r.json()["sla_hours"] == 24 and r.json()["approvers"] == [admin.pk]
    bad = c.patch(api(gorg, f"decision-tiers/{tier3['id']}/"), {"sla_hours": 0}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"sla_hours"}


def test_set_a_cell_publish_and_review(gorg, admin):
    c = client_for(admin)
    body = {"decision_type": "compute_spend", "risk_tier": "low",
            "bands": [{"amount_min": None, "amount_max": "5000", "tier": 1},
                      {"amount_min": "5000", "amount_max": None, "tier": 3}]}
    r = c.put(api(gorg, "matrix/cells/"), body, format="json")
    assert r.status_code == 200, r.content
    assert [b["tier"] for b in r.json()["bands"]] == [1, 3]
    gap = {**body, "bands": [{"amount_min": None, "amount_max": "5000", "tier": 1},
                             {"amount_min": "6000", "amount_max": None, "tier": 3}]}
    bad = c.put(api(gorg, "matrix/cells/"), gap, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"bands"}
    unknown = c.put(api(gorg, "matrix/cells/"), {**body, "risk_tier": "nope"}, format="json")
    assert unknown.status_code == 400 and "low" in unknown.json()["detail"]
    assert DecisionRight.objects.for_org(gorg).filter(decision_type__key="compute_spend",
                                                      risk_tier__key="low").count() == 2
    matrix = c.get(api(gorg, "matrix/")).json()
    assert matrix["problems"] == [] and matrix["published_version"] == 1
    r = c.post(api(gorg, "matrix/publish/"), {"note": "Lower the spend threshold"}, format="json")
    assert r.status_code == 201 and r.json()["number"] == 2
    assert MatrixVersion.objects.for_org(gorg).count() == 2
    assert c.post(api(gorg, "matrix/reviews/"), {"notes": "Q3 review"}, format="json").status_code == 201
    assert MatrixReview.objects.for_org(gorg).filter(notes="Q3 review").exists()
    assert c.get(api(gorg, "matrix/")).json()["review_overdue"] is False
    assert [v["number"] for v in c.get(api(gorg, "matrix/versions/")).json()] == [2, 1]
    actions = set(AuditEvent.objects.for_org(gorg).values_list("action", flat=True))
    assert {"governance.cell_changed", "governance.matrix_published", "governance.matrix_reviewed"} <= actions


def test_guardrail_policies(gorg, admin, leader):
    body = {"risk_tier": "high", "check_kind": "fairness", "required": True, "direction": "min",
            "threshold": 0.85}
    assert client_for(leader).post(api(gorg, "guardrail-policies/"), body, format="json").status_code == 403
    c = client_for(admin)
    r = c.post(api(gorg, "guardrail-policies/"), body, format="json")
    assert r.status_code == 200 and r.json()["threshold"] == 0.85
    assert GuardrailPolicy.objects.for_org(gorg).get(risk_tier__key="high", check_kind="fairness").threshold == 0.85
    bad = c.post(api(gorg, "guardrail-policies/"), {**body, "check_kind": "vibes"}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"check_kind"}
    assert c.get(api(gorg, "guardrail-policies/")).json()["count"] == len(selectors.policy_list(organization=gorg))


def test_resolve_a_monitoring_exception_and_recompute_cycle_times(gorg, lead, leader, admin):
    from governance.models import MonitoringException
    from governance.services.guardrails import deployment_metrics_push, deployment_submit
    from tests.governance.helpers import rtier

    membership, _person, pod = lead
    review = deployment_submit(organization=gorg, actor=membership.user, pod=pod, model_name="churn", version="1",
                               risk_tier=rtier(gorg, "low"), results={"performance": 0.9, "security": 0.9})
    exc = deployment_metrics_push(organization=gorg, actor=membership.user, review=review,
                                  metrics={"performance": 0.1})[0]
    assert [e["id"] for e in client_for(leader).get(api(gorg, "monitoring-exceptions/")).json()["results"]] == [exc.pk]
    empty = client_for(membership).post(api(gorg, f"monitoring-exceptions/{exc.pk}/resolve/"), {"note": ""},
                                        format="json")
    assert empty.status_code == 400 and error_fields(empty) == {"note"}
    r = client_for(membership).post(api(gorg, f"monitoring-exceptions/{exc.pk}/resolve/"),
                                    {"note": "Rolled back to v0"}, format="json")
    assert r.status_code == 200, r.content
    assert MonitoringException.objects.for_org(gorg).get().resolved_at is not None
    assert client_for(leader).post(api(gorg, "cycle-time/recompute/"), {}, format="json").status_code == 403
    r = client_for(admin).post(api(gorg, "cycle-time/recompute/"), {}, format="json")
    assert r.status_code == 200 and "overall" in r.json()
    assert client_for(leader).get(api(gorg, "cycle-time/")).json()["computed_at"] is not None


def test_found_by_schemathesis_no_500s(gorg, admin):
    """Three answers schemathesis caught as 500: a policy without `required` (it defaults to
    required), OPTIONS on the cells action, and a settings PATCH whose body is not an object."""
    c = client_for(admin)
    r = c.post(api(gorg, "guardrail-policies/"), {"risk_tier": "high", "check_kind": "bias", "direction": "max",
                                                   "threshold": 0.0}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["required"] is True
    assert c.options(api(gorg, "matrix/cells/")).status_code == 200
    bad = c.patch(api(gorg, "organization/"), "null", content_type="application/json")
    assert bad.status_code == 400 and error_fields(bad) == {""}  # the whole body is at fault


def test_single_object_answers_are_objects_in_the_schema(client):
    """`GET matrix/` and `GET overview/` answer one object: the schema must not call them arrays."""
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/o/{org_slug}/matrix/", "/api/v1/o/{org_slug}/overview/"):
        body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert body.get("type") != "array" and "$ref" in body, (path, body)
