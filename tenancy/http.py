"""What a request carries once the base classes let it through, as types.

Django types `request.user` as `User | AnonymousUser`, because a request may come from anyone.
Behind `login_required` the user is signed in, and behind `OrgPageMixin` it is also a member of the
organization the URL names, which the mixin has put on the request. These classes say so, so that
views annotate `request: OrgRequest` once instead of checking or casting `request.user` in every
handler. They describe requests; nothing instantiates them (the base classes are what make the
description true: `tenancy.views.base`, and `tenancy.api.base.OrgAPIRequest` for the API).
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from tenancy.models import Membership, Organization, User


class AuthedRequest(HttpRequest):
    """A page request behind `login_required`."""

    user: User
    htmx: HtmxDetails  # set on every request by django_htmx's middleware


class OrgRequest(AuthedRequest):
    """A request that `OrgPageMixin` resolved: a signed-in member of `organization`."""

    organization: Organization
    membership: Membership
