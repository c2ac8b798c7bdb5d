"""Reads of the platform catalog, scoped to an organization, at a constant number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from platform_catalog.models import CatalogModel, ModelAlias, ModelApproval, ModelEvaluation
from pods.models import Pod
from pods.selectors import pod_members
from tenancy.models import Organization, User


def catalog_in_use(*, organization: Organization) -> bool:
    return CatalogModel.objects.for_org(organization).exists()


def model_resolve(*, organization: Organization, name: str, version: str) -> CatalogModel | None:
    """The model `name` at `version`, where `version` may also be one of the family's aliases."""
    name = (name or "").strip()
    models = CatalogModel.objects.for_org(organization).select_related("approved_tier", "owner_pod")
    found = models.filter(name__iexact=name, version=(version or "").strip()).first()
    if found is not None:
        return found
    alias = (ModelAlias.objects.for_org(organization).filter(family=name.lower(), alias=(version or "").strip().lower())
             .select_related("model__approved_tier", "model__owner_pod").first())
    return alias.model if alias else None


def pod_lead_users(*, organization: Organization, pod: Pod) -> list[User]:
    return [a.person.user for a in pod_members(organization=organization, pod=pod)
            if a.role.is_lead and a.person.user_id is not None]


def model_list(*, organization: Organization, q: str = "", status: str = "", modality: str = "",
               pod: Any = None) -> QuerySet[CatalogModel]:
    qs = (CatalogModel.objects.for_org(organization).select_related("owner_pod", "approved_tier")
          .prefetch_related("aliases"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(provider__icontains=q) | Q(description__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if modality:
        qs = qs.filter(modality=modality)
    if pod:
        qs = qs.filter(owner_pod_id=pod)
    return qs.order_by("name", "version", "id")


def model_get(*, organization: Organization, pk: Any) -> CatalogModel:
    return model_list(organization=organization).get(pk=pk)


def model_evaluations(*, organization: Organization, model: CatalogModel) -> QuerySet[ModelEvaluation]:
    return ModelEvaluation.objects.for_org(organization).filter(model=model)


def model_approvals(*, organization: Organization, model: CatalogModel) -> QuerySet[ModelApproval]:
    return (ModelApproval.objects.for_org(organization).filter(model=model)
            .select_related("risk_tier", "requested_by", "decided_by", "escalation"))
