"""Allocations: the list, the request form with its live admission preview, one allocation with
its history (preempted by whom and why), release and cancel; the pod page's compute panel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from pods import selectors as pod_selectors
from pods.permissions import led_pods
from resources import selectors, services
from resources.forms import AllocationRequestForm
from resources.models import AllocationState
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit

PER_PAGE = 25
ENDABLE = {"release": (AllocationState.ADMITTED,),
           "cancel": (AllocationState.PENDING, AllocationState.PREEMPTED, AllocationState.NEEDS_APPROVAL)}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


class AllocationListView(OrgPageMixin, View):
    permission_required = "resources.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        state = request.GET.get("state", "")
        if state not in {"", "active", *AllocationState.values}:
            state = ""
        pod_id, pool_id = _int(request.GET.get("pod")), _int(request.GET.get("pool"))
        qs = selectors.allocation_list(organization=self.organization, viewer=self.membership,
                                       pod_id=pod_id, pool_id=pool_id, state=state)
        page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        template = "resources/_allocation_table.html" if request.htmx and not request.htmx.boosted \
            else "resources/allocation_list.html"
        return render(request, template, {
            "page": page, "state": state, "states": AllocationState.choices, "pod_id": pod_id,
            "pool_id": pool_id, "pools": selectors.pool_choices(organization=self.organization),
            "sees_all": can(self.membership, "resources.view_all"),
            "may_request": can(self.membership, "resources.request"),
        })


class AllocationRequestView(OrgPageMixin, View):
    """Only pod leads request, and only for pods they lead (the form offers no other pod)."""

    def _form(self, data: Any = None) -> AllocationRequestForm:
        initial: dict[str, Any] = {}
        pod_ids = led_pods(self.membership)
        for name in ("pod", "pool"):
            if (value := _int(self.request.GET.get(name))) is not None:
                initial[name] = value
        if "pod" not in initial and len(pod_ids) == 1:
            initial["pod"] = next(iter(pod_ids))
        return AllocationRequestForm(data, organization=self.organization, pod_ids=pod_ids, initial=initial)

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("resources.request")
        return render(request, "resources/allocation_form.html", {"form": self._form(), "preview": None})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("resources.request")
        form = self._form(request.POST)

        def request_(d: dict[str, Any]) -> Any:
            self.require("resources.request", d["pod"])
            return services.allocation_request(organization=self.organization, actor=request.user, **d)

        done = form_submit(
            request, form, request_,
            success=lambda a: f"Request {a.get_state_display().lower()}: {a.reason}"[:300],
            redirect_to=lambda a: reverse("resources:allocation_detail",
                                          kwargs={"org_slug": self.organization.slug, "pk": a.pk}))
        return done or render(request, "resources/allocation_form.html",
                      {"form": form, "preview": _preview(self, form)}, status=400)


def _preview(view: OrgPageMixin, form: AllocationRequestForm) -> dict[str, Any] | None:
    if not form.is_valid():
        return None
    d = form.cleaned_data
    return selectors.request_preview(organization=view.organization, pod=d["pod"], pool=d["pool"],
                                     amount=d["amount"], start=d["start"], end=d["end"],
                                     priority=d["priority"], preemptible=d["preemptible"])


class AllocationPreviewView(OrgPageMixin, View):
    """The live answer beside the form: admitted now, borrows, waits (and why), needs approval."""

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("resources.request")
        form = AllocationRequestForm(request.POST, organization=self.organization,
                                     pod_ids=led_pods(self.membership))
        return render(request, "resources/_preview.html", {"preview": _preview(self, form), "form": form})


class AllocationDetailView(OrgPageMixin, View):
    def load(self, pk: Any) -> Any:
        a = get_or_404(selectors.allocation_get, organization=self.organization, viewer=self.membership, pk=pk)
        self.require("resources.view_allocation", a)
        return a

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        a = self.load(pk)
        may_end = can(self.membership, "resources.end_allocation", a)
        return render(request, "resources/allocation_detail.html", {
            "a": a, "events": selectors.allocation_events(organization=self.organization, allocation=a),
            "position": selectors.queue_position(organization=self.organization, allocation=a),
            "may_release": may_end and a.state in ENDABLE["release"],
            "may_cancel": may_end and a.state in ENDABLE["cancel"],
        })


class AllocationActionView(AllocationDetailView):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        a = self.load(pk)
        self.require("resources.end_allocation", a)
        action = request.POST.get("action", "")
        service = {"release": services.allocation_release, "cancel": services.allocation_cancel}.get(action)
        if service is None:
            messages.error(request, "Unknown action.")
        else:
            try:
                service(organization=self.organization, actor=request.user, allocation=a)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Released: the capacity went back to the queue." if action == "release"
                                 else "Request cancelled.")
        return HttpResponseRedirect(reverse("resources:allocation_detail",
                                            kwargs={"org_slug": self.organization.slug, "pk": a.pk}))


class PodPanelView(OrgPageMixin, View):
    """The pod page's compute panel: quotas, running and waiting allocations, this quarter's budget."""

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = get_or_404(pod_selectors.pod_lookup, organization=self.organization, pk=pk)
        data = selectors.pod_compute(organization=self.organization, pod=pod, viewer=self.membership)
        return render(request, "resources/_pod_panel.html", {
            "pod": pod, **data,
            "sees": can(self.membership, "resources.view_all") or pod.pk in led_pods(self.membership),
            "may_request": can(self.membership, "resources.request", pod),
        })
