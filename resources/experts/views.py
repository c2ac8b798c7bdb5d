"""Expert time pages, mounted at /o/<org_slug>/experts/: the experts, one expert's office hours
and free slots with the booking form, my bookings (with .ics and cancel), utilisation per week
(from the capacity snapshots), and the guild page's office-hours panel."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from knowledge.selectors import guild_get
from resources.experts import selectors, services
from resources.experts.forms import BookingForm, ExpertForm, OfficeHoursForm
from resources.experts.ics import booking_ics
from resources.experts.models import BookingState, ExpertProfile
from resources.selectors import capacity_as_of
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.selectors import person_choices
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit

PER_PAGE = 25
WEEKS_BACK, WEEKS_AHEAD = 4, 4


def _url(org_slug: str, name: str, *args: Any) -> str:
    return reverse(f"experts:{name}", args=[org_slug, *args])


class ExpertListView(OrgPageMixin, View):
    permission_required = "experts.view"

    def _render(self, form: ExpertForm | None, status: int = 200) -> HttpResponse:
        q = self.request.GET.get("q", "").strip()[:100]
        page = Paginator(selectors.expert_list(organization=self.organization, q=q), PER_PAGE) \
            .get_page(self.request.GET.get("page"))
        may_manage = can(self.membership, "experts.manage")
        # The form lists every person (2,500 at enterprise scale): rendered only when asked for.
        if may_manage and form is None and self.request.GET.get("add") == "1":
            form = ExpertForm(organization=self.organization)
        people: list[tuple[int, str]] = []
        if may_manage and form is not None:  # written out from pairs, like the pod select
            people = list(person_choices(organization=self.organization).values_list("pk", "full_name"))
        return render(self.request, "resources/experts/expert_list.html", {
            "page": page, "q": q, "form": form if may_manage else None, "may_manage": may_manage,
            "people": people, "chosen_person": str(form["person"].value() or "") if form is not None else "",
            "sees_utilisation": can(self.membership, "experts.view_utilisation")}, status=status)

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(None)

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("experts.manage")
        form = ExpertForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda d: services.expert_profile_set(
            organization=self.organization, actor=request.user, **d),
            success=lambda e: f"{e} offers {e.hours_per_week} h a week.",
            redirect_to=lambda e: _url(self.organization.slug, "expert_detail", e.pk))
        return done or self._render(form, status=400)


def _days(slots: list[selectors.SlotView], tz: ZoneInfo) -> list[tuple[dt.date, list[selectors.SlotView]]]:
    return [(day, list(group)) for day, group in groupby(slots, key=lambda s: s.start.astimezone(tz).date())]


class ExpertDetailView(OrgPageMixin, View):
    """One expert: office hours, the next two weeks of slots, and the booking form."""

    permission_required = "experts.view"

    def _expert(self, pk: Any) -> ExpertProfile:
        return get_or_404(selectors.expert_get, organization=self.organization, pk=pk)

    def _render(self, expert: ExpertProfile, *, booking: BookingForm | None = None,
                hours: OfficeHoursForm | None = None, status: int = 200) -> HttpResponse:
        org, viewer = self.organization, self.membership
        may_hours = can(viewer, "experts.manage_hours", expert)
        may_book = can(viewer, "experts.book")
        slots = selectors.expert_slots(organization=org, expert=expert)
        tz = ZoneInfo(expert.office_hours.all()[0].timezone) if expert.office_hours.all() else ZoneInfo("UTC")
        pod_choices: list[tuple[int, str]] = []
        if may_book:
            # The pod select is written out from (id, name) pairs: Django's widget renders a
            # template per option, which for an admin's 300 pods was most of the page's time.
            pod_choices = list(selectors.bookable_pods(organization=org, viewer=viewer).values_list("pk", "name"))
        if may_book and booking is None:
            booking = BookingForm(organization=org, viewer=viewer)
            if len(pod_choices) == 1:  # most people work in one pod: preselect it
                booking.initial["pod"] = pod_choices[0][0]
        chosen_pod = str(booking["pod"].value() or "") if booking is not None else ""
        if may_hours and hours is None:
            hours = OfficeHoursForm(organization=org)
        return render(self.request, "resources/experts/expert_detail.html", {
            "expert": expert, "days": _days(slots, tz), "tz": str(tz), "free": sum(s.free for s in slots),
            "booking_form": booking if may_book else None, "hours_form": hours if may_hours else None,
            "may_hours": may_hours, "chosen": self.request.POST.get("slot", ""),
            "pod_choices": pod_choices, "chosen_pod": chosen_pod,
        }, status=status)

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self._render(self._expert(pk))


class BookView(ExpertDetailView):
    http_method_names = ["post"]  # the form is on the expert's page

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        expert = self._expert(pk)
        self.require("experts.book")
        form = BookingForm(request.POST, organization=self.organization, viewer=self.membership)
        taken = False

        def book(data: dict[str, Any]) -> Any:
            nonlocal taken
            self.require("experts.book", data["pod"])
            try:
                return services.booking_create(
                    organization=self.organization, actor=request.user, expert=expert, pod=data["pod"],
                    topic=data["topic"], start=data["start"], end=data["end"])
            except ValidationError as exc:
                # The form picks start and end as one slot: their errors show on it.
                taken = isinstance(exc, services.SlotTaken)
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                raise ValidationError(
                    {("slot" if k in ("start", "end") else k): v for k, v in errors.items()}) from exc

        done = form_submit(
            request, form, book,
            success=lambda b: (f"Booked {b.start:%a %d %b %H:%M} UTC with {expert}. "
                               "Download the .ics from your bookings."),
            redirect_to=_url(self.organization.slug, "my_bookings"))
        return done or self._render(expert, booking=form, status=409 if taken else 400)


class OfficeHoursAddView(ExpertDetailView):
    http_method_names = ["post"]  # the form is on the expert's page

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        expert = self._expert(pk)
        self.require("experts.manage_hours", expert)
        form = OfficeHoursForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda d: services.office_hours_create(
            organization=self.organization, actor=request.user, expert=expert, **d),
            success=lambda oh: f"Office hours added: {oh}.",
            redirect_to=_url(self.organization.slug, "expert_detail", expert.pk))
        return done or self._render(expert, hours=form, status=400)


class OfficeHoursDeleteView(OrgPageMixin, View):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        oh = get_or_404(selectors.office_hours_get, organization=self.organization, pk=pk)
        self.require("experts.manage_hours", oh.expert)
        services.office_hours_delete(organization=self.organization, actor=request.user, office_hours=oh)
        messages.success(request, f"Office hours removed: {oh}. Slots already booked stay booked.")
        return HttpResponseRedirect(_url(self.organization.slug, "expert_detail", oh.expert_id))


class MyBookingsView(OrgPageMixin, View):
    """Bookings I made, of me as an expert, or for pods I lead (leaders: `?all=1` for every one)."""

    permission_required = "experts.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        sees_all = can(self.membership, "experts.view_all_bookings")
        every = sees_all and request.GET.get("all") == "1"
        when = request.GET.get("when", "upcoming")
        when = when if when in ("upcoming", "past") else "upcoming"
        qs = selectors.booking_list(organization=self.organization, viewer=self.membership, mine=not every,
                                    upcoming=when == "upcoming")
        if when == "past":
            qs = qs.filter(end__lte=timezone.now())
        page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        for b in page.object_list:
            b.may_cancel = (b.state == BookingState.BOOKED and b.end > timezone.now()
                            and can(self.membership, "experts.cancel_booking", b))
        return render(request, "resources/experts/bookings.html", {
            "page": page, "when": when, "every": every, "sees_all": sees_all})


class BookingIcsView(OrgPageMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        b = get_or_404(selectors.booking_get, organization=self.organization, viewer=self.membership, pk=pk)
        if not can(self.membership, "experts.view_booking", b):
            raise PermissionDenied
        url = request.build_absolute_uri(_url(self.organization.slug, "my_bookings"))
        body = booking_ics(b, host=request.get_host().split(":")[0] or "podium", url=url)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="booking-{b.pk}.ics"'
        return response


class BookingCancelView(OrgPageMixin, View):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        b = get_or_404(selectors.booking_get, organization=self.organization, viewer=self.membership, pk=pk)
        self.require("experts.cancel_booking", b)
        try:
            services.booking_cancel(organization=self.organization, actor=request.user, booking=b)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(_url(self.organization.slug, "my_bookings"))
        messages.success(request, f"Cancelled: {b.start:%a %d %b %H:%M} UTC with {b.expert}. The slot is free again.")
        return HttpResponseRedirect(_url(self.organization.slug, "my_bookings"))


def _weeks(today: dt.date) -> list[dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return [monday + dt.timedelta(weeks=i) for i in range(-WEEKS_BACK, WEEKS_AHEAD + 1)]


class UtilisationView(OrgPageMixin, View):
    """Per expert and week: hours offered and booked, from the capacity snapshots."""

    permission_required = "experts.view_utilisation"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        org = self.organization
        weeks = _weeks(timezone.now().astimezone(dt.UTC).date())
        page = Paginator(selectors.expert_list(organization=org, active_only=False), PER_PAGE) \
            .get_page(request.GET.get("page"))
        rows, totals = selectors.utilisation_weeks(organization=org, experts=list(page.object_list), weeks=weeks)
        return render(request, "resources/experts/utilisation.html", {
            "page": page, "rows": rows, "weeks": weeks, "this_week": weeks[WEEKS_BACK],
            "totals": [(o, b, (b / o * 100) if o else None) for o, b in totals],
            "as_of": capacity_as_of(organization=org)})


class GuildPanelView(OrgPageMixin, View):
    """The office hours hosted in a guild, for the guild's page (knowledge loads it by htmx)."""

    permission_required = "experts.view"

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        guild = get_or_404(guild_get, organization=self.organization, pk=pk)
        hours = list(selectors.office_hours_list(organization=self.organization, guild_id=guild.pk))
        return render(request, "resources/experts/_guild_panel.html", {"guild": guild, "hours": hours})
