from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from tenancy.permissions import can as can_check
from tenancy.registry import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, name: str, obj: Any = None) -> bool:
    """`{% can 'pods.change_pod' pod as allowed %}`: the same check the view enforces."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return can_check(membership, name, obj)


@register.simple_tag(takes_context=True)
def querystring_replace(context: template.Context, **kwargs: Any) -> str:
    """The current query string with some keys replaced (pagination keeps filters)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def percent(value: Any) -> str:
    try:
        return f"{round(float(value))}%"
    except (TypeError, ValueError):
        return "–"


def human_duration(seconds: float | str | None) -> str:
    """A duration as people say it, two units at most: "45 s", "12 min", "10 h 49 min",
    "3 d 4 h". Empty for None."""
    if seconds is None or seconds == "":
        return ""
    total = int(round(float(seconds)))
    if total < 60:
        return f"{total} s"
    minutes, _ = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


@register.filter
def duration(seconds: Any) -> str:
    """{{ esc.pod_wait_seconds|duration }} → "10 h 49 min"."""
    try:
        return human_duration(seconds)
    except (TypeError, ValueError):
        return ""


@register.filter
def duration_hours(hours: Any) -> str:
    """{{ stats.median_h|duration_hours }}: hours (a float) as a human duration."""
    try:
        return human_duration(float(hours) * 3600) if hours is not None else ""
    except (TypeError, ValueError):
        return ""


@register.filter
def audit_type(model_name: str) -> str:
    """{{ event.target_type|audit_type }} → "Post-mortem"."""
    from tenancy.audit import type_label

    return type_label(model_name or "") if model_name else ""


@register.filter
def audit_object(event: Any) -> str:
    """{{ event|audit_object }}: the object's human name ("#1" for old default reprs)."""
    from tenancy.audit import shown_repr

    return shown_repr(event.target_repr, event.target_id)


@register.simple_tag
def registered_nav(org_slug: str) -> list[tuple[str, str, str]]:
    """(label, url, section) of the top-bar links other apps registered (`tenancy.registry`)."""
    entries = []
    for entry in registry.nav.all():
        try:
            entries.append((entry.label, reverse(entry.url_name, args=[org_slug]), entry.section))
        except NoReverseMatch:  # an app registered but not routed (e.g. in a trimmed test setup)
            continue
    return entries


@register.simple_tag
def registered_panels(page: str, org_slug: str, pk: Any) -> list[dict[str, str]]:
    """The htmx panels other apps contribute to `page` (e.g. "pods.pod_detail"), with their URLs."""
    panels = []
    for panel in registry.panels_for(page):
        try:
            url = reverse(panel.url_name, args=[org_slug, pk])
        except NoReverseMatch:
            continue
        panels.append({"url": url, "id": panel.html_id, "loading": panel.loading,
                       "trigger": panel.trigger})
    return panels
