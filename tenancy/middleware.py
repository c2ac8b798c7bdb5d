from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tenancy import context


class RequestContextMiddleware:
    """Binds the request's id, path and client address so audit events can say where they came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        ip = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None
        source = "api" if request.path.startswith("/api/") else "web"
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:36] or context.new_request_id()
        token = context.bind(
            context.RequestContext(
                request_id=request_id, path=request.path[:300], ip_address=ip, source=source
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
