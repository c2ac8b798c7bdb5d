"""The deployment gate consults the catalog (a check the catalog registers with governance)."""

from __future__ import annotations

import pytest

from governance.models import Escalation, MonitoringException
from platform_catalog.models import ApprovalStatus, ModelApproval, ModelStatus
from platform_catalog.services import library
from tenancy.models import AuditEvent, Notification
from tests.api.helpers import client_for, url
from tests.factories import member
from tests.platform_catalog.factories import catalog_model, tier

pytestmark = pytest.mark.django_db

LOW_OK = {"performance": 0.9, "security": 0.9}
MEDIUM_OK = {**LOW_OK, "bias": 0.05, "privacy": 0.9}
HIGH_OK = {**MEDIUM_OK, "fairness": 0.9, "compliance": 0.95}


def submit(org, m, pod, risk, results, model="churn-xgb", version="1.4.0"):
    r = client_for(m).post(url(org, "governance_api:deployment-list"),
                           {"pod": pod.pk, "model": model, "version": version, "risk_tier": risk,
                            "results": results}, format="json")
    assert r.status_code == 201, r.content
    return r.json()


def catalog_reasons(body):
    return [f["reason"] for f in body["failures"] if f["check"] == "catalog"]


def test_an_empty_catalog_passes_with_a_warning_and_the_first_model_turns_the_check_on(gorg, lead):
    """The decision for an organization that has not started its catalog: not a failure, but a
    `catalog` warning on every review saying the model was not checked (docs/gate.md)."""
    m, _p, pod = lead
    body = submit(gorg, m, pod, "low", LOW_OK)
    assert body["gate"] == "pass" and body["failures"] == []
    assert [w["check"] for w in body["warnings"]] == ["catalog"]
    assert "not checked against the platform catalog" in body["warnings"][0]["reason"]
    assert not MonitoringException.objects.for_org(gorg).exists()  # a warning, not an exception
    catalog_model(gorg, pod, name="other-model", actor=m.user, approved="low")
    body = submit(gorg, m, pod, "low", LOW_OK)
    assert body["gate"] == "fail" and body["warnings"] == []


def test_unknown_model_fails(gorg, lead):
    m, _p, pod = lead
    catalog_model(gorg, pod, name="other-model", actor=m.user, approved="low")
    body = submit(gorg, m, pod, "low", LOW_OK)
    assert body["gate"] == "fail"
    assert "not in the platform catalog" in catalog_reasons(body)[0]


def test_proposed_model_fails(gorg, lead):
    m, _p, pod = lead
    catalog_model(gorg, pod, actor=m.user)
    body = submit(gorg, m, pod, "low", LOW_OK)
    assert body["gate"] == "fail" and "not approved for any risk tier" in catalog_reasons(body)[0]


def test_approved_model_passes_at_or_below_its_tier_and_fails_above(gorg, lead):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, approved="medium")
    assert model.status == ModelStatus.APPROVED and model.approved_tier.key == "medium"
    assert submit(gorg, m, pod, "low", LOW_OK)["gate"] == "pass"
    assert submit(gorg, m, pod, "medium", MEDIUM_OK)["gate"] == "pass"
    body = submit(gorg, m, pod, "high", HIGH_OK)
    assert body["gate"] == "fail" and body["escalation"] is None
    assert catalog_reasons(body) == ["churn-xgb 1.4.0 is approved only up to Medium risk, not High."]


def test_alias_resolves_in_the_gate(gorg, lead):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, approved="low")
    library.alias_set(organization=gorg, actor=m.user, model=model, alias="champion")
    assert submit(gorg, m, pod, "low", LOW_OK, version="champion")["gate"] == "pass"


def test_deprecated_model_passes_with_a_warning_to_its_owners(gorg, lead):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, approved="low")
    library.catalog_model_deprecate(organization=gorg, actor=m.user, model=model)
    body = submit(gorg, m, pod, "low", LOW_OK)
    assert body["gate"] == "pass" and body["failures"] == []
    assert [w["check"] for w in body["warnings"]] == ["catalog"]
    assert Notification.objects.for_org(gorg).filter(user=m.user, kind="catalog.deprecated_deployed").exists()
    # ... and raises a monitoring exception on the review, listed with the metric breaches.
    exc = MonitoringException.objects.for_org(gorg).get(review_id=body["id"])
    assert exc.source == "catalog" and "deprecated" in exc.reason and exc.value is None
    assert AuditEvent.objects.for_org(gorg).filter(action="governance.exception_raised").count() == 1
    leader = member(gorg, "leader")
    listed = client_for(leader).get(url(gorg, "governance_api:monitoring-exception-list")).json()["results"]
    assert [(x["source"], x["value"]) for x in listed] == [("catalog", None)]
    # A deprecated model whose deployment fails for another reason raises nothing more.
    assert submit(gorg, m, pod, "low", {"performance": 0.1, "security": 0.9})["gate"] == "fail"
    assert MonitoringException.objects.for_org(gorg).count() == 1


def test_retired_model_fails(gorg, lead):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, approved="low")
    library.catalog_model_retire(organization=gorg, actor=m.user, model=model)
    assert "retired" in catalog_reasons(submit(gorg, m, pod, "low", LOW_OK))[0]


def test_high_tier_approval_goes_to_a_leader_and_records_who_decided(gorg, lead, leader):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, approved="medium")
    approval = library.model_approval_request(organization=gorg, actor=m.user, model=model,
                                              risk_tier=tier(gorg, "high"))
    assert approval.status == ApprovalStatus.PENDING
    esc = Escalation.objects.for_org(gorg).get(pk=approval.escalation_id)
    assert esc.decision_type.key == "select_model" and list(esc.approvers.all()) == [leader]
    assert submit(gorg, m, pod, "high", HIGH_OK)["gate"] == "fail"  # not yet
    r = client_for(leader).post(url(gorg, "governance_api:escalation-decide", pk=esc.pk),
                                {"outcome": "approved", "note": "card reviewed"}, format="json")
    assert r.status_code == 200, r.content
    approval.refresh_from_db()
    model.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED and approval.decided_by == leader.user
    assert model.approved_tier.key == "high"
    assert AuditEvent.objects.for_org(gorg).filter(action="catalog.model_approved",
                                                   after__decided_by=leader.user.pk).exists()
    assert submit(gorg, m, pod, "high", HIGH_OK)["gate"] == "needs_approval"  # the deploy itself


def test_rejected_approval_leaves_the_tier(gorg, lead, leader):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, approved="low")
    approval = library.model_approval_request(organization=gorg, actor=m.user, model=model,
                                              risk_tier=tier(gorg, "high"))
    client_for(leader).post(url(gorg, "governance_api:escalation-decide", pk=approval.escalation_id),
                            {"outcome": "rejected", "note": "no fairness evaluation"}, format="json")
    approval.refresh_from_db()
    model.refresh_from_db()
    assert approval.status == ApprovalStatus.REJECTED and approval.decided_by == leader.user
    assert model.approved_tier.key == "low"


def test_unacceptable_tier_cannot_be_approved(gorg, lead):
    from django.core.exceptions import ValidationError

    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user)
    with pytest.raises(ValidationError) as e:
        library.model_approval_request(organization=gorg, actor=m.user, model=model,
                                       risk_tier=tier(gorg, "unacceptable"))
    assert "risk_tier" in e.value.message_dict
    assert not ModelApproval.objects.for_org(gorg).exists()
