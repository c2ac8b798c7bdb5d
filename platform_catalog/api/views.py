"""The catalog API: models (cards, aliases, approval), components, data products (schema,
contract checks pushed by pipelines), adoptions, relations, coordination figures, duplicates.
Same rules as the pages: everyone in the organization reads; the owner pod's lead or an admin
writes; leaders decide duplicates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_catalog import selectors
from platform_catalog.api import serializers as s
from platform_catalog.models import (
    Adoption,
    CatalogModel,
    Component,
    DataProduct,
    DuplicatePair,
    EntityKind,
    Maturity,
    Relation,
)
from platform_catalog.services import components as comp_svc
from platform_catalog.services import library, relations
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIMixin, OrgAPIRequest
from tenancy.api.views import ApiViewSet


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@extend_schema_view(
    list=extend_schema(parameters=[s.ModelFilter], responses=s.CatalogModelSerializer(many=True)),
    retrieve=extend_schema(responses=s.CatalogModelSerializer),
    create=extend_schema(request=s.CatalogModelWriteSerializer, responses={201: s.CatalogModelSerializer}),
    partial_update=extend_schema(request=s.CatalogModelUpdateSerializer, responses=s.CatalogModelSerializer),
)
class CatalogModelViewSet(ApiViewSet):
    """The model library: versions with their card, aliases and the risk tier they are approved for."""

    queryset = CatalogModel.objects.none()
    serializer_class = s.CatalogModelSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _model(self, pk: Any) -> CatalogModel:
        return get_or_404(selectors.model_list(organization=self.organization).prefetch_related("evaluations"), pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        qs = selectors.model_list(organization=self.organization, **self.query_params(s.ModelFilter))
        return self.paginated(qs.prefetch_related("evaluations"), s.CatalogModelSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        return Response(s.CatalogModelSerializer(self._model(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.publish")
        data = self.validated(s.CatalogModelWriteSerializer).validated_data
        self.check_rule("catalog.edit", type("Entry", (), {"owner_pod": data["owner_pod"]})())
        model = library.catalog_model_create(organization=self.organization, actor=request.user, **data)
        return Response(s.CatalogModelSerializer(self._model(model.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        model = self._model(pk)
        self.check_rule("catalog.edit", model)
        data = self.validated(s.CatalogModelUpdateSerializer, partial=True).validated_data
        library.catalog_model_update(organization=self.organization, actor=request.user, model=model, **data)
        return Response(s.CatalogModelSerializer(self._model(model.pk)).data)

    @extend_schema(request=s.ApproveSerializer, responses={201: s.ApprovalSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Ask to approve the model up to a risk tier ("select a model" in the decision-rights matrix)."""
        model = self._model(pk)
        self.check_rule("catalog.request_approval", model)
        data = self.validated(s.ApproveSerializer).validated_data
        approval = library.model_approval_request(organization=self.organization, actor=request.user, model=model,
                                                  risk_tier=data["risk_tier"], note=data.get("note", ""))
        return Response(s.ApprovalSerializer(approval).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AliasSerializer, responses=s.CatalogModelSerializer)
    @action(detail=True, methods=["post"])
    def aliases(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Point an alias (unique within the model's name) at this version; it moves off any other."""
        model = self._model(pk)
        self.check_rule("catalog.edit", model)
        library.alias_set(organization=self.organization, actor=request.user, model=model,
                          alias=self.validated(s.AliasSerializer).validated_data["alias"])
        return Response(s.CatalogModelSerializer(self._model(model.pk)).data)


    @extend_schema(request=None, responses=s.CatalogModelSerializer)
    @action(detail=True, methods=["post"])
    def deprecate(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Deprecate: the gate still passes it at its approved tiers, with a warning to its owners.
        Read `…/impact/` first."""
        return self._status(pk, library.catalog_model_deprecate)

    @extend_schema(request=None, responses=s.CatalogModelSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Retire: the gate fails every deployment of this version."""
        return self._status(pk, library.catalog_model_retire)

    def _status(self, pk: Any, service: Any) -> Response:
        model = self._model(pk)
        self.check_rule("catalog.edit", model)
        service(organization=self.organization, actor=self.request.user, model=model)
        return Response(s.CatalogModelSerializer(self._model(model.pk)).data)

    @extend_schema(responses=s.ImpactSerializer)
    @action(detail=True, methods=["get"])
    def impact(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """What deprecating this version touches: adopting pods, dependants, its gate reviews."""
        return _impact(self, EntityKind.MODEL, self._model(pk))


def _impact(view: ApiViewSet, kind: str, entry: Any) -> Response:
    view.check_rule("catalog.view")
    return Response(s.ImpactSerializer(selectors.deprecation_impact(organization=view.organization, kind=kind,
                                                                    entry=entry)).data)


class _OwnedViewSet(ApiViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    read: Any
    write: Any
    filters: Any
    list_selector: Any
    save: Any
    field: str

    def _entry(self, pk: Any) -> Any:
        return get_or_404(self.list_selector(organization=self.organization), pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        return self.paginated(self.list_selector(organization=self.organization, **self.query_params(self.filters)),
                              self.read)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        return Response(self.read(self._entry(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.publish")
        data = _clean(dict(self.validated(self.write).validated_data))
        self.check_rule("catalog.edit", type("Entry", (), {"owner_pod": data.get("owner_pod")})())
        obj = type(self).save(organization=self.organization, actor=request.user, **data)
        return Response(self.read(self._entry(obj.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        obj = self._entry(pk)
        self.check_rule("catalog.edit", obj)
        data = _clean(dict(self.validated(self.write, partial=True).validated_data))
        if data.get("owner_pod") is not None:
            self.check_rule("catalog.edit", type("Entry", (), {"owner_pod": data["owner_pod"]})())
        type(self).save(organization=self.organization, actor=request.user, **{self.field: obj}, **data)
        return Response(self.read(self._entry(obj.pk)).data)

    def _impact(self, pk: Any) -> Response:
        return _impact(self, self.field, self._entry(pk))


@extend_schema_view(
    list=extend_schema(parameters=[s.ComponentFilter], responses=s.ComponentSerializer(many=True)),
    retrieve=extend_schema(responses=s.ComponentSerializer),
    create=extend_schema(request=s.ComponentWriteSerializer, responses={201: s.ComponentSerializer}),
    partial_update=extend_schema(request=s.ComponentWriteSerializer, responses=s.ComponentSerializer),
)
class ComponentViewSet(_OwnedViewSet):
    """Reusable platform components owned by pods."""

    queryset = Component.objects.none()
    serializer_class = s.ComponentSerializer
    read, write, filters, field = s.ComponentSerializer, s.ComponentWriteSerializer, s.ComponentFilter, "component"
    list_selector = staticmethod(selectors.component_list)
    save = staticmethod(comp_svc.component_save)

    @extend_schema(request=None, responses=s.ComponentSerializer)
    @action(detail=True, methods=["post"])
    def deprecate(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Mark the component deprecated (its maturity). Read `…/impact/` first."""
        obj = self._entry(pk)
        self.check_rule("catalog.edit", obj)
        comp_svc.component_save(organization=self.organization, actor=request.user, component=obj,
                                maturity=Maturity.DEPRECATED)
        return Response(s.ComponentSerializer(self._entry(obj.pk)).data)

    @extend_schema(responses=s.ImpactSerializer)
    @action(detail=True, methods=["get"])
    def impact(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """What deprecating this component touches: adopting pods and dependants."""
        return self._impact(pk)


@extend_schema_view(
    list=extend_schema(parameters=[s.DataProductFilter], responses=s.DataProductSerializer(many=True)),
    retrieve=extend_schema(responses=s.DataProductSerializer),
    create=extend_schema(request=s.DataProductWriteSerializer, responses={201: s.DataProductSerializer}),
    partial_update=extend_schema(request=s.DataProductWriteSerializer, responses=s.DataProductSerializer),
)
class DataProductViewSet(_OwnedViewSet):
    """Data products with their contract; pipelines push quality results to `…/checks/`."""

    queryset = DataProduct.objects.none()
    serializer_class = s.DataProductSerializer
    read, write, filters, field = (s.DataProductSerializer, s.DataProductWriteSerializer, s.DataProductFilter,
                                   "data_product")
    list_selector = staticmethod(selectors.data_product_list)
    save = staticmethod(comp_svc.data_product_save)

    @extend_schema(request=s.ChecksSerializer, responses={201: s.QualityRunSerializer})
    @action(detail=True, methods=["post"])
    def checks(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Quality-check results (passed, failed; optionally when the data was refreshed). The contract
        is re-checked at once: a breach opens an incident for the owner pod, a recovery resolves it."""
        dp = self._entry(pk)
        self.check_rule("catalog.push_quality", dp)
        data = self.validated(s.ChecksSerializer).validated_data
        run = comp_svc.quality_push(organization=self.organization, actor=request.user, data_product=dp, **data)
        run.data_product = self._entry(dp.pk)
        return Response(s.QualityRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SchemaSerializer, responses={201: s.SchemaVersionSerializer})
    @action(detail=True, methods=["post"], url_path="schema", url_name="schema")
    def publish_schema(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Publish a new schema version: fields with type, description and PII flag."""
        dp = self._entry(pk)
        self.check_rule("catalog.edit", dp)
        data = self.validated(s.SchemaSerializer).validated_data
        version = comp_svc.schema_publish(organization=self.organization, actor=request.user, data_product=dp,
                                          fields=[dict(f) for f in data["fields"]], note=data.get("note", ""))
        return Response(s.SchemaVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ImpactSerializer)
    @action(detail=True, methods=["get"])
    def impact(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """What retiring this data product touches: consuming pods and dependants."""
        return self._impact(pk)


@extend_schema_view(
    list=extend_schema(parameters=[s.AdoptionFilter], responses=s.AdoptionSerializer(many=True)),
    create=extend_schema(request=s.AdoptionWriteSerializer, responses={201: s.AdoptionSerializer}),
)
class AdoptionViewSet(ApiViewSet):
    """Which pods consume which models, components and data products (CI may push them)."""

    queryset = Adoption.objects.none()
    serializer_class = s.AdoptionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        params = self.query_params(s.AdoptionFilter)
        qs = selectors.adoption_list(organization=self.organization, **params)
        return self.paginated(qs, s.AdoptionSerializer)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        data = self.validated(s.AdoptionWriteSerializer).validated_data
        self.check_rule("catalog.adopt", data["pod"])
        adoption = relations.adoption_record(organization=self.organization, actor=request.user,
                                             source=Adoption.Source.API, **data)
        return Response(s.AdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[s.RelationFilter], responses=s.RelationReadSerializer(many=True)),
    create=extend_schema(request=s.RelationWriteSerializer, responses={201: s.RelationSerializer}),
)
class RelationViewSet(ApiViewSet):
    """Typed relations; listing an entry's relations reads both directions (depends_on / dependency_of)."""

    queryset = Relation.objects.none()
    serializer_class = s.RelationSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        p = self.query_params(s.RelationFilter)
        rows = selectors.relations_of(organization=self.organization, kind=p["entity_kind"], pk=p["entity_id"])
        return self.paginated(rows, s.RelationReadSerializer)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        data = self.validated(s.RelationWriteSerializer).validated_data
        source = selectors.entity_get(self.organization, data["source_kind"], data["source_id"], field="source")
        self.check_rule("catalog.edit", source)
        rel = relations.relation_create(organization=self.organization, actor=request.user, **data)
        return Response(s.RelationSerializer(rel).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        rel = get_or_404(lambda **k: selectors.relation_get(organization=self.organization, **k), pk=pk)
        source = selectors.entity_get(self.organization, rel.source_kind, rel.source_id, field="source")
        self.check_rule("catalog.edit", source)
        relations.relation_delete(organization=self.organization, actor=request.user, relation=rel)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(responses=s.DuplicatePairSerializer(many=True)))
class DuplicateViewSet(ApiViewSet):
    """Duplication candidates (the latest computation); leaders decide duplicate or distinct."""

    queryset = DuplicatePair.objects.none()
    serializer_class = s.DuplicatePairSerializer
    http_method_names = ["get", "post", "head", "options"]

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.view_coordination")
        return self.paginated(selectors.duplicate_pairs(organization=self.organization, decision=""),
                              s.DuplicatePairSerializer)

    @extend_schema(request=s.DuplicateDecideSerializer, responses=s.DuplicatePairSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("catalog.decide_duplicate")
        pair = get_or_404(lambda **k: selectors.duplicate_get(organization=self.organization, **k), pk=pk)
        data = self.validated(s.DuplicateDecideSerializer).validated_data
        pair = relations.duplicate_decide(organization=self.organization, actor=request.user, pair=pair,
                                          decision=data["decision"], merge_into=data.get("merge_into"))
        return Response(s.DuplicatePairSerializer(pair).data)


class CoordinationView(OrgAPIMixin, APIView):
    """Coordination quality: the share of pods reusing others' work (now and per quarter),
    adoptions per component and open duplicate candidates."""

    @extend_schema(responses=s.CoordinationSerializer)
    def get(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.view_coordination")
        return Response(s.CoordinationSerializer(selectors.reuse_figures(organization=self.organization)).data)
