"""The catalog API: publishing, contract checks pushed by CI, adoptions, relations, roles, bad input."""

from __future__ import annotations

import pytest

from knowledge.models import Incident
from tests.api.helpers import client_for, error_fields, ids, url
from tests.factories import PodFactory, member
from tests.platform_catalog.factories import catalog_model, component, data_product

pytestmark = pytest.mark.django_db


def test_publish_a_model_with_its_card_and_approve_it(gorg, lead):
    m, _p, pod = lead
    c = client_for(m)
    r = c.post(url(gorg, "platform_catalog_api:catalog-model-list"),
               {"owner_pod": pod.pk, "provider": "In-house", "name": "churn-xgb", "version": "2", "modality": "tabular",
                "intended_use": "Churn scoring", "evaluations": [{"metric": "auc", "value": 0.9}]}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "proposed" and body["evaluations"][0]["metric"] == "auc"
    r = c.post(url(gorg, "platform_catalog_api:catalog-model-approve", pk=body["id"]), {"risk_tier": "medium"},
               format="json")
    assert r.status_code == 201 and r.json()["status"] == "approved"
    r = c.post(url(gorg, "platform_catalog_api:catalog-model-aliases", pk=body["id"]), {"alias": "champion"},
               format="json")
    assert r.json()["aliases"] == ["champion"] and r.json()["approved_tier"] == "medium"


@pytest.mark.parametrize("body,field", [
    ({"evaluations": [{"metric": "auc", "value": "high"}]}, "evaluations[0].value"),
    ({"modality": "smell"}, "modality"),
    ({"owner_pod": 999999}, "owner_pod"),
])
def test_bad_model_input_names_the_field(gorg, lead, body, field):
    m, _p, pod = lead
    base = {"owner_pod": pod.pk, "provider": "p", "name": "x", "version": "1"}
    r = client_for(m).post(url(gorg, "platform_catalog_api:catalog-model-list"), {**base, **body}, format="json")
    assert r.status_code == 400 and field in error_fields(r)


def test_ci_pushes_checks_and_a_breach_opens_an_incident(gorg, lead):
    m, _p, pod = lead
    dp = data_product(gorg, pod, actor=m.user, min_quality=0.9)
    checks = url(gorg, "platform_catalog_api:data-product-checks", pk=dp.pk)
    r = client_for(m).post(checks, {"passed": 5, "failed": 5}, format="json")
    assert r.status_code == 201 and r.json()["score"] == 0.5 and r.json()["contract_state"] == "breached"
    assert Incident.objects.for_org(gorg).filter(pod=pod, status="open").count() == 1
    r = client_for(m).post(checks, {"passed": "many", "failed": 0}, format="json")
    assert r.status_code == 400 and "passed" in error_fields(r)
    r = client_for(m).post(checks, {"passed": 2**31, "failed": 2**40}, format="json")  # was a 500
    assert r.status_code == 400 and {"passed", "failed"} <= set(error_fields(r))
    r = client_for(member(gorg)).post(checks, {"passed": 5, "failed": 0}, format="json")
    assert r.status_code == 403  # only the owner pod (or an admin) pushes


def test_schema_with_an_unknown_type_is_a_400(gorg, lead):
    m, _p, pod = lead
    dp = data_product(gorg, pod, actor=m.user)
    r = client_for(m).post(url(gorg, "platform_catalog_api:data-product-schema", pk=dp.pk),
                           {"fields": [{"name": "id", "type": "uuidish"}]}, format="json")
    assert r.status_code == 400 and "fields" in error_fields(r)


def test_adoption_pushed_by_ci_and_relations_from_both_ends(gorg, lead):
    m, _p, pod = lead
    comp = component(gorg, pod, actor=m.user)
    dp = data_product(gorg, pod, actor=m.user)
    c = client_for(m)
    r = c.post(url(gorg, "platform_catalog_api:adoption-list"),
               {"pod": pod.pk, "entity_kind": "component", "entity_id": comp.pk}, format="json")
    assert r.status_code == 201 and r.json()["source"] == "api"
    other = PodFactory(organization=gorg)
    r = c.post(url(gorg, "platform_catalog_api:adoption-list"),
               {"pod": other.pk, "entity_kind": "component", "entity_id": comp.pk}, format="json")
    assert r.status_code == 403  # not their pod
    r = c.post(url(gorg, "platform_catalog_api:relation-list"),
               {"source_kind": "component", "source_id": comp.pk, "kind": "consumes",
                "target_kind": "data_product", "target_id": dp.pk}, format="json")
    assert r.status_code == 201, r.content
    back = c.get(url(gorg, "platform_catalog_api:relation-list"), {"entity_kind": "data_product",
                                                                     "entity_id": dp.pk}).json()
    assert [(x["kind"], x["other_id"]) for x in back["results"]] == [("consumed_by", comp.pk)]
    assert c.get(url(gorg, "platform_catalog_api:coordination")).json()["pods"] >= 1


def test_lists_are_org_scoped_and_constant_in_queries(gorg, lead, other_org, django_assert_max_num_queries):
    m, _p, pod = lead
    foreign = component(other_org, PodFactory(organization=other_org), name="Foreign")
    c = client_for(member(gorg))
    for n in (1, 10):
        for i in range(n):
            catalog_model(gorg, pod, name=f"m{n}-{i}", actor=m.user)
            component(gorg, pod, name=f"C{n}-{i}", actor=m.user)
        for name in ("catalog-model-list", "component-list"):
            with django_assert_max_num_queries(12):
                r = c.get(url(gorg, f"platform_catalog_api:{name}"))
            assert r.status_code == 200
    assert foreign.pk not in ids(c.get(url(gorg, "platform_catalog_api:component-list")))
