from __future__ import annotations

import pytest

from tests.dashboards.factories import world as build_world


@pytest.fixture
def world(org):
    return build_world(org)
