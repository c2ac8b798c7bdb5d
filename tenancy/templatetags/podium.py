from __future__ import annotations

from typing import Any

from django import template

from tenancy.permissions import can as can_check

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
