"""Helpers shared by knowledge pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


def get_or_404(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a `*_get` selector; a missing row and another org's row both answer 404."""
    try:
        return fn(**kwargs)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def kurl(organization: Any, name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(f"knowledge:{name}", args=[organization.slug, *args])
