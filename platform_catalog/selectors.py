"""Reads of the platform catalog, scoped to an organization, at a constant number of queries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet

from platform_catalog.models import (
    CatalogModel,
    Component,
    DataProduct,
    EntityKind,
    ModelAlias,
    ModelApproval,
    ModelEvaluation,
)
from platform_catalog.models.tracking import Experiment
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
    return [user for a in pod_members(organization=organization, pod=pod)
            if a.role.is_lead and (user := a.person.user) is not None]


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


# --- Entries by kind (relations, adoptions, duplicates name an entry by kind and id) ---------


def entity_models() -> dict[str, type[models.Model]]:
    return {EntityKind.MODEL: CatalogModel, EntityKind.COMPONENT: Component,
            EntityKind.DATA_PRODUCT: DataProduct, EntityKind.EXPERIMENT: Experiment}


def entity_get(organization: Organization, kind: str, pk: Any, *, field: str = "target") -> Any:
    """The entry of `kind` with id `pk` in this organization; a 400 naming `field` otherwise."""
    table = entity_models().get(kind)
    if table is None:
        raise ValidationError({f"{field}_kind": f"Unknown kind “{kind}”: use one of {', '.join(EntityKind.values)}."})
    try:
        return table.objects.for_org(organization).get(pk=int(pk))  # type: ignore[attr-defined]
    except (TypeError, ValueError, table.DoesNotExist):  # type: ignore[attr-defined]
        raise ValidationError({f"{field}_id": "Not found in this organization."}) from None


def entities_by_key(organization: Organization, keys: set[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    """Entries for (kind, id) pairs in one query per kind (for lists of relations and adoptions)."""
    out: dict[tuple[str, int], Any] = {}
    by_kind: dict[str, set[int]] = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, set()).add(pk)
    for kind, pks in by_kind.items():
        table = entity_models()[kind]
        for obj in table.objects.for_org(organization).filter(pk__in=pks).select_related("owner_pod"):  # type: ignore[attr-defined]
            out[(kind, obj.pk)] = obj
    return out


# --- Relations and adoptions ---------------------------------------------------------------------


def relations_of(*, organization: Organization, kind: str, pk: int) -> list[dict[str, Any]]:
    """Both directions of every relation of one entry: outgoing as stored (`depends_on`),
    incoming under the inverse name (`dependency_of`), with the other entry loaded. 1 + kinds queries."""
    from platform_catalog.models import INVERSE, Relation

    rows = list(Relation.objects.for_org(organization).filter(
        Q(source_kind=kind, source_id=pk) | Q(target_kind=kind, target_id=pk)))
    keys = set()
    for r in rows:
        keys.add((r.target_kind, r.target_id) if (r.source_kind, r.source_id) == (kind, pk)
                 else (r.source_kind, r.source_id))
    others = entities_by_key(organization, keys)
    out = []
    for r in rows:
        outgoing = (r.source_kind, r.source_id) == (kind, pk)
        other_key = (r.target_kind, r.target_id) if outgoing else (r.source_kind, r.source_id)
        out.append({"relation": r, "id": r.pk, "kind": r.kind if outgoing else INVERSE[r.kind],
                    "other_kind": other_key[0], "other_id": other_key[1], "other": others.get(other_key)})
    return sorted(out, key=lambda d: (d["kind"], str(d["other"])))


def adoptions_of(*, organization: Organization, kind: str, pk: int) -> QuerySet[Any]:
    from platform_catalog.models import Adoption

    return Adoption.objects.for_org(organization).filter(entity_kind=kind, entity_id=pk).select_related("pod")


def deprecation_impact(*, organization: Organization, kind: str, entry: Any) -> dict[str, Any]:
    """What deprecating an entry touches: consuming pods, dependants and (models) deployments."""
    from governance.selectors import deployments_of_model

    impact = {"pods": [a.pod for a in adoptions_of(organization=organization, kind=kind, pk=entry.pk)],
              "dependants": [r for r in relations_of(organization=organization, kind=kind, pk=entry.pk)
                             if r["kind"] in ("dependency_of", "consumed_by")],
              "deployments": []}
    if kind == EntityKind.MODEL:
        impact["deployments"] = list(deployments_of_model(organization=organization, model_name=entry.name,
                                                          version=entry.version))
    return impact


# --- Coordination quality ------------------------------------------------------------------------

REUSE_SQL = """
WITH owned AS (
    SELECT 'component' AS kind, id, owner_pod_id FROM platform_catalog_component WHERE organization_id = %(org)s
    UNION ALL SELECT 'data_product', id, owner_pod_id FROM platform_catalog_dataproduct WHERE organization_id = %(org)s
    UNION ALL SELECT 'model', id, owner_pod_id FROM platform_catalog_catalogmodel WHERE organization_id = %(org)s
), reuse AS (
    SELECT a.pod_id, a.since FROM platform_catalog_adoption a
    JOIN owned o ON o.kind = a.entity_kind AND o.id = a.entity_id AND o.owner_pod_id <> a.pod_id
    WHERE a.organization_id = %(org)s
), quarters AS (
    SELECT (date_trunc('quarter', %(today)s::date) - (n || ' months')::interval + interval '3 months' - interval '1 day')::date AS q_end
    FROM generate_series(0, 9, 3) AS n
)
SELECT q.q_end,
       (SELECT count(DISTINCT r.pod_id) FROM reuse r WHERE r.since <= q.q_end),
       (SELECT count(*) FROM pods_pod p WHERE p.organization_id = %(org)s AND p.status <> 'sunset')
FROM quarters q ORDER BY q.q_end
"""


def reuse_figures(*, organization: Organization, today: Any = None) -> dict[str, Any]:
    """Share of pods consuming something another pod owns (now and per quarter, last four), and
    adoptions per component. A constant three queries."""
    import datetime

    from django.db import connection
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from platform_catalog.models import Adoption, DuplicateDecision, DuplicatePair

    today = today or datetime.date.today()
    with connection.cursor() as cur:
        cur.execute(REUSE_SQL, {"org": organization.pk, "today": today})
        trend = [{"quarter_end": q_end, "pods_reusing": n, "pods": total,
                  "share": round(n / total, 3) if total else 0.0} for q_end, n, total in cur.fetchall()]
    counts = (Adoption.objects.for_org(organization).filter(entity_kind="component", entity_id=OuterRef("pk"))
              .values("entity_id").annotate(n=Count("id")).values("n"))
    components = list(Component.objects.for_org(organization).select_related("owner_pod")
                      .annotate(adoptions=Coalesce(Subquery(counts), 0)).order_by("-adoptions", "name")[:20])
    open_pairs = DuplicatePair.objects.for_org(organization).filter(current=True,
                                                                    decision=DuplicateDecision.OPEN).count()
    now = trend[-1] if trend else {"pods_reusing": 0, "pods": 0, "share": 0.0}
    return {"share": now["share"], "pods_reusing": now["pods_reusing"], "pods": now["pods"], "trend": trend,
            "components": components, "open_duplicates": open_pairs}


def duplicate_pairs(*, organization: Organization, decision: str = "open", kind: str = "") -> QuerySet[Any]:
    from platform_catalog.models import DuplicatePair

    qs = DuplicatePair.objects.for_org(organization).filter(current=True).select_related("decided_by")
    if decision:
        qs = qs.filter(decision=decision)
    if kind:
        qs = qs.filter(entity_kind=kind)
    return qs.order_by("-score", "id")


# --- Lists of components and data products --------------------------------------------------------


def component_list(*, organization: Organization, q: str = "", maturity: str = "", pod: Any = None
                   ) -> QuerySet[Component]:
    qs = Component.objects.for_org(organization).select_related("owner_pod")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(kind__icontains=q) | Q(description__icontains=q))
    if maturity:
        qs = qs.filter(maturity=maturity)
    if pod:
        qs = qs.filter(owner_pod_id=pod)
    return qs.order_by("name", "id")


def data_product_list(*, organization: Organization, q: str = "", contract_state: str = "",
                      access_policy: str = "", pod: Any = None) -> QuerySet[DataProduct]:
    qs = DataProduct.objects.for_org(organization).select_related("owner_pod")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(domain__icontains=q) | Q(description__icontains=q))
    if contract_state:
        qs = qs.filter(contract_state=contract_state)
    if access_policy:
        qs = qs.filter(access_policy=access_policy)
    if pod:
        qs = qs.filter(owner_pod_id=pod)
    return qs.order_by("name", "id")


def data_product_detail(*, organization: Organization, data_product: DataProduct) -> dict[str, Any]:
    from platform_catalog.models import AccessRequest, QualityRun, SchemaVersion

    return {
        "schema": SchemaVersion.objects.for_org(organization).filter(data_product=data_product).first(),
        "quality_runs": list(QualityRun.objects.for_org(organization).filter(data_product=data_product)[:10]),
        "access_requests": list(AccessRequest.objects.for_org(organization).filter(data_product=data_product)
                                .select_related("requested_by", "pod", "decided_by")[:50]),
    }


def access_request_get(*, organization: Organization, pk: Any) -> Any:
    from platform_catalog.models import AccessRequest

    return AccessRequest.objects.for_org(organization).select_related("data_product__owner_pod").get(pk=pk)


def relation_get(*, organization: Organization, pk: Any) -> Any:
    from platform_catalog.models import Relation

    return Relation.objects.for_org(organization).get(pk=pk)


def duplicate_get(*, organization: Organization, pk: Any) -> Any:
    from platform_catalog.models import DuplicatePair

    return DuplicatePair.objects.for_org(organization).get(pk=pk)


def adoption_list(*, organization: Organization, entity_kind: str = "", entity_id: Any = None,
                  pod: Any = None) -> QuerySet[Any]:
    from platform_catalog.models import Adoption

    qs = Adoption.objects.for_org(organization)
    if entity_kind:
        qs = qs.filter(entity_kind=entity_kind)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if pod:
        qs = qs.filter(pod_id=pod)
    return qs.order_by("-since", "-id")


def access_request_list(*, organization: Organization, data_product: Any = None, status: str = "") -> QuerySet[Any]:
    from platform_catalog.models import AccessRequest

    qs = AccessRequest.objects.for_org(organization)
    if data_product:
        qs = qs.filter(data_product_id=data_product)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")
