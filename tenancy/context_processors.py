from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def organization(request: HttpRequest) -> dict[str, Any]:
    org = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    context: dict[str, Any] = {"organization": org, "membership": membership}
    if org is not None and membership is not None:
        from tenancy.notifications import unread_count

        # Pages load it with the membership; otherwise lazy, evaluated only where the bell shows.
        preloaded = getattr(membership, "unread_count", None)
        context["unread_notifications"] = (
            preloaded if preloaded is not None
            else (lambda: unread_count(organization=org, user=membership.user))
        )
    return context
