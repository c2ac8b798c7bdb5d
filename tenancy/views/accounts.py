"""Signing in, the profile, creating and switching organizations, accepting invitations."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenancy import services
from tenancy.forms import (
    InvitationAcceptForm,
    OrganizationCreateForm,
    ProfileForm,
    add_service_errors,
)
from tenancy.http import AuthedRequest
from tenancy.selectors import user_memberships


def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to their organization (or the picker when they have several)."""
    if not request.user.is_authenticated:
        return redirect("login")
    memberships = list(user_memberships(user=request.user)[:2])
    if len(memberships) == 1:
        return redirect("pods:org_home", org_slug=memberships[0].organization.slug)
    return redirect("org_list")


@login_required
def org_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "tenancy/org_list.html",
                  {"memberships": user_memberships(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request: AuthedRequest) -> HttpResponse:
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{org.name} is ready. You are its owner.")
            return redirect("pods:org_home", org_slug=org.slug)
    return render(request, "tenancy/org_create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST" and form.is_valid():
        user.full_name = form.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "tenancy/profile.html",
                  {"form": form, "memberships": user_memberships(user=user)})


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_by_token(token=token)
    if invitation is None:
        return render(request, "tenancy/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    form: Any = InvitationAcceptForm(request.POST or None) if user is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            membership = services.invitation_accept(token=token, user=user, **data)
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("invitation_accept", token=token)
            add_service_errors(form, exc)
        else:
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {membership.organization.name}.")
            return redirect("pods:org_home", org_slug=membership.organization.slug)
    return render(request, "tenancy/invitation_accept.html",
                  {"invitation": invitation, "form": form},
                  status=400 if form is not None and form.errors else 200)


class ThrottledPasswordResetView(PasswordResetView):
    """The password-reset request, throttled like sign-in (django-axes): each request counts as
    an attempt for its email and address, under a name of its own, so resets and sign-ins do not
    use up each other's attempts. Past the limit the lockout page answers, until the cool-off."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("email", ""))[:254].strip().lower()
        credentials = {"username": f"password-reset:{email}"}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, request.POST, credentials)
        AxesProxyHandler.user_login_failed(sender=type(self), credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return get_lockout_response(request, request.POST, credentials)
        return super().post(request, *args, **kwargs)
