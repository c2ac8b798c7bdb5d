"""Admin pages of an organization: settings, members and invitations, API tokens, audit."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View

from tenancy import selectors, services
from tenancy.access import get_or_404
from tenancy.cache import AUDIT, cached_fragment
from tenancy.forms import (
    ApiTokenForm,
    AuditFilterForm,
    CsvImportForm,
    InvitationForm,
    MembershipRoleForm,
    OrganizationSettingsForm,
    add_service_errors,
)
from tenancy.http import OrgRequest
from tenancy.imports import ImportRejected, people_import_csv
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit


class OrgSettingsView(OrgPageMixin, View):
    permission_required = "tenancy.change_settings"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(OrganizationSettingsForm(instance=self.organization))

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        # A copy: a rejected form must not leave half-applied values on the request's org.
        form = OrganizationSettingsForm(request.POST, instance=copy.copy(self.organization))
        done = form_submit(
            request, form,
            lambda data: services.organization_update(
                organization=self.organization, actor=request.user,
                **{k: data[k] for k in form.Meta.fields}),
            success="Settings saved.",
            redirect_to=reverse("tenancy:settings", kwargs={"org_slug": self.organization.slug}),
        )
        return done or self._render(form, status=400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        return render(self.request, "tenancy/org_settings.html", {"form": form}, status=status)


class MembersView(OrgPageMixin, View):
    permission_required = "tenancy.manage_members"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(InvitationForm())

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, raw = services.invitation_create(
                    organization=self.organization, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                from tenancy.notifications import absolute_url, send_invitation_email

                link = absolute_url(reverse("invitation_accept", args=[raw]))

                send_invitation_email(invitation=invitation, link=link)
                messages.success(request, f"Invitation sent to {invitation.email}. Link: {link}")
                return redirect("tenancy:members", org_slug=self.organization.slug)
        return self._render(form, status=400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        members = selectors.membership_list(organization=self.organization)
        invitations = selectors.invitation_list(organization=self.organization)[:50]
        return render(self.request, "tenancy/members.html", {
            "members": members, "invitations": invitations, "form": form,
            "role_form": MembershipRoleForm(),
        }, status=status)


class MembershipChangeView(OrgPageMixin, View):
    permission_required = "tenancy.manage_members"

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        membership = get_or_404(selectors.membership_get, organization=self.organization, pk=pk)
        try:
            if request.POST.get("action") == "remove":
                services.membership_remove(organization=self.organization, actor=request.user,
                                           membership=membership)
                messages.success(request, f"{membership.user.email} was removed.")
            else:
                form = MembershipRoleForm(request.POST)
                if not form.is_valid():
                    raise ValidationError({"role": "Choose a role."})
                services.membership_change_role(organization=self.organization, actor=request.user,
                                                membership=membership, role=form.cleaned_data["role"])
                messages.success(request, f"{membership.user.email} is now {form.cleaned_data['role']}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("tenancy:members", org_slug=self.organization.slug)


class InvitationRevokeView(OrgPageMixin, View):
    permission_required = "tenancy.manage_members"

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        invitation = get_or_404(selectors.invitation_get, organization=self.organization, pk=pk)
        try:
            services.invitation_revoke(organization=self.organization, actor=request.user,
                                       invitation=invitation)
            messages.success(request, f"The invitation for {invitation.email} was revoked.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("tenancy:members", org_slug=self.organization.slug)


class ApiTokensView(OrgPageMixin, View):
    permission_required = "tenancy.create_token"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(ApiTokenForm())

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = ApiTokenForm(request.POST)
        raw = None
        if form.is_valid():
            try:
                _, raw = services.api_token_create(organization=self.organization, actor=request.user,
                                                   name=form.cleaned_data["name"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                form = ApiTokenForm()
        return self._render(form, raw=raw, status=400 if form.errors else 201)

    def _render(self, form: Any, raw: str | None = None, status: int = 200) -> HttpResponse:
        show_all = can(self.membership, "tenancy.view_audit")
        tokens = selectors.api_token_list(organization=self.organization,
                                          user=None if show_all else self.request.user)
        return render(self.request, "tenancy/api_tokens.html",
                      {"tokens": tokens, "form": form, "new_token": raw, "show_all": show_all},
                      status=status)


class ApiTokenRevokeView(OrgPageMixin, View):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        token = get_or_404(selectors.api_token_get, organization=self.organization, pk=pk)
        self.require("tenancy.revoke_token", token)
        services.api_token_revoke(organization=self.organization, actor=request.user, token=token)
        messages.success(request, f"Token “{token.name}” revoked.")
        return redirect("tenancy:api_tokens", org_slug=self.organization.slug)


class AuditView(OrgPageMixin, View):
    permission_required = "tenancy.view_audit"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = AuditFilterForm(request.GET or None)
        filters: dict[str, Any] = {}
        if form.is_valid():
            d = form.cleaned_data
            filters = {"action": d["action"], "target_type": d["target_type"],
                       "actor_email": d["actor"] or "", "since": d["since"], "until": d["until"]}
        page_no = request.GET.get("page", "1")

        def render_rows() -> str:
            events = selectors.audit_event_list(organization=self.organization, **filters)
            page = Paginator(events, 50).get_page(page_no)
            return render_to_string("tenancy/_audit_rows.html", {"page": page, "request": request})

        # Every audit event touches the audit scope, so the rows cannot go stale.
        rows = cached_fragment(self.organization, "audit_rows",
                               (sorted(request.GET.lists()), page_no), render_rows, scopes=(AUDIT,))
        if request.htmx and not request.htmx.boosted:
            return HttpResponse(rows, status=200 if not form.errors else 400)
        return render(request, "tenancy/audit.html", {
            "form": form, "rows_html": rows,
            "target_types": selectors.audit_target_types(organization=self.organization),
        }, status=200 if not form.errors else 400)


class PeopleImportView(OrgPageMixin, View):
    permission_required = "tenancy.manage_people"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return render(request, "tenancy/people_import.html", {"form": CsvImportForm()})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = CsvImportForm(request.POST, request.FILES)
        errors: list[Any] = []
        if form.is_valid():
            try:
                result = people_import_csv(organization=self.organization, actor=request.user,
                                           data=form.cleaned_data["file"].read())
            except ImportRejected as exc:
                errors = exc.errors
            else:
                messages.success(request, f"Imported {result.created} people"
                                 f" ({result.skills_created} new skills).")
                return redirect("pods:people", org_slug=self.organization.slug)
        return render(request, "tenancy/people_import.html",
                      {"form": form, "errors": errors}, status=400)


class NotificationsView(OrgPageMixin, View):
    """The signed-in member's notifications in this organization; POST marks them read."""

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        from tenancy.notifications import notification_list

        items = notification_list(organization=self.organization, user=request.user)
        page = Paginator(items, 30).get_page(request.GET.get("page"))
        return render(request, "tenancy/notifications.html", {"page": page})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        from tenancy.notifications import notifications_mark_read

        pk = request.POST.get("pk")
        notifications_mark_read(organization=self.organization, user=request.user,
                                pk=int(pk) if pk and pk.isdigit() else None)
        target = request.POST.get("next", "")
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect("tenancy:notifications", org_slug=self.organization.slug)
