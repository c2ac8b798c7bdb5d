"""Catalog pages: lists at constant queries, details, forms, permissions and actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from platform_catalog.models import Adoption, CatalogModel
from platform_catalog.services import tracking
from tests.factories import PodFactory, member
from tests.platform_catalog.factories import catalog_model, component, data_product

pytestmark = pytest.mark.django_db


def page(org, name, *args):
    return reverse(f"platform_catalog:{name}", args=[org.slug, *args])


def test_lists_run_constant_queries(client, gorg, lead, django_assert_max_num_queries):
    m, _p, pod = lead
    client.force_login(m.user)
    counts = []
    for n in (1, 12):
        for i in range(len(counts) * 100, len(counts) * 100 + n):
            catalog_model(gorg, pod, name=f"model-{i}", actor=m.user)
            component(gorg, pod, name=f"Component {i}", actor=m.user)
            data_product(gorg, pod, name=f"Data product {i}", actor=m.user)
            tracking.experiment_create(organization=gorg, actor=m.user, name=f"exp {i}")
        per_page = []
        for name in ("model_list", "component_list", "data_product_list", "experiment_list", "home", "duplicates"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(page(gorg, name)).status_code == 200
            per_page.append(len(ctx.captured_queries))
        counts.append(per_page)
    assert counts[0] == counts[1], counts


def test_detail_pages_show_the_entry(client, gorg, lead):
    m, _p, pod = lead
    client.force_login(member(gorg).user)
    model = catalog_model(gorg, pod, actor=m.user, intended_use="Scoring churn risk",
                          evaluations=[{"metric": "auc", "value": 0.9}])
    comp = component(gorg, pod, actor=m.user)
    dp = data_product(gorg, pod, actor=m.user, schema=[{"name": "customer_id", "type": "string", "pii": True}])
    assert b"Scoring churn risk" in client.get(page(gorg, "model_detail", model.pk)).content
    assert client.get(page(gorg, "component_detail", comp.pk)).status_code == 200
    body = client.get(page(gorg, "data_product_detail", dp.pk)).content
    assert b"customer_id" in body and b"PII" in body


def test_only_pod_leads_and_admins_publish(client, gorg, lead):
    m, _p, pod = lead
    client.force_login(member(gorg).user)
    assert client.get(page(gorg, "model_create")).status_code == 403
    client.force_login(m.user)
    r = client.post(page(gorg, "model_create"), {"owner_pod": pod.pk, "name": "fraud-gbm", "version": "1",
                                                 "provider": "In-house", "modality": "tabular",
                                                 "evaluations": "auc, 0.93, holdout"})
    assert r.status_code == 302, r.content
    model = CatalogModel.objects.for_org(gorg).get(name="fraud-gbm")
    assert [(e.metric, e.value) for e in model.evaluations.all()] == [("auc", 0.93)]
    other_pod = PodFactory(organization=gorg)
    r = client.post(page(gorg, "component_create"), {"owner_pod": other_pod.pk, "name": "X", "maturity": "beta"})
    assert r.status_code == 400  # not a pod they lead: not a choice


def test_bad_form_input_is_a_form_error_not_a_500(client, gorg, lead):
    m, _p, pod = lead
    client.force_login(m.user)
    r = client.post(page(gorg, "model_create"), {"owner_pod": pod.pk, "name": "m", "version": "1",
                                                 "provider": "p", "modality": "text", "evaluations": "auc, high"})
    assert r.status_code == 400 and b"must be a number" in r.content
    assert not CatalogModel.objects.for_org(gorg).exists()


def test_approve_and_adopt_from_the_page(client, gorg, lead):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user)
    client.force_login(m.user)
    client.post(page(gorg, "model_action", model.pk, "approve"),
                {"risk_tier": model.organization and __import__("governance.models", fromlist=["RiskTier"])
                 .RiskTier.objects.for_org(gorg).get(key="low").pk})
    model.refresh_from_db()
    assert model.status == "approved" and model.approved_tier.key == "low"
    comp = component(gorg, pod, actor=m.user)
    r = client.post(page(gorg, "component_action", comp.pk, "adopt"), {"pod": pod.pk})
    assert r.status_code == 302 and Adoption.objects.for_org(gorg).filter(pod=pod, entity_id=comp.pk).exists()
    # A plain member cannot edit the entry (the action refuses).
    client.force_login(member(gorg).user)
    assert client.post(page(gorg, "model_action", model.pk, "retire")).status_code == 403


def test_experiment_pages_show_runs_and_compare(client, gorg, lead):
    m, _p, _pod = lead
    exp = tracking.experiment_create(organization=gorg, actor=m.user, name="churn")
    runs = []
    for i, auc in enumerate((0.8, 0.9)):
        r = tracking.run_create(organization=gorg, actor=m.user, experiment=exp, run_name=f"run-{i}")
        tracking.run_log_batch(organization=gorg, actor=m.user, run=r, params=[{"key": "lr", "value": str(i)}],
                               metrics=[{"key": "auc", "value": auc, "timestamp": 1, "step": 0}])
        runs.append(r)
    client.force_login(m.user)
    body = client.get(page(gorg, "experiment_detail", exp.pk)).content.decode()
    assert "run-0" in body and "<meter" in body
    body = client.get(page(gorg, "run_compare", exp.pk) + f"?run={runs[0].run_uuid}&run={runs[1].run_uuid}").content
    assert b"run-1" in body and b'class="differs"' in body
