from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.cache import CACHE_METRICS


def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: PostgreSQL answers (503 while it does not). The cache's error counters are
    reported but never fail the check: an unavailable cache is only slower (config/cache.py)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError as exc:
        database = f"unavailable: {exc.__class__.__name__}"
    down = bool(getattr(cache, "is_down", False))
    return JsonResponse(
        {"ok": database == "ok", "database": database, "cache": {"down": down, **CACHE_METRICS.snapshot()}},
        status=200 if database == "ok" else 503,
    )


def trivial(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the same server and middleware, no queries, no template."""
    return HttpResponse("ok", content_type="text/plain")
