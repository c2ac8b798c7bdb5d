"""The governance sub-navigation's inbox badge."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_count(context: template.Context) -> int:
    """How many escalations wait on the signed-in member's decision (one count query)."""
    from governance.selectors import inbox_count as count

    organization, membership = context.get("organization"), context.get("membership")
    if organization is None or membership is None:
        return 0
    return count(organization=organization, membership=membership)
