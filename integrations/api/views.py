"""The webhooks API: `/api/v1/o/<slug>/webhooks/…`, for the organization's admins only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from integrations import selectors, services
from integrations.api.serializers import (
    DeliverySerializer,
    EndpointSerializer,
    EndpointWithSecretSerializer,
    EventTypeSerializer,
    ReplaySerializer,
)
from integrations.events import event_type_choices
from integrations.models import WebhookDelivery, WebhookEndpoint
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet


class WebhookEndpointViewSet(ApiViewSet):
    """Endpoints that receive the organization's events, signed per Standard Webhooks."""

    queryset = WebhookEndpoint.objects.none()
    serializer_class = EndpointSerializer

    def _endpoint(self, pk: Any) -> WebhookEndpoint:
        self.check_rule("integrations.manage_webhooks")
        return get_or_404(selectors.endpoint_list(organization=self.organization), pk=pk)

    @extend_schema(responses=EndpointSerializer(many=True))
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("integrations.manage_webhooks")
        return self.paginated(selectors.endpoint_list(organization=self.organization), EndpointSerializer)

    @extend_schema(request=EndpointSerializer, responses={201: EndpointWithSecretSerializer})
    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("integrations.manage_webhooks")
        data = self.validated(EndpointSerializer).validated_data
        endpoint = services.endpoint_create(organization=self.organization, actor=request.user, **data)
        return Response(EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=EndpointSerializer)
    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(EndpointSerializer(self._endpoint(pk)).data)

    @extend_schema(request=EndpointSerializer, responses=EndpointSerializer)
    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        endpoint = self._endpoint(pk)
        data = self.validated(EndpointSerializer, endpoint, partial=True).validated_data
        endpoint = services.endpoint_update(
            organization=self.organization, actor=request.user, endpoint=endpoint, **data
        )
        return Response(EndpointSerializer(endpoint).data)

    def destroy(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        endpoint = self._endpoint(pk)
        services.endpoint_delete(organization=self.organization, actor=request.user, endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=EndpointWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        endpoint = services.endpoint_rotate_secret(
            organization=self.organization, actor=request.user, endpoint=self._endpoint(pk)
        )
        return Response(EndpointWithSecretSerializer(endpoint).data)

    @extend_schema(responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        endpoint = self._endpoint(pk)
        rows = selectors.delivery_list(organization=self.organization, endpoint=endpoint)
        return self.paginated(rows, DeliverySerializer)

    @extend_schema(request=ReplaySerializer, responses={202: None})
    @action(detail=True, methods=["post"])
    def replay(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        endpoint = self._endpoint(pk)
        since = self.validated(ReplaySerializer).validated_data["since"]
        count = services.endpoint_replay_since(
            organization=self.organization, actor=request.user, endpoint=endpoint, since=since
        )
        return Response({"queued": count}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"], url_path="deliveries/<int:delivery_pk>/redeliver")
    def redeliver(self, request: OrgAPIRequest, pk: Any = None, delivery_pk: Any = None, **kwargs: Any) -> Response:
        endpoint = self._endpoint(pk)
        delivery: WebhookDelivery = get_or_404(
            selectors.delivery_list(organization=self.organization, endpoint=endpoint), pk=delivery_pk
        )
        services.delivery_redeliver(organization=self.organization, actor=request.user, delivery=delivery)
        delivery = get_or_404(
            selectors.delivery_list(organization=self.organization, endpoint=endpoint), pk=delivery.pk
        )
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=EventTypeSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="event-types")
    def event_types(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("integrations.manage_webhooks")
        return Response([{"type": t, "description": d} for t, d in event_type_choices()])
