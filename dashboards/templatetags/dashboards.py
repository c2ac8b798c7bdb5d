"""Formatting of the overview's figures."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

register = template.Library()


@register.filter
def figure(value: float | None, unit: str = "") -> str:
    """12 → "12", 12.345 h → "12.3 h", 63 % → "63%", none → "—"."""
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit == "%":
        return f"{text}%"
    if unit == "h":
        return f"{text} h"
    return text


@register.filter
def signed(value: float | None) -> str:
    if value is None:
        return ""
    if not value:
        return "±0"
    text = f"{abs(value):,.0f}" if float(value).is_integer() else f"{abs(value):,.1f}"
    return ("+" if value > 0 else "−") + text


@register.filter
def overdue(delta: datetime.timedelta) -> str:
    hours = max(0, int(delta.total_seconds() // 3600))
    if hours == 0:
        return "under 1 h"
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


@register.filter
def due_in(delta: datetime.timedelta) -> str:
    """A negative overdue (a forecast), as the time left."""
    return overdue(-delta)


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, "")
