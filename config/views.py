from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.cache import CACHE_METRICS


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness, plus the cache's error counters (an outage shows here, not as 500s)."""
    down = bool(getattr(cache, "is_down", False))
    return JsonResponse({"ok": True, "cache": {"down": down, **CACHE_METRICS.snapshot()}})


def trivial(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the same server and middleware, no queries, no template."""
    return HttpResponse("ok", content_type="text/plain")
