"""Per-organization cache versions that key cached fragments of read-heavy pages.

The version lives on the organization row, so every process (gunicorn workers, Celery) agrees
on it without a shared cache, and a fragment can never outlive the data it was rendered from:
services call `org_cache_bump` as the last step of every write, inside their transaction, so the
new version becomes visible exactly when the new data does (a reader that rendered old data
stored it under the old version, which nobody asks for again). Fragments themselves go to the configured cache (Redis in production, local memory in
the embedded default); a stale fragment is simply never asked for again and expires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from tenancy.models import Organization

FRAGMENT_TTL_SECONDS = 600
T = TypeVar("T")


def org_cache_bump(organization: Organization) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tenancy_organization SET cache_version = cache_version + 1"
            " WHERE id = %s RETURNING cache_version",
            [organization.pk],
        )
        row = cursor.fetchone()
    if row is not None:
        organization.cache_version = row[0]


def fragment_key(organization: Organization, name: str, *parts: object) -> str:
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return f"frag:{organization.pk}:{organization.cache_version}:{name}:{digest}"


def cached_value(
    organization: Organization, name: str, parts: tuple[object, ...], build: Callable[[], T]
) -> T:
    """The value for this org version and these parts (HTML, API data…), built on a miss."""
    key = fragment_key(organization, name, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, FRAGMENT_TTL_SECONDS)
    return value


def cached_fragment(
    organization: Organization, name: str, parts: tuple[object, ...], render: Callable[[], str]
) -> str:
    """Return the fragment for this org version and these parts, rendering it on a miss."""
    return cached_value(organization, name, parts, render)


# Cached fragments are shared between sessions, so they must not hold a CSRF token. Forms in
# them print this placeholder (`{{ csrf_placeholder|safe }}`), and `fill_csrf` puts the
# requesting session's token in on the way out.
CSRF_PLACEHOLDER = "<!--podium:csrf-->"


def fill_csrf(html: str, request: object) -> str:
    from django.template.backends.utils import csrf_input

    return html.replace(CSRF_PLACEHOLDER, str(csrf_input(request)))
