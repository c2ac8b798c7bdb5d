"""The one base for organization API views: `/api/v1/o/<org_slug>/…`.

Resolves the org once, checks membership (a token is valid only in its own org) and sets
`request.organization` / `request.membership`. Not a member, wrong org for the token and no such
org all answer 404. Viewsets build querysets from selectors with `self.organization`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.http import Http404
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from tenancy.models import ApiToken, Membership, Organization, User
from tenancy.permissions import can
from tenancy.selectors import membership_by_slug

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.permissions import _PermissionClass

    class OrgAPIRequest(Request):
        """A request `OrgMember` let through: an authenticated member of `organization`
        (`tenancy.http.OrgRequest` is the same for pages). Handlers annotate `request` with it."""

        organization: Organization
        membership: Membership

        @property
        def user(self) -> User: ...  # narrower than DRF's User | AnonymousUser: OrgMember checked
        @user.setter
        def user(self, value: User | AnonymousUser) -> None: ...

else:
    OrgAPIRequest = Request


class OrgMember(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        view.resolve_organization(request)
        return True


class OrgAPIMixin:
    """Mixed into DRF views; actions call `check_rule` with the permission they need."""

    permission_classes: Sequence[_PermissionClass] = [OrgMember]
    organization: Organization
    membership: Membership
    kwargs: dict[str, Any]

    def resolve_organization(self, request: Request) -> None:
        slug = self.kwargs.get("org_slug", "")
        user = request.user
        if not isinstance(user, User):  # OrgMember lets only signed-in users this far
            raise NotAuthenticated
        membership = membership_by_slug(org_slug=slug, user_id=user.pk)
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if membership is None or (token is not None and token.organization_id != membership.organization_id):
            raise Http404
        membership.user = user
        self.membership = membership
        self.organization = membership.organization
        request.membership = membership  # type: ignore[attr-defined]
        request.organization = membership.organization  # type: ignore[attr-defined]
        request._request.organization = membership.organization  # type: ignore[attr-defined]

    def check_rule(self, name: str, obj: Any = None) -> None:
        from rest_framework.exceptions import PermissionDenied

        if not can(self.membership, name, obj):
            raise PermissionDenied("You do not have permission to do this in this organization.")

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        context["organization"] = getattr(self, "organization", None)
        return context


class OrgViewSet(OrgAPIMixin, viewsets.GenericViewSet[Any]):
    lookup_value_regex = r"\d+"
