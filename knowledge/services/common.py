"""Small helpers shared by the knowledge services."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from tenancy.models import Organization

MAX_TAGS = 10
_TAG_RE = re.compile(r"[^a-z0-9+#.\- ]")


def same_org(organization: Organization, field: str, *objs: Any) -> None:
    """Refuse a related object of another organization (services are the last line)."""
    for obj in objs:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValidationError({field: "Not found in this organization."})


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
