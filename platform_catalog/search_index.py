"""Catalog entries in the one search (knowledge's index): kinds registered in `apps.py`, documents
upserted by the services that write the entries (inside their transaction)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from knowledge.search import index_upsert

KINDS = {"catalog_model": "Catalog model", "catalog_component": "Platform component",
         "catalog_data_product": "Data product", "catalog_experiment": "Experiment"}
URL_NAMES = {"catalog_model": "platform_catalog:model_detail", "catalog_component": "platform_catalog:component_detail",
             "catalog_data_product": "platform_catalog:data_product_detail",
             "catalog_experiment": "platform_catalog:experiment_detail"}


def index_entry(kind: str, obj: Any, *, title: str, body: str = "", tags: list[str] | None = None) -> None:
    org = obj.organization
    url = reverse(URL_NAMES[kind], kwargs={"org_slug": org.slug, "pk": obj.pk})
    index_upsert(organization=org, kind=kind, object_id=obj.pk, title=title, body=body, tags=tags or [],
                 pod_id=getattr(obj, "owner_pod_id", None), url=url)
