"""A wrong risk tier or check name gets a 400 that lists the allowed values (issue 15: the
README newcomer got "Object with key=3 does not exist.")."""

from __future__ import annotations

import pytest

from tests.api.helpers import client_for, url

pytestmark = pytest.mark.django_db


def submit(org, m, pod, risk, results):
    return client_for(m).post(
        url(org, "governance_api:deployment-list"),
        {"pod": pod.pk, "model": "churn-xgb", "version": "1.4.0", "risk_tier": risk, "results": results},
        format="json",
    )


def test_unknown_risk_tier_lists_the_allowed_ones(gorg, lead):
    m, _p, pod = lead
    r = submit(gorg, m, pod, 3, {"performance": 0.9})
    assert r.status_code == 400
    text = r.content.decode()
    assert 'Unknown risk tier \\"3\\": use one of low, medium, high, unacceptable.' in text
    assert "Object with key" not in text


def test_unknown_check_lists_the_known_ones(gorg, lead):
    m, _p, pod = lead
    r = submit(gorg, m, pod, "low", {"vibes": 1})
    assert r.status_code == 400
    assert (
        "Unknown checks: vibes. Known checks: bias, fairness, compliance, privacy, security, performance."
    ) in r.content.decode()


def test_unknown_decision_type_on_escalations_lists_the_allowed_ones(gorg, lead):
    m, _p, pod = lead
    r = client_for(m).post(
        url(gorg, "governance_api:escalation-list"),
        {"pod": pod.pk, "decision_type": "buy_a_boat", "risk_tier": "low", "title": "Boat"},
        format="json",
    )
    assert r.status_code == 400
    assert 'Unknown decision type \\"buy_a_boat\\": use one of' in r.content.decode()
