"""Signing in, the profile, creating and switching organizations, accepting invitations."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tenancy import services
from tenancy.forms import (
    InvitationAcceptForm,
    OrganizationCreateForm,
    ProfileForm,
)
from tenancy.http import AuthedRequest
from tenancy.selectors import user_memberships
from tenancy.views.forms import form_error_text, form_submit


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
    if request.method == "POST":
        done = form_submit(
            request, form, lambda data: services.organization_create(owner=request.user, **data),
            success=lambda org: f"{org.name} is ready. You are its owner.",
            redirect_to=lambda org: reverse("pods:org_home", kwargs={"org_slug": org.slug}))
        if done:
            return done
    return render(request, "tenancy/org_create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST":
        done = form_submit(
            request, form, lambda data: services.user_profile_update(user=user, **data),
            success="Profile saved.", redirect_to=reverse("profile"))
        if done:
            return done
    return render(request, "tenancy/profile.html",
                  {"form": form, "memberships": user_memberships(user=user)},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_by_token(token=token)
    if invitation is None:
        return render(request, "tenancy/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    form: Any = InvitationAcceptForm(request.POST or None) if user is None else None
    if request.method == "POST":
        # A signed-in user accepts with a bare button: a form without fields carries the errors.
        target = form if form is not None else forms.Form(request.POST)

        def accept(data: dict[str, Any]) -> Any:
            membership = services.invitation_accept(token=token, user=user, **data)
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            return membership

        done = form_submit(
            request, target, accept,
            success=lambda m: f"Welcome to {m.organization.name}.",
            redirect_to=lambda m: reverse("pods:org_home", kwargs={"org_slug": m.organization.slug}))
        if done:
            return done
        if form is None:
            messages.error(request, form_error_text(target, "The invitation could not be accepted."))
            return redirect("invitation_accept", token=token)
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
