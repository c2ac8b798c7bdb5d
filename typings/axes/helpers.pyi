from typing import Any

from django.http import HttpRequest, HttpResponse

def get_lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse: ...
