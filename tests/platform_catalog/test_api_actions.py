"""The catalog API's counterparts of the detail pages' buttons: deprecate / retire with their
impact first, access requests the owner decides, experiments linked to a pod, model and data products."""

from __future__ import annotations

import pytest

from platform_catalog.models import Experiment
from platform_catalog.services import relations, tracking
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields, url
from tests.factories import PodFactory, member, pod_lead
from tests.platform_catalog.factories import catalog_model, component, data_product

pytestmark = pytest.mark.django_db

API = "platform_catalog_api:"


def test_impact_then_deprecate_and_retire_a_model(gorg, lead):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, approved="low")
    other = PodFactory(organization=gorg)
    relations.adoption_record(organization=gorg, actor=m.user, pod=other, entity_kind="model", entity_id=model.pk)
    c = client_for(m)
    impact = c.get(url(gorg, API + "catalog-model-impact", pk=model.pk)).json()
    assert [p["id"] for p in impact["pods"]] == [other.pk] and impact["deployments"] == []
    r = c.post(url(gorg, API + "catalog-model-deprecate", pk=model.pk))
    assert r.status_code == 200 and r.json()["status"] == "deprecated"
    r = c.post(url(gorg, API + "catalog-model-retire", pk=model.pk))
    assert r.status_code == 200 and r.json()["status"] == "retired"
    assert client_for(member(gorg)).post(url(gorg, API + "catalog-model-retire", pk=model.pk)).status_code == 403


def test_deprecate_a_component_shows_its_dependants_first(gorg, lead):
    m, _p, pod = lead
    comp = component(gorg, pod, actor=m.user)
    dp = data_product(gorg, pod, actor=m.user)
    relations.relation_create(organization=gorg, actor=m.user, source_kind="data_product", source_id=dp.pk,
                              kind="depends_on", target_kind="component", target_id=comp.pk)
    c = client_for(m)
    impact = c.get(url(gorg, API + "component-impact", pk=comp.pk)).json()
    assert impact["dependants"] == [{"relation": impact["dependants"][0]["relation"], "kind": "dependency_of",
                                     "entity_kind": "data_product", "entity_id": dp.pk}]
    assert c.get(url(gorg, API + "data-product-impact", pk=dp.pk)).json()["dependants"] == []
    r = c.post(url(gorg, API + "component-deprecate", pk=comp.pk))
    assert r.status_code == 200 and r.json()["maturity"] == "deprecated"


def test_access_request_filed_by_a_member_and_decided_by_the_owner(gorg, lead):
    m, _p, pod = lead
    dp = data_product(gorg, pod, actor=m.user)
    asker = member(gorg)
    r = client_for(asker).post(url(gorg, API + "access-request-list"),
                               {"data_product": dp.pk, "reason": "Churn features"}, format="json")
    assert r.status_code == 201, r.content
    req = r.json()
    assert req["status"] == "pending" and req["requested_by"] == asker.user_id
    decide = url(gorg, API + "access-request-decide", pk=req["id"])
    assert client_for(asker).post(decide, {"decision": "grant"}, format="json").status_code == 403
    r = client_for(m).post(decide, {"decision": "refuse"}, format="json")
    assert r.status_code == 400 and "note" in error_fields(r)
    r = client_for(m).post(decide, {"decision": "grant"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["decided_by"] == m.user_id
    r = client_for(m).post(decide, {"decision": "grant"}, format="json")
    assert r.status_code == 400  # decided once
    listed = client_for(asker).get(url(gorg, API + "access-request-list") + f"?data_product={dp.pk}").json()
    assert [x["id"] for x in listed["results"]] == [req["id"]]
    assert AuditEvent.objects.for_org(gorg).filter(action="catalog.access_decided").count() == 1


@pytest.mark.parametrize("body,field", [
    ({"data_product": 999999, "reason": "x"}, "data_product"),
    ({"data_product": "abc", "reason": "x"}, "data_product"),
    ({"reason": "x"}, "data_product"),
    ({"data_product": None, "reason": ""}, "data_product"),
])
def test_bad_access_request_names_the_field(gorg, lead, body, field):
    r = client_for(member(gorg)).post(url(gorg, API + "access-request-list"), body, format="json")
    assert r.status_code == 400 and field in error_fields(r)


def test_link_an_experiment_to_its_pod_model_and_data_products(gorg, lead):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user)
    dp = data_product(gorg, pod, actor=m.user)
    scientist = member(gorg)
    exp = tracking.experiment_create(organization=gorg, actor=scientist.user, name="churn-v2")
    link = url(gorg, API + "experiment-link", pk=exp.pk)
    r = client_for(scientist).post(link, {"model": model.pk, "data_products": [dp.pk]}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["model"] == model.pk and r.json()["data_products"] == [dp.pk] and r.json()["owner_pod"] is None
    # The creator may not name a pod they do not lead; the pod's lead may.
    assert client_for(scientist).post(link, {"owner_pod": pod.pk}, format="json").status_code == 403
    r = client_for(m).post(link, {"owner_pod": pod.pk}, format="json")
    assert r.json()["owner_pod"] == pod.pk and r.json()["model"] == model.pk  # left-out fields keep their link
    listed = client_for(member(gorg)).get(url(gorg, API + "experiment-list") + f"?model={model.pk}").json()
    assert [e["id"] for e in listed["results"]] == [exp.pk]
    r = client_for(m).post(link, {"model": None, "data_products": []}, format="json")
    assert r.json()["model"] is None and r.json()["data_products"] == []
    # Someone else (no pod role, not the creator) may not relink it, nor the lead of another pod now.
    assert client_for(member(gorg)).post(link, {"model": model.pk}, format="json").status_code == 403
    other_lead, _p2, _pod2 = pod_lead(gorg, PodFactory(organization=gorg))
    assert client_for(other_lead).post(link, {"model": model.pk}, format="json").status_code == 403


@pytest.mark.parametrize("body,field", [
    ({"model": 999999}, "model"),
    ({"data_products": ["x"]}, "data_products[0]"),
    ({"data_products": 5}, "data_products"),
    ({"owner_pod": True}, "owner_pod"),
])
def test_bad_link_names_the_field(gorg, lead, body, field):
    m, _p, _pod = lead
    exp = tracking.experiment_create(organization=gorg, actor=m.user, name="e")
    r = client_for(m).post(url(gorg, API + "experiment-link", pk=exp.pk), body, format="json")
    assert r.status_code == 400 and field in error_fields(r)


def test_experiment_list_has_constant_queries(gorg, lead, django_assert_max_num_queries):
    m, _p, pod = lead
    dp = data_product(gorg, pod, actor=m.user)
    for i in range(12):
        exp = tracking.experiment_create(organization=gorg, actor=m.user, name=f"exp {i}")
        tracking.experiment_link(organization=gorg, actor=m.user, experiment=exp, owner_pod=pod, data_products=[dp])
        tracking.run_create(organization=gorg, actor=m.user, experiment=exp)
    c = client_for(m)
    c.get(url(gorg, API + "experiment-list"))
    with django_assert_max_num_queries(12):
        body = c.get(url(gorg, API + "experiment-list")).json()
    assert body["count"] == 12 and body["results"][0]["runs"] == 1
    assert Experiment.objects.for_org(gorg).count() == 12


def test_experiment_link_page_and_linked_experiments_on_the_model_page(client, gorg, lead):
    from django.test import Client
    from django.urls import reverse

    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user)
    exp = tracking.experiment_create(organization=gorg, actor=m.user, name="churn-v3")
    c = client
    c.force_login(m.user)
    page = reverse("platform_catalog:experiment_detail", args=[gorg.slug, exp.pk])
    assert "Save links" in c.get(page).content.decode()
    r = c.post(reverse("platform_catalog:experiment_link", args=[gorg.slug, exp.pk]),
               {"owner_pod": pod.pk, "model": model.pk})
    assert r.status_code == 302
    body = c.get(reverse("platform_catalog:model_detail", args=[gorg.slug, model.pk])).content.decode()
    assert "churn-v3" in body
    other_lead, _p2, _pod2 = pod_lead(gorg, PodFactory(organization=gorg))
    other = Client()
    other.force_login(other_lead.user)
    r = other.post(reverse("platform_catalog:experiment_link", args=[gorg.slug, exp.pk]),
                                    {"model": ""})
    assert r.status_code == 403


def test_new_endpoints_answer_4xx_never_5xx_for_bad_input(gorg, lead):
    """What the CI's schemathesis run sends: ids beyond 64 bits, NUL characters, non-object bodies."""
    HUGE = 2 ** 70
    m, _p, pod = lead
    c = client_for(m)
    exp = tracking.experiment_create(organization=gorg, actor=m.user, name="e")
    for name, q in (("experiment-list", f"?pod={HUGE}&model={HUGE}&data_product={HUGE}"),
                    ("access-request-list", f"?data_product={HUGE}&status=zzz")):
        r = c.get(url(gorg, API + name) + q)
        assert r.status_code in (200, 400), (name, r.status_code)
    for body in ({"owner_pod": HUGE}, {"model": HUGE}, {"data_products": [HUGE]}, {"description": "a\x00b"}, [], "x", None):
        r = c.post(url(gorg, API + "experiment-link", pk=exp.pk), body, format="json")
        assert r.status_code in (200, 400), (body, r.status_code, r.content)
    for body in ({"data_product": HUGE, "reason": "x"}, {"data_product": 1, "reason": "a\x00"}, [], None):
        r = c.post(url(gorg, API + "access-request-list"), body, format="json")
        assert r.status_code in (201, 400), (body, r.status_code, r.content)
    for name in ("catalog-model-impact", "component-impact", "data-product-impact", "experiment-detail",
                 "access-request-detail"):
        r = c.get(url(gorg, API + name, pk=HUGE))
        assert r.status_code == 404, (name, r.status_code)
    r = c.post(url(gorg, API + "access-request-decide", pk=HUGE), {"decision": "grant"}, format="json")
    assert r.status_code == 404
    r = c.options(url(gorg, API + "experiment-link", pk=exp.pk))
    assert r.status_code == 200
