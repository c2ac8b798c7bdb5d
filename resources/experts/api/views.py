"""The expert-time API: experts (admins set), office hours (an expert or an admin writes),
bookings (create, list, cancel, .ics). Same rules as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import renderers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from resources.experts import selectors, services
from resources.experts.api.serializers import (
    BookingFilter,
    BookingSerializer,
    ExpertFilter,
    ExpertSerializer,
    OfficeHoursFilter,
    OfficeHoursSerializer,
)
from resources.experts.ics import booking_ics
from resources.experts.models import Booking, ExpertProfile, OfficeHours
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet
from tenancy.permissions import can


class CalendarRenderer(renderers.BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        # Only errors come through here (the .ics itself is a plain response): JSON, as everywhere.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)


@extend_schema_view(
    list=extend_schema(parameters=[ExpertFilter], responses=ExpertSerializer(many=True)),
    retrieve=extend_schema(responses=ExpertSerializer),
    create=extend_schema(request=ExpertSerializer, responses={200: ExpertSerializer, 201: ExpertSerializer}),
)
class ExpertViewSet(ApiViewSet):
    """People who offer office hours: topics and the hours per week they offer (a cap). POST
    makes a person an expert or changes their offer (admins; 201 the first time)."""

    queryset = ExpertProfile.objects.none()
    serializer_class = ExpertSerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("experts.view")
        params = self.query_params(ExpertFilter)
        return self.paginated(selectors.expert_list(organization=self.organization, q=params.get("q", "")),
                              ExpertSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("experts.view")
        return Response(ExpertSerializer(get_or_404(selectors.expert_get, organization=self.organization,
                                                    pk=pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("experts.manage")
        data = self.validated(ExpertSerializer).validated_data
        existed = selectors.expert_choices(organization=self.organization).filter(person=data["person"]).exists()
        expert = services.expert_profile_set(organization=self.organization, actor=request.user, **data)
        expert = selectors.expert_get(organization=self.organization, pk=expert.pk)
        return Response(ExpertSerializer(expert).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[OfficeHoursFilter], responses=OfficeHoursSerializer(many=True)),
    retrieve=extend_schema(responses=OfficeHoursSerializer),
    create=extend_schema(request=OfficeHoursSerializer, responses={201: OfficeHoursSerializer}),
    destroy=extend_schema(responses={204: None}),
)
class OfficeHoursViewSet(ApiViewSet):
    """Recurring weekly office hours: weekday, local start and end time in a time zone, slot
    length, minimum notice, buffer between slots, optionally hosted in a guild."""

    queryset = OfficeHours.objects.none()
    serializer_class = OfficeHoursSerializer

    def _hours(self, pk: Any) -> OfficeHours:
        return get_or_404(selectors.office_hours_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("experts.view")
        params = self.query_params(OfficeHoursFilter)
        qs = selectors.office_hours_list(organization=self.organization, expert_id=params.get("expert"),
                                         guild_id=params.get("guild"))
        return self.paginated(qs, OfficeHoursSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("experts.view")
        return Response(OfficeHoursSerializer(self._hours(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("experts.view")
        data = self.validated(OfficeHoursSerializer).validated_data
        self.check_rule("experts.manage_hours", data["expert"])
        oh = services.office_hours_create(organization=self.organization, actor=request.user, **data)
        return Response(OfficeHoursSerializer(self._hours(oh.pk)).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        oh = self._hours(pk)
        self.check_rule("experts.manage_hours", oh.expert)
        services.office_hours_delete(organization=self.organization, actor=request.user, office_hours=oh)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(parameters=[BookingFilter], responses=BookingSerializer(many=True)),
    retrieve=extend_schema(responses=BookingSerializer),
    create=extend_schema(request=BookingSerializer, responses={201: BookingSerializer}),
)
class BookingViewSet(ApiViewSet):
    """Bookings of expert time. POST books one slot of an expert's office hours for a pod you
    work in or lead: 400 naming the field when it is no slot, inside the minimum notice, past the
    weekly cap or ends before it starts; 409 when someone booked the slot first."""

    queryset = Booking.objects.none()
    serializer_class = BookingSerializer

    def _booking(self, pk: Any) -> Booking:
        b = get_or_404(selectors.booking_get, organization=self.organization, viewer=self.membership, pk=pk)
        return b

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("experts.view")
        p = self.query_params(BookingFilter)
        qs = selectors.booking_list(organization=self.organization, viewer=self.membership,
                                    mine=p.get("mine", False), expert_id=p.get("expert"), pod_id=p.get("pod"),
                                    state=p.get("state", ""), upcoming=p.get("upcoming", False))
        return self.paginated(qs, BookingSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(BookingSerializer(self._booking(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("experts.book")
        data = self.validated(BookingSerializer).validated_data
        self.check_rule("experts.book", data["pod"])
        try:
            b = services.booking_create(organization=self.organization, actor=request.user, **data)
        except services.SlotTaken as exc:
            message = exc.message_dict["start"][0]
            return Response({"detail": f"start: {message}", "errors": [{"field": "start", "message": message}]},
                            status=status.HTTP_409_CONFLICT)
        return Response(BookingSerializer(self._booking(b.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Cancel a booking that has not ended; the slot is free again at once."""
        b = self._booking(pk)
        self.check_rule("experts.cancel_booking", b)
        services.booking_cancel(organization=self.organization, actor=request.user, booking=b)
        return Response(BookingSerializer(self._booking(b.pk)).data)

    @extend_schema(request=None, responses={(200, "text/calendar"): OpenApiResponse(
        response=OpenApiTypes.STR, description="The booking as an iCalendar (RFC 5545) file.")})
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, CalendarRenderer])
    def ics(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> HttpResponse:
        """The booking as an .ics file (a cancelled one says so, so calendars remove it)."""
        b = self._booking(pk)
        if not can(self.membership, "experts.view_booking", b):
            raise DjangoPermissionDenied
        body = booking_ics(b, host=request.get_host().split(":")[0] or "podium")
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="booking-{b.pk}.ics"'
        return response
