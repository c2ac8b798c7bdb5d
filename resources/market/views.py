"""Service marketplace pages, mounted at /o/<org_slug>/services/: the marketplace (search, and
the form to offer a service), an offering with the request form, the provider's inbox, the
requester's requests, and the one action endpoint that moves a request on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from resources.market import selectors, services
from resources.market.forms import ActionForm, OfferingForm, RequestForm
from resources.market.models import PROVIDER_ACTIONS, TRANSITIONS, RequestState, ServiceOffering
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_error_text, form_submit

PER_PAGE = 25
ACTION_LABELS = {"accept": "Accept", "decline": "Decline", "deliver": "Mark delivered", "cancel": "Cancel",
                 "close": "Close"}


def _url(org_slug: str, name: str, *args: Any) -> str:
    return reverse(f"market:{name}", args=[org_slug, *args])


class OfferingListView(OrgPageMixin, View):
    """Every active offering (search by name, description, unit or provider) and, for a pod's
    lead or an admin, the form to offer a service."""

    permission_required = "market.view"

    def _render(self, form: OfferingForm | None, status: int = 200) -> HttpResponse:
        q = self.request.GET.get("q", "").strip()[:100]
        page = Paginator(selectors.offering_list(organization=self.organization, q=q), PER_PAGE) \
            .get_page(self.request.GET.get("page"))
        may_offer = can(self.membership, "market.manage_offering")
        if may_offer and form is None:
            form = OfferingForm(organization=self.organization, viewer=self.membership)
        return render(self.request, "resources/market/offering_list.html", {
            "page": page, "q": q, "form": form if may_offer else None}, status=status)

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(None)

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("market.manage_offering")
        form = OfferingForm(request.POST, organization=self.organization, viewer=self.membership)

        def write(d: dict[str, Any]) -> ServiceOffering:
            self.require("market.manage_offering", d["provider"])
            return services.offering_create(organization=self.organization, actor=request.user, **d)

        done = form_submit(request, form, write, success=lambda o: f"{o} is offered in the marketplace.",
                           redirect_to=lambda o: _url(self.organization.slug, "offering_detail", o.pk))
        return done or self._render(form, status=400)


class OfferingDetailView(OrgPageMixin, View):
    """One offering: terms, this month's capacity, the request form, and the requests the viewer may read."""

    permission_required = "market.view"

    def _offering(self, pk: Any) -> ServiceOffering:
        return get_or_404(selectors.offering_get, organization=self.organization, pk=pk)

    def _render(self, offering: ServiceOffering, form: RequestForm | None = None, status: int = 200) -> HttpResponse:
        org, viewer = self.organization, self.membership
        may_request = offering.active and can(viewer, "market.request")
        if may_request and form is None:
            form = RequestForm(organization=org, viewer=viewer, exclude_pod=offering.provider_id)
        no_pod = bool(form is not None and not form.is_bound and not form.has_pods)
        if no_pod:
            may_request = False
        recent = list(selectors.request_list(organization=org, viewer=viewer, offering_id=offering.pk)[:10])
        return render(self.request, "resources/market/offering_detail.html", {
            "offering": offering, "form": form if may_request else None, "recent": recent, "no_pod": no_pod,
            "free": max(0, offering.monthly_capacity - int(getattr(offering, "booked", 0))),
            "may_manage": can(viewer, "market.manage_offering", offering)}, status=status)

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self._render(self._offering(pk))


class RequestCreateView(OfferingDetailView):
    http_method_names = ["post"]  # the form is on the offering's page

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        offering = self._offering(pk)
        self.require("market.request")
        form = RequestForm(request.POST, organization=self.organization, viewer=self.membership,
                           exclude_pod=offering.provider_id)

        def write(d: dict[str, Any]) -> Any:
            self.require("market.request", d["pod"])
            return services.request_create(organization=self.organization, actor=request.user, offering=offering, **d)

        done = form_submit(request, form, write,
                           success=lambda r: f"Requested {r.quantity} {offering.unit} of {offering}; "
                                             f"{offering.provider} answers within {offering.response_sla_hours} h.",
                           redirect_to=_url(self.organization.slug, "my_requests"))
        return done or self._render(offering, form, status=400)


class OfferingEditView(OfferingDetailView):
    def _form_page(self, offering: ServiceOffering, form: OfferingForm, status: int = 200) -> HttpResponse:
        return render(self.request, "resources/market/offering_form.html",
                      {"offering": offering, "form": form}, status=status)

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        offering = self._offering(pk)
        self.require("market.manage_offering", offering)
        initial = {f: getattr(offering, f) for f in services.OFFERING_FIELDS}
        return self._form_page(offering, OfferingForm(initial=initial, organization=self.organization,
                                                      viewer=self.membership, edit=True))

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        offering = self._offering(pk)
        self.require("market.manage_offering", offering)
        form = OfferingForm(request.POST, organization=self.organization, viewer=self.membership, edit=True)
        done = form_submit(request, form, lambda d: services.offering_update(
            organization=self.organization, actor=request.user, offering=offering, **d),
            success=lambda o: f"{o} saved.", redirect_to=_url(self.organization.slug, "offering_detail", offering.pk))
        return done or self._form_page(offering, form, status=400)


class _RequestsPage(OrgPageMixin, View):
    permission_required = "market.view"
    side = ""
    template = ""

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        viewer = self.membership
        sees_all = can(viewer, "market.view_all")
        every = sees_all and request.GET.get("all") == "1"
        state = request.GET.get("state", "")
        state = state if state in RequestState.values else ""
        qs = selectors.request_list(organization=self.organization, viewer=viewer, side=self.side, every=every,
                                    state=state)
        page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        for r in page.object_list:
            r.actions = [(a, ACTION_LABELS[a]) for a, (sources, _t) in TRANSITIONS.items()
                         if r.state in sources and can(viewer, "market.respond" if a in PROVIDER_ACTIONS
                                                       else "market.requester_act", r)]
        return render(request, self.template, {
            "page": page, "every": every, "sees_all": sees_all, "state": state, "states": RequestState.choices,
            "side": self.side})


class InboxView(_RequestsPage):
    """Requests to the offerings of pods the viewer leads (leaders: `?all=1` for every one)."""

    side = "provider"
    template = "resources/market/inbox.html"


class MyRequestsView(_RequestsPage):
    """Requests made for the pods the viewer leads (leaders: `?all=1` for every one)."""

    side = "requester"
    template = "resources/market/my_requests.html"


class _Conflict(Exception):  # noqa: N818  (carries a MarketConflict past form_submit, which takes ValidationErrors)
    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


class RequestActionView(OrgPageMixin, View):
    """POST action=accept|decline|deliver|cancel|close (and an optional reason). An illegal
    transition, or one that lost a race, answers 409; a refused budget hold 400, with the figures."""

    http_method_names = ["post"]

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        org = self.organization
        r = get_or_404(selectors.request_get, organization=org, viewer=self.membership, pk=pk)
        form = ActionForm(request.POST)

        def write(data: dict[str, Any]) -> Any:
            self.require("market.respond" if data["action"] in PROVIDER_ACTIONS else "market.requester_act", r)
            try:
                return services.request_transition(organization=org, actor=request.user, request=r,
                                                   action=data["action"], reason=data["reason"])
            except services.MarketConflict as exc:  # a 409 page, not a form error
                raise _Conflict(exc) from exc

        def back(_done: Any) -> str:
            url = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
                return url
            return _url(org.slug, "inbox" if form.cleaned_data["action"] in PROVIDER_ACTIONS else "my_requests")

        try:
            done = form_submit(request, form, write, redirect_to=back,
                               success=lambda x: f"{x.offering} for {x.pod}: {x.get_state_display().lower()}.")
        except _Conflict as conflict:
            return self._error(409, "Not possible now", " ".join(conflict.error.messages))
        if done is not None:
            return done
        if "action" in form.errors:
            return self._error(400, "Unknown action", "Use accept, decline, deliver, cancel or close.")
        return self._error(400, "Refused", form_error_text(form))

    def _error(self, status: int, title: str, explanation: str) -> HttpResponse:
        return render(self.request, "error.html", {"status": status, "title": title, "explanation": explanation},
                      status=status)
