from __future__ import annotations

import pytest

from tests.integrations import receiver as receiver_mod


@pytest.fixture
def receiver():
    rec = receiver_mod.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


@pytest.fixture
def allow_local(settings):
    settings.PODIUM_WEBHOOKS_ALLOW_PRIVATE = True
    return settings
