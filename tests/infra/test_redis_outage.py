"""A Redis outage does not take the site down: the cache is an accelerator, errors count as misses.

The test starts its own redis-server (tests/infra/servers.py), points the cache and the sessions
at it, then stops it: sign-in, pages and API reads keep answering from PostgreSQL, fast, and the
outage is counted. A session ended while Redis was away cannot come back when it returns.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.cache import CACHE_METRICS
from tests.api.helpers import url
from tests.api.test_auth import token_client
from tests.factories import PodFactory, member
from tests.infra.servers import OwnRedis

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-9"


@pytest.fixture
def own_redis(tmp_path, settings):
    server = OwnRedis(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "t",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "RETRY_SECONDS": 0.0},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CACHE_METRICS.reset()
    try:
        yield server
    finally:
        server.stop()


def _timed_get(client, path, **extra):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    response = client.get(path, **extra)
    return response, time.perf_counter() - start


def test_pages_api_and_sign_in_answer_while_redis_is_down(own_redis, client, org):
    m = member(org)
    m.user.set_password(PASSWORD)
    m.user.save()
    PodFactory(organization=org, name="Churn")
    api = token_client(member(org))
    home = reverse("pods:org_home", kwargs={"org_slug": org.slug})
    assert client.post(reverse("login"), {"username": m.user.email, "password": PASSWORD}).status_code == 302
    assert client.get(home).status_code == 200  # fills the cache
    assert cache.get("probe", "miss") == "miss" and not cache.is_down

    own_redis.stop()

    response, seconds = _timed_get(client, home)
    assert response.status_code == 200 and b"Churn" in response.content  # session from PostgreSQL
    assert seconds < 1.0
    assert api.get(url(org, "pods_api:pod-list")).status_code == 200
    assert client.get(reverse("healthz")).json()["cache"]["errors"] >= 1
    client.post(reverse("logout"))
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": m.user.email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in must work without Redis"
    assert client.get(home).status_code == 200
    assert CACHE_METRICS.snapshot()["errors"] >= 3

    own_redis.start()
    assert client.get(home).status_code == 200
    assert not cache.is_down and CACHE_METRICS.snapshot()["recoveries"] >= 1


def test_a_session_ended_during_the_outage_stays_ended(own_redis, client, org):
    m = member(org)
    client.force_login(m.user)
    home = reverse("pods:org_home", kwargs={"org_slug": org.slug})
    assert client.get(home).status_code == 200  # the session is now cached in Redis
    cookie = client.cookies["sessionid"].value

    own_redis.stop()  # saves its data: the cached session survives the restart
    client.post(reverse("logout"))  # deletes the row; the cache delete fails
    own_redis.start()

    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    response = client.get(home)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_outage_costs_one_attempt_per_retry_interval(tmp_path, settings):
    from config.cache import ResilientRedisCache

    server = OwnRedis(tmp_path)  # never started: every connection is refused
    broken = ResilientRedisCache(server.url, {"OPTIONS": {"RETRY_SECONDS": 60}})
    CACHE_METRICS.reset()
    start = time.perf_counter()
    for i in range(200):
        assert broken.get(f"k{i}", "default") == "default"
        broken.set(f"k{i}", i)
        assert broken.add(f"k{i}", i) is False
        assert broken.get_many([f"k{i}"]) == {}
    assert time.perf_counter() - start < 1.0
    metrics = CACHE_METRICS.snapshot()
    assert metrics["errors"] == 1 and metrics["skipped_while_down"] == 799
    with pytest.raises(ValueError):
        broken.incr("counter")
