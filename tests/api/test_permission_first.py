"""Who may act at all is settled before the body is read: a member who may not submit learns
nothing about what a valid body looks like."""

from __future__ import annotations

import pytest

from tests.api.helpers import client_for, url
from tests.factories import PodFactory, member, pod_lead

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", [{}, {"risk_tier": "no-such-tier", "results": "x"}])
def test_a_plain_member_gets_403_on_deployments_whatever_the_body(org, body):
    response = client_for(member(org)).post(
        url(org, "governance_api:deployment-list"),
        {"pod": PodFactory(organization=org).pk, **body},
        format="json",
    )
    assert response.status_code == 403, response.content


def test_a_pod_lead_still_gets_400_naming_the_field(org):
    lead, _, pod = pod_lead(org)
    response = client_for(lead).post(
        url(org, "governance_api:deployment-list"),
        {"pod": pod.pk, "model": "m", "version": "1", "risk_tier": "nope", "results": {}},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert {e["field"] for e in response.json()["errors"]} == {"risk_tier"}
