"""The model library: cards with evaluation rows, aliases (unique in a family, moving atomically)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from platform_catalog.models import ModelAlias
from platform_catalog.services import library
from tenancy.models import AuditEvent
from tests.factories import pod_lead
from tests.platform_catalog.factories import catalog_model

pytestmark = pytest.mark.django_db


def test_card_with_evaluation_rows_is_audited(gorg, lead):
    m, _p, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, intended_use="Churn scoring", limitations="EU only",
                          evaluations=[{"metric": "auc", "value": 0.91, "dataset": "holdout-2026"},
                                       {"metric": "auc", "value": "0.84", "slice": "new customers"}])
    assert [(e.metric, e.value, e.slice) for e in model.evaluations.all()] == [
        ("auc", 0.84, "new customers"), ("auc", 0.91, "")]  # by metric, dataset, slice
    assert AuditEvent.objects.for_org(gorg).filter(action="catalog.model_created", target_id=str(model.pk)).exists()


@pytest.mark.parametrize("rows,field", [
    ([{"metric": "auc", "value": "high"}], "evaluations"),
    ([{"metric": "", "value": 1}], "evaluations"),
    ([{"metric": "auc", "value": True}], "evaluations"),
])
def test_bad_evaluation_rows_name_the_field_and_write_nothing(gorg, lead, rows, field):
    m, _p, pod = lead
    with pytest.raises(ValidationError) as e:
        catalog_model(gorg, pod, actor=m.user, evaluations=rows)
    assert field in e.value.message_dict
    assert not library.CatalogModel.objects.for_org(gorg).exists()


def test_same_name_and_version_is_refused(gorg, lead):
    m, _p, pod = lead
    catalog_model(gorg, pod, actor=m.user)
    with pytest.raises(ValidationError) as e:
        catalog_model(gorg, pod, actor=m.user, name="CHURN-xgb")
    assert "version" in e.value.message_dict


def test_alias_moves_between_versions_of_one_family_only(gorg, lead):
    m, _p, pod = lead
    v1 = catalog_model(gorg, pod, actor=m.user, version="1")
    v2 = catalog_model(gorg, pod, actor=m.user, version="2")
    other = catalog_model(gorg, pod, actor=m.user, name="fraud-gbm", version="1")
    library.alias_set(organization=gorg, actor=m.user, model=v1, alias="champion")
    library.alias_set(organization=gorg, actor=m.user, model=other, alias="champion")  # other family
    library.alias_set(organization=gorg, actor=m.user, model=v2, alias="champion")
    rows = ModelAlias.objects.for_org(gorg).filter(alias="champion").order_by("family")
    assert [(a.family, a.model_id) for a in rows] == [("churn-xgb", v2.pk), ("fraud-gbm", other.pk)]
    with pytest.raises(ValidationError):
        library.alias_set(organization=gorg, actor=m.user, model=v1, alias="Not A Slug")


def test_alias_of_another_org_model_is_refused(gorg, lead, other_org):
    from governance.services.matrix import governance_seed_defaults

    governance_seed_defaults(organization=other_org)
    om, _p, opod = pod_lead(other_org)
    foreign = catalog_model(other_org, opod, actor=om.user)
    with pytest.raises(ValidationError) as e:
        library.alias_set(organization=gorg, actor=lead[0].user, model=foreign, alias="champion")
    assert "model" in e.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_concurrent_alias_moves_leave_exactly_one_holder(org):
    from governance.services.matrix import governance_seed_defaults

    governance_seed_defaults(organization=org)
    m, _p, pod = pod_lead(org)
    versions = [catalog_model(org, pod, actor=m.user, version=str(i)) for i in range(4)]
    barrier = threading.Barrier(len(versions))
    errors: list[Exception] = []

    def move(model):
        try:
            barrier.wait()
            library.alias_set(organization=org, actor=m.user, model=model, alias="champion")
        except Exception as exc:  # noqa: BLE001 - any failure is the test's failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(v,)) for v in versions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    holders = list(ModelAlias.objects.for_org(org).filter(alias="champion").values_list("model_id", flat=True))
    assert len(holders) == 1 and holders[0] in {v.pk for v in versions}
    assert AuditEvent.objects.for_org(org).filter(action="catalog.alias_set").count() == len(versions)
