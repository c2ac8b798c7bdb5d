"""Template helpers for knowledge pages."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def options_html(choices: Any) -> str:
    """<option>s for (value, label) pairs, none selected; every value and label escaped.

    Plain string building on purpose: Django's select widget renders a sub-template per option,
    which costs milliseconds on a 300-pod filter. Long, stable lists are rendered once and kept
    in the cache (see `knowledge.forms.SearchForm`).
    """
    return "".join(f'<option value="{escape(str(v))}">{escape(str(label))}</option>'
                   for v, label in choices)


@register.simple_tag
def select_options(choices: Any, current: Any) -> SafeString:
    """The options (pairs, or the HTML of `options_html`) with the current value selected."""
    rendered = choices if isinstance(choices, str) else options_html(choices)
    if current in (None, ""):  # the first option (the "any" one) shows by default
        return mark_safe(rendered)  # noqa: S308
    marker = f'<option value="{escape(str(current))}">'
    return mark_safe(rendered.replace(marker, marker[:-1] + " selected>", 1))  # noqa: S308
