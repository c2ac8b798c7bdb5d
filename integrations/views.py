"""Admin pages: webhook endpoints, their secrets (shown once) and their delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from integrations import selectors, services
from integrations.forms import EndpointForm, ReplayForm
from integrations.models import WebhookEndpoint
from tenancy.forms import add_service_errors
from tenancy.http import OrgRequest
from tenancy.views.base import OrgPageMixin

DELIVERIES_PER_PAGE = 25


class _WebhookPage(OrgPageMixin, View):
    permission_required = "integrations.manage_webhooks"

    def endpoint(self, pk: int) -> WebhookEndpoint:
        return get_object_or_404(selectors.endpoint_list(organization=self.organization), pk=pk)


class EndpointsView(_WebhookPage):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(EndpointForm(initial={"enabled": True}))

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = EndpointForm(request.POST)
        created = None
        if form.is_valid():
            try:
                created = services.endpoint_create(
                    organization=self.organization, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                form = EndpointForm(initial={"enabled": True})
        return self._render(form, created=created, status=400 if form.errors else (201 if created else 200))

    def _render(
        self, form: EndpointForm, created: WebhookEndpoint | None = None, status: int = 200
    ) -> HttpResponse:
        endpoints = selectors.endpoint_list(organization=self.organization)
        return render(
            self.request,
            "integrations/endpoints.html",
            {"endpoints": endpoints, "form": form, "created": created, "nav_section": "webhooks"},
            status=status,
        )


class EndpointDetailView(_WebhookPage):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        endpoint = self.endpoint(pk)
        form = EndpointForm(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
                "enabled": endpoint.enabled,
            }
        )
        return self._render(endpoint, form)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        endpoint = self.endpoint(pk)
        form = EndpointForm(request.POST)
        if form.is_valid():
            try:
                services.endpoint_update(
                    organization=self.organization, actor=request.user, endpoint=endpoint, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Endpoint saved.")
                return redirect("integrations:endpoint_detail", org_slug=self.organization.slug, pk=pk)
        return self._render(endpoint, form, status=400)

    def _render(
        self, endpoint: WebhookEndpoint, form: EndpointForm, new_secret: str | None = None, status: int = 200
    ) -> HttpResponse:
        rows = selectors.delivery_list(organization=self.organization, endpoint=endpoint)
        page = Paginator(rows, DELIVERIES_PER_PAGE).get_page(self.request.GET.get("page"))
        return render(
            self.request,
            "integrations/endpoint_detail.html",
            {
                "endpoint": endpoint,
                "form": form,
                "page": page,
                "replay_form": ReplayForm(),
                "new_secret": new_secret,
                "nav_section": "webhooks",
            },
            status=status,
        )


class EndpointRotateView(EndpointDetailView):
    http_method_names = ["post"]

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        endpoint = services.endpoint_rotate_secret(
            organization=self.organization, actor=request.user, endpoint=self.endpoint(pk)
        )
        form = EndpointForm(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
                "enabled": endpoint.enabled,
            }
        )
        return self._render(endpoint, form, new_secret=endpoint.secret)


class EndpointDeleteView(_WebhookPage):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        endpoint = self.endpoint(pk)
        services.endpoint_delete(organization=self.organization, actor=request.user, endpoint=endpoint)
        messages.success(request, f"Endpoint {endpoint.url} deleted.")
        return redirect("integrations:endpoints", org_slug=self.organization.slug)


class EndpointReplayView(_WebhookPage):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        endpoint = self.endpoint(pk)
        form = ReplayForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose the time to replay from.")
        else:
            try:
                count = services.endpoint_replay_since(
                    organization=self.organization,
                    actor=request.user,
                    endpoint=endpoint,
                    since=form.cleaned_data["since"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"{count} events queued for delivery.")
        return redirect("integrations:endpoint_detail", org_slug=self.organization.slug, pk=pk)


class DeliveryRedeliverView(_WebhookPage):
    def post(self, request: OrgRequest, pk: int, delivery_pk: int, **kw: Any) -> HttpResponse:
        endpoint = self.endpoint(pk)
        delivery = get_object_or_404(
            selectors.delivery_list(organization=self.organization, endpoint=endpoint), pk=delivery_pk
        )
        services.delivery_redeliver(organization=self.organization, actor=request.user, delivery=delivery)
        messages.success(request, f"Delivery of {delivery.event.msg_id} queued again.")
        return redirect("integrations:endpoint_detail", org_slug=self.organization.slug, pk=pk)
