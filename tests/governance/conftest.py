from __future__ import annotations

import pytest

from governance.services.matrix import governance_seed_defaults
from tests.factories import member, pod_lead


@pytest.fixture
def gorg(org):
    """An organization with governance defaults (factories skip the organization_created signal)."""
    governance_seed_defaults(organization=org)
    return org


@pytest.fixture
def lead(gorg):
    """(membership, person, pod) of a pod lead."""
    return pod_lead(gorg)


@pytest.fixture
def leader(gorg):
    return member(gorg, "leader")


@pytest.fixture
def owner(gorg):
    return member(gorg, "owner")


@pytest.fixture
def admin(gorg):
    return member(gorg, "admin")
