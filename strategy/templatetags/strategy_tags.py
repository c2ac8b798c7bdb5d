"""Progress as people read it: a percentage, and the meter's 5%-step width class (the CSP
allows no inline style)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.5 → "50%", 1.25 → "125%" (unclamped); None → "—"."""
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def fill(value: float | None) -> int:
    """The meter's `fill-N` class: 0–20 in 5% steps, clamped (the number beside it is not)."""
    return 0 if value is None else min(20, max(0, round(value * 20)))
