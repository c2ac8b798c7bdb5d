"""Admin pages: webhook endpoints, their secrets (shown once) and their delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from integrations import selectors, services
from integrations.forms import EndpointForm, ReplayForm
from integrations.models import WebhookEndpoint
from tenancy.http import OrgRequest
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_error_text, form_submit

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
        # The signing secret is shown once, on this page, so success re-renders (201).
        done = form_submit(
            request,
            form,
            lambda d: services.endpoint_create(organization=self.organization, actor=request.user, **d),
            success=None,
            respond=lambda created: self._render(EndpointForm(initial={"enabled": True}), created, 201),
        )
        return done or self._render(form, status=400)

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
        done = form_submit(
            request,
            form,
            lambda d: services.endpoint_update(
                organization=self.organization, actor=request.user, endpoint=endpoint, **d
            ),
            success="Endpoint saved.",
            redirect_to=reverse("integrations:endpoint_detail", args=[self.organization.slug, pk]),
        )
        return done or self._render(endpoint, form, status=400)

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
        back = reverse("integrations:endpoint_detail", args=[self.organization.slug, pk])
        done = form_submit(
            request,
            form,
            lambda d: services.endpoint_replay_since(
                organization=self.organization, actor=request.user, endpoint=endpoint, since=d["since"]
            ),
            success=lambda count: f"{count} events queued for delivery.",
            redirect_to=back,
        )
        if done:
            return done
        messages.error(request, form_error_text(form, "Choose the time to replay from."))
        return redirect(back)


class DeliveryRedeliverView(_WebhookPage):
    def post(self, request: OrgRequest, pk: int, delivery_pk: int, **kw: Any) -> HttpResponse:
        endpoint = self.endpoint(pk)
        delivery = get_object_or_404(
            selectors.delivery_list(organization=self.organization, endpoint=endpoint), pk=delivery_pk
        )
        services.delivery_redeliver(organization=self.organization, actor=request.user, delivery=delivery)
        messages.success(request, f"Delivery of {delivery.event.msg_id} queued again.")
        return redirect("integrations:endpoint_detail", org_slug=self.organization.slug, pk=pk)
