"""The one base for organization pages, and the one htmx helper.

`OrgPageMixin` resolves `<org_slug>` once, checks membership and hands `request.organization`
and `request.membership` to the view. Not being a member and the org not existing look the
same (404), so slugs of other tenants cannot be probed.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views import View

from tenancy.http import OrgRequest
from tenancy.models import Membership, Organization
from tenancy.permissions import can
from tenancy.selectors import membership_by_slug


def resolve_membership(request: HttpRequest, org_slug: str) -> Membership | None:
    """The signed-in user's membership in the org named by the URL; None if not signed in.

    Pages load the user together with the membership (the auth middleware's own query is
    skipped), checking the session's auth hash exactly as `django.contrib.auth.get_user` does,
    so a password change still signs other sessions out. Raises 404 for a signed-in user who
    is not a member, whether or not the organization exists.
    """
    cached = getattr(request, "_cached_user", None)
    user_id = cached.pk if cached is not None else request.session.get(SESSION_KEY)
    membership = membership_by_slug(org_slug=org_slug, user_id=user_id) if user_id is not None else None
    if membership is not None and cached is None:
        session_hash = request.session.get(HASH_SESSION_KEY) or ""
        if constant_time_compare(session_hash, membership.user.get_session_auth_hash()):
            request.user = request._cached_user = membership.user  # type: ignore[attr-defined]
        else:
            membership = None
    if membership is None:
        if not request.user.is_authenticated:  # the usual path decides (and flushes a bad session)
            return None
        raise Http404("No such organization.")
    return membership


class OrgPageMixin(LoginRequiredMixin, View):
    """Resolve the tenant from the URL; optionally require a named permission."""

    permission_required: str | None = None
    request: OrgRequest  # what dispatch() makes of the request (views annotate their handlers so)
    organization: Organization
    membership: Membership

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        membership = resolve_membership(request, kwargs["org_slug"])
        if membership is None:
            return self.handle_no_permission()
        self.membership = membership
        self.organization = self.membership.organization
        # From here on the request is an OrgRequest: a signed-in member of this organization.
        org_request = cast(OrgRequest, request)
        org_request.membership = self.membership
        org_request.organization = self.organization
        if self.permission_required and not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        assert self.permission_required is not None
        return can(self.membership, self.permission_required, self.get_permission_object())

    def get_permission_object(self) -> Any:
        return None

    def require(self, name: str, obj: Any = None) -> None:
        if not can(self.membership, name, obj):
            raise PermissionDenied


def render_htmx(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the full page, or only `partial` when htmx asks (and did not boost the request).

    `partial` may be a template name or `template#block` for a `{% partialdef %}`-style block;
    here it is a template of its own (`_thing.html`) beside the full page.
    """
    htmx = getattr(request, "htmx", None)  # django_htmx's middleware sets it on every request
    is_htmx = bool(htmx) and not getattr(htmx, "boosted", False)
    name = partial if (is_htmx and partial) else template
    return render(request, name, context, status=status)
