"""Small helpers shared by the knowledge services."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from tenancy.models import Organization
from tenancy.writes import same_org

__all__ = ["clean_tags", "entry_changes_apply", "org_url", "same_org"]

MAX_TAGS = 10
_TAG_RE = re.compile(r"[^a-z0-9+#.\- ]")


def entry_changes_apply(organization: Organization, obj: models.Model, changes: dict[str, Any],
                  allowed: Iterable[str]) -> None:
    """Set an update's `changes` on `obj` the way the matching create takes them.

    Only `allowed` fields; text is stripped (None is empty text), tags are cleaned, and a
    related object must be of this organization and present when the field is required
    (services exclude foreign keys from full_clean, so this is where they are checked).
    """
    for key, value in changes.items():
        if key not in allowed:
            raise ValidationError({key: "This field cannot be changed here."})
        field = obj._meta.get_field(key)
        if key == "tags":
            value = clean_tags(value)
        elif isinstance(field, (models.CharField, models.TextField)):
            value = "" if value is None else str(value).strip()
        elif field.is_relation:
            if value is None and not getattr(field, "null", False):
                raise ValidationError({key: "This field is required."})
            same_org(organization, key, value)
        setattr(obj, key, value)


def clean_tags(tags: Any) -> list[str]:
    """Lower-case, de-duplicated tags; accepts a list or a comma-separated string."""
    if isinstance(tags, str):
        tags = tags.split(",")
    out: list[str] = []
    for raw in tags or []:
        tag = _TAG_RE.sub("", str(raw).strip().lower()).strip().replace(" ", "-")
        if not tag:
            continue
        if len(tag) > 40:
            raise ValidationError({"tags": f"“{tag[:40]}…” is longer than 40 characters."})
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags."})
    return out


def org_url(organization: Organization, name: str, **kwargs: Any) -> str:
    return reverse(f"knowledge:{name}", kwargs={"org_slug": organization.slug, **kwargs})
