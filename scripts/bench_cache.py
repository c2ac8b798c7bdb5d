"""The bench's cache: local memory that counts fragment hits and misses per request, and that
forgets every fragment when `BENCH_CACHE=cold` (see bench_settings); and the request's CPU time."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse

COLD = os.environ.get("BENCH_CACHE") == "cold"
_stats = threading.local()


def _count(hit: bool) -> None:
    name = "hits" if hit else "misses"
    setattr(_stats, name, getattr(_stats, name, 0) + 1)


class CountingCache(LocMemCache):
    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        if not str(key).startswith("frag:"):
            return super().get(key, default, version)
        if COLD:
            _count(False)
            return default
        sentinel = object()
        value = super().get(key, sentinel, version)
        _count(value is not sentinel)
        return default if value is sentinel else value

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        out = {}
        for key in keys:
            sentinel = object()
            value = self.get(key, sentinel, version)
            if value is not sentinel:
                out[key] = value
        return out


class FragmentStatsMiddleware:
    """Per response: fragment hits and misses, and the worker's CPU time for the request
    (`X-CPU-Us`: on a shared machine wall-clock latency mostly measures waiting for a core;
    CPU time is what the code costs, whatever the load)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _stats.hits = _stats.misses = 0
        started = time.thread_time()
        response = self.get_response(request)
        response["X-CPU-Us"] = str(round(1e6 * (time.thread_time() - started)))
        response["X-Frag-Hits"] = str(_stats.hits)
        response["X-Frag-Misses"] = str(_stats.misses)
        return response
