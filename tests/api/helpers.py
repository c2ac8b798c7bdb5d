"""Small helpers for API tests: clients per member, URLs per org, error fields, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tenancy.models import Membership, Organization


def client_for(membership: Membership) -> APIClient:
    """A client signed in as the member (authentication itself is tested in test_auth)."""
    client = APIClient()
    client.force_authenticate(user=membership.user)
    return client


def url(org: Organization, name: str, **kwargs: Any) -> str:
    """`url(org, "pods_api:pod-detail", pk=1)` → /api/v1/o/<slug>/pods/1/."""
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def error_fields(response: Any) -> set[str]:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    return {e["field"] for e in body["errors"]}


def ids(response: Any) -> list[int]:
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body), body
    return [row["id"] for row in body["results"]]


def query_count(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def assert_constant_queries(
    django_assert_max_num_queries: Any,
    fetch: Callable[[], Any],
    grow: Callable[[int], Any],
    *,
    bound: int,
) -> None:
    """The same number of queries (at most `bound`) for a list of 3 rows and one of 30.

    Factories write without the services, so nothing bumps the org's cache version: the cache
    is cleared after each growth, and every count is of a cold (uncached) request.
    """
    from django.core.cache import cache

    grow(3)
    cache.clear()
    small = query_count(fetch)
    cache.clear()
    with django_assert_max_num_queries(bound):
        fetch()
    grow(27)
    cache.clear()
    big = query_count(fetch)
    cache.clear()
    with django_assert_max_num_queries(bound):
        response = fetch()
    assert response.json()["count"] >= 30
    assert small == big, f"{small} queries for 3 rows but {big} for 30"
