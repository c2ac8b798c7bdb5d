"""Found by schemathesis: the API accepted input its schema calls invalid."""

from __future__ import annotations

import pytest

from tests.api.helpers import client_for, error_fields, url
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_form_and_multipart_bodies_are_refused_the_api_takes_json(org):
    """415; a multipart body read early by the NUL middleware reaches DRF empty: a 400, never a write."""
    from pods.models import Pod

    client = client_for(member(org, "admin"))
    for fmt in ("multipart", None):
        kwargs = (
            {"format": fmt}
            if fmt
            else {"data": "name=x", "content_type": "application/x-www-form-urlencoded"}
        )
        body = {"name": "Vision"} if fmt else kwargs.pop("data")
        response = client.post(url(org, "pods_api:pod-list"), body, **kwargs)
        assert response.status_code in (400, 415), response.content
        assert set(response.json()) == {"detail", "errors"}
    assert not Pod.objects.for_org(org).exists()


def test_a_number_where_the_schema_says_text_is_a_400(org):
    response = client_for(member(org, "admin")).post(
        url(org, "pods_api:pod-list"), {"name": 0}, format="json"
    )
    assert response.status_code == 400 and error_fields(response) == {"name"}


def test_a_blank_query_parameter_that_is_not_text_is_a_400(org):
    response = client_for(member(org)).get(url(org, "knowledge_api:knowledge-search-list"), {"until": ""})
    assert response.status_code == 400 and error_fields(response) == {"until"}


@pytest.mark.parametrize("value", ["0", 1, "true"])
def test_a_string_or_number_where_the_schema_says_boolean_is_a_400(org, value):
    response = client_for(member(org, "admin")).post(
        url(org, "pods_api:role-list"), {"name": "Reviewer", "is_lead": value}, format="json"
    )
    assert response.status_code == 400 and error_fields(response) == {"is_lead"}


def test_a_boolean_where_the_schema_says_number_is_a_400(org):
    """DRF reads `false` as 0.0: an evaluation's value of false was stored as 0 (schemathesis)."""
    from tests.factories import pod_lead
    from tests.platform_catalog.factories import catalog_model

    lead, _person, pod = pod_lead(org)
    model = catalog_model(org, pod, actor=lead.user)
    response = client_for(lead).patch(
        url(org, "platform_catalog_api:catalog-model-detail", pk=model.pk),
        {"evaluations": [{"metric": "auc", "value": False}]}, format="json")
    assert response.status_code == 400 and error_fields(response) == {"evaluations[0].value"}


def test_a_number_where_the_schema_says_a_key_is_a_400(org):
    """A risk tier is named by its key, which is text: the number 0 matched a tier keyed "0"."""
    from governance.models import RiskTier
    from governance.services.matrix import governance_seed_defaults

    governance_seed_defaults(organization=org)
    RiskTier.objects.for_org(org).filter(key="low").update(key="0")
    response = client_for(member(org, "admin")).post(
        url(org, "governance_api:guardrail-policy-list"),
        {"risk_tier": 0, "check_kind": "bias", "required": True, "direction": "min", "threshold": 0.0},
        format="json")
    assert response.status_code == 400 and error_fields(response) == {"risk_tier"}
