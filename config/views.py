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


# --- Error responses: JSON under /api/, a styled page with the navigation everywhere else. ------

_ERRORS = {
    400: ("Bad request", "The request could not be understood. Check what was sent and try again."),
    403: ("Not allowed", "You do not have permission to do this in this organization. "
                         "An admin of the organization can change your role."),
    404: ("Not found", "There is nothing at this address, or it belongs to an organization you "
                       "are not a member of."),
    500: ("Something went wrong", "Podium could not finish this request. It has been logged; "
                                  "try again in a moment."),
}


def _error(request: HttpRequest, status: int) -> HttpResponse:
    title, explanation = _ERRORS[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": title + ".", "errors": []}, status=status)
    from django.template.loader import render_to_string

    try:
        html = render_to_string("error.html", {"status": status, "title": title,
                                               "explanation": explanation}, request=request)
    except Exception:  # a broken context (e.g. the database is away) must not hide the error
        html = render_to_string("error.html", {"status": status, "title": title,
                                               "explanation": explanation})
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)
