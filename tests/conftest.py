from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import OrganizationFactory, member

# Browser fixtures (one Chromium per session) for every app's browser tests.
pytest_plugins = ["tests.browser.plugin"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db):
    return OrganizationFactory()


@pytest.fixture
def other_org(db):
    return OrganizationFactory()


@pytest.fixture
def admin_member(org):
    return member(org, "admin")


@pytest.fixture
def admin_client(client, admin_member):
    client.force_login(admin_member.user)
    return client
