"""Catalog API for what links entries to people and work: access requests to data products (the
owner pod decides) and experiments linked to their pod, catalog model and data products (the
MLflow API creates them; this links them, as the experiment page does)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from platform_catalog import selectors
from platform_catalog import tracking_selectors as tsel
from platform_catalog.api import serializers as s
from platform_catalog.models import AccessRequest, Experiment
from platform_catalog.services import components as comp_svc
from platform_catalog.services import tracking
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet


@extend_schema_view(
    list=extend_schema(parameters=[s.AccessRequestFilter], responses=s.AccessRequestSerializer(many=True)),
    retrieve=extend_schema(responses=s.AccessRequestSerializer),
    create=extend_schema(request=s.AccessRequestWriteSerializer, responses={201: s.AccessRequestSerializer}),
)
class AccessRequestViewSet(ApiViewSet):
    """Requests for access to data products that are not open; the owner pod's lead (or an admin) decides."""

    queryset = AccessRequest.objects.none()
    serializer_class = s.AccessRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def _request(self, pk: Any) -> AccessRequest:
        return get_or_404(lambda **k: selectors.access_request_get(organization=self.organization, **k), pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        qs = selectors.access_request_list(organization=self.organization, **self.query_params(s.AccessRequestFilter))
        return self.paginated(qs, s.AccessRequestSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        return Response(s.AccessRequestSerializer(self._request(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.request_access")
        data = self.validated(s.AccessRequestWriteSerializer).validated_data
        req = comp_svc.access_request_file(organization=self.organization, actor=request.user,
                                           data_product=data["data_product"], reason=data["reason"],
                                           pod=data.get("pod"))
        return Response(s.AccessRequestSerializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AccessDecideSerializer, responses=s.AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Grant or refuse (a refusal needs a note); a request is decided once."""
        req = self._request(pk)
        self.check_rule("catalog.decide_access", req)
        data = self.validated(s.AccessDecideSerializer).validated_data
        req = comp_svc.access_request_decide(organization=self.organization, actor=request.user, request=req,
                                             approve=data["decision"] == "grant", note=data.get("note", ""))
        return Response(s.AccessRequestSerializer(req).data)


@extend_schema_view(
    list=extend_schema(parameters=[s.ExperimentFilter], responses=s.ExperimentSerializer(many=True)),
    retrieve=extend_schema(responses=s.ExperimentSerializer),
)
class ExperimentViewSet(ApiViewSet):
    """Experiments (logged through the MLflow API) with the pod, catalog model and data products they are
    linked to. Runs, params and metrics are read and written through `mlflow/`."""

    queryset = Experiment.objects.none()
    serializer_class = s.ExperimentSerializer
    http_method_names = ["get", "post", "head", "options"]

    def _experiment(self, pk: Any) -> Experiment:
        return get_or_404(tsel.experiment_list(organization=self.organization), pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        qs = tsel.experiment_list(organization=self.organization, **self.query_params(s.ExperimentFilter))
        return self.paginated(qs, s.ExperimentSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("catalog.view")
        return Response(s.ExperimentSerializer(self._experiment(pk)).data)

    @extend_schema(request=s.ExperimentLinkSerializer, responses=s.ExperimentSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Link the experiment to its owner pod, a catalog model and data products (left-out fields keep
        their link; `null` or `[]` removes it)."""
        exp = self._experiment(pk)
        self.check_rule("catalog.link_experiment", exp)
        data = self.validated(s.ExperimentLinkSerializer).validated_data
        experiment_link_as(self.check_rule, self.organization, request.user, exp, data)
        return Response(s.ExperimentSerializer(self._experiment(exp.pk)).data)


def experiment_link_as(check: Callable[[str, Any], None], organization: Any, actor: Any, exp: Experiment,
                       data: dict[str, Any]) -> Experiment:
    """Apply a link request (API or page; `check` raises when a rule is refused): left-out fields keep
    their link, and a new owner pod needs the right to act for that pod."""
    pod = data.get("owner_pod", exp.owner_pod)
    if "owner_pod" in data and pod is not None and pod.pk != exp.owner_pod_id:
        check("catalog.adopt", pod)
    return tracking.experiment_link(
        organization=organization, actor=actor, experiment=exp, owner_pod=pod,
        model=data.get("model", exp.model),
        data_products=list(data["data_products"]) if "data_products" in data else list(exp.data_products.all()),
        description=data.get("description"))
