"""The service-marketplace API: offerings (a provider pod's lead or an admin writes) and
service requests (a requesting pod's lead creates, cancels, closes; the provider's lead accepts,
declines, delivers). Same rules as the pages; an illegal transition or a lost race is a 409."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from resources.market import selectors, services
from resources.market.api.serializers import (
    OfferingFilter,
    OfferingSerializer,
    OfferingUpdateSerializer,
    RequestFilter,
    ServiceRequestSerializer,
    TransitionSerializer,
)
from resources.market.models import PROVIDER_ACTIONS, ServiceOffering, ServiceRequest
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet


@extend_schema_view(
    list=extend_schema(parameters=[OfferingFilter], responses=OfferingSerializer(many=True)),
    retrieve=extend_schema(responses=OfferingSerializer),
    create=extend_schema(request=OfferingSerializer, responses={201: OfferingSerializer}),
    partial_update=extend_schema(request=OfferingUpdateSerializer, responses=OfferingSerializer),
)
class OfferingViewSet(ApiViewSet):
    """Services a pod offers other pods: unit, price in credits per unit, response SLA in hours,
    monthly capacity (units accepted per month at most), with this month's booked units."""

    queryset = ServiceOffering.objects.none()
    serializer_class = OfferingSerializer

    def _offering(self, pk: Any) -> ServiceOffering:
        return get_or_404(selectors.offering_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("market.view")
        p = self.query_params(OfferingFilter)
        qs = selectors.offering_list(organization=self.organization, q=p.get("q", ""), provider_id=p.get("provider"),
                                     active_only=not p.get("include_inactive", False))
        return self.paginated(qs, OfferingSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("market.view")
        return Response(OfferingSerializer(self._offering(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("market.manage_offering")
        data = self.validated(OfferingSerializer).validated_data
        self.check_rule("market.manage_offering", data["provider"])
        o = services.offering_create(organization=self.organization, actor=request.user, **data)
        return Response(OfferingSerializer(self._offering(o.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        offering = self._offering(pk)
        self.check_rule("market.manage_offering", offering)
        data = self.validated(OfferingUpdateSerializer, partial=True).validated_data
        services.offering_update(organization=self.organization, actor=request.user, offering=offering, **data)
        return Response(OfferingSerializer(self._offering(offering.pk)).data)


CONFLICT = OpenApiResponse(description="Illegal in the request's current state (or another change won the "
                                       "race), or the offering's monthly capacity is taken.")


def _transition_schema(doc: str) -> Any:
    return extend_schema(request=TransitionSerializer, responses={200: ServiceRequestSerializer, 409: CONFLICT},
                         description=doc)


@extend_schema_view(
    list=extend_schema(parameters=[RequestFilter], responses=ServiceRequestSerializer(many=True)),
    retrieve=extend_schema(responses=ServiceRequestSerializer),
    create=extend_schema(request=ServiceRequestSerializer, responses={201: ServiceRequestSerializer}),
)
class ServiceRequestViewSet(ApiViewSet):
    """Requests for a service, from another pod: requested → accepted → delivered → closed, or
    declined / cancelled. POST creates one for a pod you lead; the actions move it on."""

    queryset = ServiceRequest.objects.none()
    serializer_class = ServiceRequestSerializer

    def _request(self, pk: Any) -> ServiceRequest:
        return get_or_404(selectors.request_get, organization=self.organization, viewer=self.membership, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("market.view")
        p = self.query_params(RequestFilter)
        qs = selectors.request_list(organization=self.organization, viewer=self.membership, side=p.get("side", ""),
                                    every=p.get("all", False), state=p.get("state", ""),
                                    offering_id=p.get("offering"), pod_id=p.get("pod"),
                                    breached=p.get("sla_breached"))
        return self.paginated(qs, ServiceRequestSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        r = self._request(pk)
        self.check_rule("market.view_request", r)
        return Response(ServiceRequestSerializer(r).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("market.request")
        data = self.validated(ServiceRequestSerializer).validated_data
        self.check_rule("market.request", data["pod"])
        r = services.request_create(organization=self.organization, actor=request.user, **data)
        return Response(ServiceRequestSerializer(self._request(r.pk)).data, status=status.HTTP_201_CREATED)

    def _move(self, request: OrgAPIRequest, pk: Any, name: str) -> Response:
        r = self._request(pk)
        self.check_rule("market.respond" if name in PROVIDER_ACTIONS else "market.requester_act", r)
        reason = self.validated(TransitionSerializer).validated_data.get("reason", "")
        try:
            services.request_transition(organization=self.organization, actor=request.user, request=r,
                                        action=name, reason=reason)
        except services.MarketConflict as exc:
            errors = [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
            return Response({"detail": "; ".join(f"{e['field']}: {e['message']}" for e in errors), "errors": errors},
                            status=status.HTTP_409_CONFLICT)
        return Response(ServiceRequestSerializer(self._request(r.pk)).data)

    @_transition_schema("Provider: accept. Holds the cost on the requester's services budget (400 with the "
                        "figures when it would exceed it); 409 when the month's capacity is taken.")
    @action(detail=True, methods=["post"])
    def accept(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return self._move(request, pk, "accept")

    @_transition_schema("Provider: decline (a requested or accepted request; an accepted one's hold is voided).")
    @action(detail=True, methods=["post"])
    def decline(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return self._move(request, pk, "decline")

    @_transition_schema("Provider: delivered. Posts the hold and credits the provider pod's services budget.")
    @action(detail=True, methods=["post"])
    def deliver(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return self._move(request, pk, "deliver")

    @_transition_schema("Requester: cancel before delivery (an accepted request's hold is voided).")
    @action(detail=True, methods=["post"])
    def cancel(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return self._move(request, pk, "cancel")

    @_transition_schema("Requester: close a delivered request.")
    @action(detail=True, methods=["post"])
    def close(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return self._move(request, pk, "close")
