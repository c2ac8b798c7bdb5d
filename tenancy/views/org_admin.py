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
    InvitationForm,
    MembershipRoleForm,
    OrganizationSettingsForm,
)
from tenancy.http import OrgRequest
from tenancy.imports import people_import_csv
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_error_text, form_submit
from tenancy.views.imports import CsvImportPage


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
        done = form_submit(
            request, form, self._invite,
            success=lambda sent: f"Invitation sent to {sent[0].email}. Link: {sent[1]}",
            redirect_to=reverse("tenancy:members", kwargs={"org_slug": self.organization.slug}))
        return done or self._render(form, status=400)

    def _invite(self, data: dict[str, Any]) -> tuple[Any, str]:
        from tenancy.notifications import absolute_url, send_invitation_email

        invitation, raw = services.invitation_create(
            organization=self.organization, actor=self.request.user, **data)
        link = absolute_url(reverse("invitation_accept", args=[raw]))
        send_invitation_email(invitation=invitation, link=link)
        return invitation, link

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
        back = reverse("tenancy:members", kwargs={"org_slug": self.organization.slug})
        if request.POST.get("action") == "remove":
            try:
                services.membership_remove(organization=self.organization, actor=request.user,
                                           membership=membership)
                messages.success(request, f"{membership.user.email} was removed.")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect(back)
        form = MembershipRoleForm(request.POST)
        done = form_submit(
            request, form,
            lambda d: services.membership_change_role(organization=self.organization, actor=request.user,
                                                      membership=membership, role=d["role"]),
            success=lambda m: f"{m.user.email} is now {m.role}.", redirect_to=back)
        if done:
            return done
        messages.error(request, form_error_text(form, "Choose a role."))
        return redirect(back)


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
        # The secret is shown once, on this page, so success re-renders (201) instead of redirecting.
        done = form_submit(
            request, form,
            lambda data: services.api_token_create(organization=self.organization, actor=request.user,
                                                   name=data["name"]),
            success=None,
            respond=lambda created: self._render(ApiTokenForm(), raw=created[1], status=201))
        return done or self._render(form, status=400)

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


class PeopleImportView(CsvImportPage):
    template = "tenancy/people_import.html"

    def run(self, data: bytes) -> str:
        result = people_import_csv(organization=self.organization, actor=self.request.user, data=data)
        return f"Imported {result.created} people ({result.skills_created} new skills)."

    def done_url(self) -> str:
        return reverse("pods:people", kwargs={"org_slug": self.organization.slug})


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
