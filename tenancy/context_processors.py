from __future__ import annotations

from typing import Any

from django.http import HttpRequest

# Which top-navigation section a page belongs to, from its URL name ("namespace:name"); the
# first matching prefix wins. Pages of an app's namespace not listed fall back to the namespace.
SECTIONS: list[tuple[str, str]] = [
    ("pods:people", "people"), ("pods:person", "people"), ("tenancy:people_import", "people"),
    ("pods:skills", "people"), ("pods:roles", "people"), ("pods:", "pods"),
    ("tenancy:members", "members"), ("tenancy:membership", "members"),
    ("tenancy:invitation", "members"), ("tenancy:audit", "audit"),
    ("tenancy:settings", "settings"), ("tenancy:api_token", "tokens"),
    ("tenancy:notifications", "notifications"),
]


def nav_section(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return ""
    for prefix, section in SECTIONS:
        if match.view_name.startswith(prefix):
            return section
    return match.namespace.split(":")[0] if match.namespace else ""


def _outside_membership(request: HttpRequest) -> Any:
    """On pages outside an organization (profile, organizations, password change), the
    organization the user came from (the header's links carry it as `?org=<slug>`), or their
    only one, so its navigation stays in the header. Stateless: no session write."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from tenancy.selectors import user_memberships

    slug = request.GET.get("org", "")
    if slug:
        return user_memberships(user=user).filter(organization__slug=slug[:100]).first()
    memberships = list(user_memberships(user=user)[:2])
    return memberships[0] if len(memberships) == 1 else None


def organization(request: HttpRequest) -> dict[str, Any]:
    org = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    if org is None:
        membership = _outside_membership(request)
        org = membership.organization if membership is not None else None
    context: dict[str, Any] = {"organization": org, "membership": membership,
                               "nav_section": nav_section(request)}
    if org is not None and membership is not None:
        from tenancy.notifications import unread_count

        # Pages load it with the membership; otherwise lazy, evaluated only where the bell shows.
        preloaded = getattr(membership, "unread_count", None)
        context["unread_notifications"] = (
            preloaded if preloaded is not None
            else (lambda: unread_count(organization=org, user=membership.user))
        )
    return context
