"""What the tenant-isolation walker needs from the platform catalog (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from typing import Any

from platform_catalog.services import components, library, relations, tracking
from tests.factories import pod_lead


def build(victim: Any) -> None:
    """Org A's catalog entries, experiment and run, named with the marker, in victim.extra.

    Runs after governance's build (alphabetical), whose deployment of "zzvictim-model" predates
    this catalog, so the gate check does not change it."""
    org = victim.org
    lead, _person, pod = pod_lead(org, victim.pod)
    model = library.catalog_model_create(organization=org, actor=lead.user, owner_pod=pod, provider="zzvictim provider",
                                         name="zzvictim catalog model", version="1")
    comp = components.component_save(organization=org, actor=lead.user, owner_pod=pod, name="zzvictim component")
    dp = components.data_product_save(organization=org, actor=lead.user, owner_pod=pod, name="zzvictim data product")
    relations.relation_create(organization=org, actor=lead.user, source_kind="component", source_id=comp.pk,
                              kind="depends_on", target_kind="data_product", target_id=dp.pk)
    exp = tracking.experiment_create(organization=org, actor=lead.user, name="zzvictim experiment")
    run = tracking.run_create(organization=org, actor=lead.user, experiment=exp, run_name="zzvictim run")
    from platform_catalog.models import DuplicatePair

    pair = DuplicatePair.objects.create(organization=org, entity_kind="component", a_id=comp.pk, b_id=comp.pk + 1,
                                        score=0.9, evidence={"names": ["zzvictim component", "x"]}, fingerprint="x")
    rel = relations.relation_create(organization=org, actor=lead.user, source_kind="model", source_id=model.pk,
                                    kind="consumes", target_kind="data_product", target_id=dp.pk)
    access = components.access_request_file(organization=org, actor=lead.user, data_product=dp,
                                            reason="zzvictim access reason")
    victim.extra.update(catalog_model=model, component=comp, data_product=dp, experiment=exp, run=run,
                        duplicate=pair, relation=rel, access_request=access)


def _pk(key: str) -> dict[str, Any]:
    return {"pk": lambda v: v.extra[key].pk}


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    **{f"platform_catalog:{slug}_{view}": _pk(key)
       for slug, key in (("model", "catalog_model"), ("component", "component"), ("data_product", "data_product"))
       for view in ("detail", "edit")},
    **{f"platform_catalog:{slug}_action": {**_pk(key), "action": lambda v: "adopt"}
       for slug, key in (("model", "catalog_model"), ("component", "component"), ("data_product", "data_product"))},
    "platform_catalog:experiment_detail": _pk("experiment"),
    "platform_catalog:run_compare": _pk("experiment"),
    "platform_catalog:experiment_link": _pk("experiment"),
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "catalog-model-": _pk("catalog_model"),
    "component-": _pk("component"),
    "data-product-": _pk("data_product"),
    "duplicate-": _pk("duplicate"),
    "relation-": _pk("relation"),
    "access-request-": _pk("access_request"),
    "experiment-": _pk("experiment"),
    # MLflow's endpoints carry ids in the body or query, not the path; the catch-all names an
    # endpoint Podium does not serve (404 in every org). The body/query ids are checked in
    # tests/platform_catalog/test_mlflow_api.py (another org's run answers RESOURCE_DOES_NOT_EXIST).
    "mlflow-unsupported": {"rest": lambda v: "mlflow/registered-models/list"},
}
VICTIM_NAMES: list[str] = ["zzvictim catalog model", "zzvictim component", "zzvictim data product",
                           "zzvictim experiment", "zzvictim run", "zzvictim access reason"]
