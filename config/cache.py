"""The cache is an accelerator, not a dependency: a Redis cache whose errors count as misses.

`ResilientRedisCache` is Django's `RedisCache` with three additions:

- every Redis error (refused connection, timeout, a read-only replica…) is caught: a read returns
  the default (a miss, so the caller builds the value from PostgreSQL), a write is dropped. Each
  error is logged (once per outage) and counted in `CACHE_METRICS`, which `/healthz` reports;
- a circuit breaker: after an error the cache is not asked again for `PODIUM_CACHE_RETRY_SECONDS`
  (default 2 s), so an outage costs one failed connection attempt per process every few seconds,
  not one per cache call. Short socket timeouts (set in the settings) bound that attempt;
- writes that failed are remembered (bounded) and their keys deleted as soon as Redis answers
  again. A session saved or deleted while Redis was away (a logout, a password change) therefore
  cannot come back from a Redis that kept its data: the next read goes to PostgreSQL.

Sessions use this cache through `cached_db`: its reads already fall back to the database on a
miss and it writes the database first, so sign-in and every page keep working during an outage.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger("podium.cache")
T = TypeVar("T")
MISS = object()
PENDING_LIMIT = 10_000


class CacheMetrics:
    """Process-wide counters: errors per operation, calls skipped while the circuit is open."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.errors: Counter[str] = Counter()
        self.skipped = 0
        self.recoveries = 0

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "errors": sum(self.errors.values()),
                "errors_by_operation": dict(self.errors),
                "skipped_while_down": self.skipped,
                "recoveries": self.recoveries,
            }

    def reset(self) -> None:
        with self._lock:
            self.errors.clear()
            self.skipped = 0
            self.recoveries = 0


CACHE_METRICS = CacheMetrics()


class ResilientRedisCache(RedisCache):
    _cache: RedisCacheClient  # Django's client for the server (a cached property the stubs omit)

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 2.0))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._state_lock = threading.Lock()
        self._down_until = 0.0
        self._pending: OrderedDict[str, None] = OrderedDict()

    # --- the breaker ------------------------------------------------------------------------
    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(
        self, operation: str, fn: Callable[[], T], fallback: T, keys: Iterable[str] = (), write: bool = False
    ) -> T:
        if self.is_down:
            with CACHE_METRICS._lock:
                CACHE_METRICS.skipped += 1
            if write:
                self._remember(keys)
            return fallback
        try:
            if self._down_until or self._pending:
                self._recover()  # before the call: a stale key must not be read first
            result = fn()
        except RedisError as exc:
            self._failed(operation, exc)
            if write:
                self._remember(keys)
            return fallback
        return result

    def _failed(self, operation: str, exc: Exception) -> None:
        with CACHE_METRICS._lock:
            CACHE_METRICS.errors[operation] += 1
        with self._state_lock:
            was_up = self._down_until == 0.0
            self._down_until = time.monotonic() + self.retry_seconds
        if was_up:
            log.warning(
                "cache unavailable (%s on %s): serving from the database, retrying every %.1fs",
                exc.__class__.__name__,
                operation,
                self.retry_seconds,
            )

    def _remember(self, keys: Iterable[str]) -> None:
        with self._state_lock:
            for key in keys:
                full_key = self.make_and_validate_key(key)
                self._pending[full_key] = None
                self._pending.move_to_end(full_key)
            while len(self._pending) > PENDING_LIMIT:
                self._pending.popitem(last=False)

    def _recover(self) -> None:
        """Delete the keys whose writes failed while Redis was away; raise if it still is."""
        with self._state_lock:
            keys = list(self._pending)
            self._pending.clear()
        try:
            client = self._cache.get_client(write=True)
            if keys:
                for start in range(0, len(keys), 500):
                    client.delete(*keys[start : start + 500])
            else:
                client.ping()
        except RedisError:
            with self._state_lock:
                for key in keys:
                    self._pending[key] = None
            raise
        with self._state_lock:
            recovered = self._down_until != 0.0
            self._down_until = 0.0
        if recovered:
            with CACHE_METRICS._lock:
                CACHE_METRICS.recoveries += 1
            log.warning("cache available again (%d stale keys invalidated)", len(keys))

    # --- Django's cache API -----------------------------------------------------------------
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        value = self._call("get", lambda: super(ResilientRedisCache, self).get(key, MISS, version), MISS)
        return default if value is MISS else value

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._call("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._call("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set(self, key: str, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        self._call(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            None,
            keys=[key],
            write=True,
        )

    def add(self, key: str, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return self._call(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            False,
            keys=[key],
            write=True,
        )

    def touch(self, key: str, timeout: Any = 300, version: int | None = None) -> bool:
        return self._call(
            "touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._call(
            "delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            False,
            keys=[key],
            write=True,
        )

    def set_many(self, data: dict[str, Any], timeout: Any = 300, version: int | None = None) -> list[str]:
        return self._call(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            list(data),
            keys=list(data),
            write=True,
        )

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        keys = list(keys)
        self._call(
            "delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            None,
            keys=keys,
            write=True,
        )

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        # No value to fall back on: Django's contract for a missing key is ValueError.
        result = self._call("incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), None)
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return result

    def clear(self) -> None:
        self._call("clear", lambda: super(ResilientRedisCache, self).clear(), None)
