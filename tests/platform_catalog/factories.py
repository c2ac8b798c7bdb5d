"""Catalog objects for tests, made through the services (so they are audited and valid)."""

from __future__ import annotations

from typing import Any

from governance.models import RiskTier
from platform_catalog.models import CatalogModel
from platform_catalog.services import library


def tier(org: Any, key: str) -> RiskTier:
    return RiskTier.objects.for_org(org).get(key=key)


def catalog_model(org: Any, pod: Any, *, name: str = "churn-xgb", version: str = "1.4.0",
                  actor: Any = None, approved: str | None = None, **extra: Any) -> CatalogModel:
    """A model in the catalog; `approved="medium"` approves it up to that tier as `actor` decides."""
    extra.setdefault("provider", "In-house")
    model = library.catalog_model_create(organization=org, actor=actor, owner_pod=pod, name=name,
                                         version=version, **extra)
    if approved:
        # Low and medium are decided by the pod itself under the default matrix.
        library.model_approval_request(organization=org, actor=actor, model=model, risk_tier=tier(org, approved))
        model.refresh_from_db()
    return model


def component(org: Any, pod: Any, *, name: str = "Feature store", actor: Any = None, **fields: Any) -> Any:
    from platform_catalog.services.components import component_save

    fields.setdefault("description", "Shared online and offline features.")
    return component_save(organization=org, actor=actor, owner_pod=pod, name=name, **fields)


def data_product(org: Any, pod: Any, *, name: str = "Customer events", actor: Any = None,
                 schema: list[dict[str, Any]] | None = None, **fields: Any) -> Any:
    from platform_catalog.services.components import data_product_save, schema_publish

    dp = data_product_save(organization=org, actor=actor, owner_pod=pod, name=name, **fields)
    if schema:
        schema_publish(organization=org, actor=actor, data_product=dp, fields=schema)
        dp.refresh_from_db()
    return dp
