"""PostgreSQL cannot store the NUL character (U+0000) in text: refuse it at the door, naming the field.

`RejectNulMiddleware` is the one place every page form, query string and API body passes through,
so no serializer, form or filter can forget it. CSV imports check their cells (tenancy/imports.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

NUL = "\x00"
NUL_MESSAGE = "Text must not contain the NUL character (\\u0000)."


def nul_path(data: Any, path: str = "") -> str | None:
    """The dotted path of the first key or string in `data` that holds a NUL, else None."""
    if isinstance(data, str):
        return path if NUL in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and NUL in key:
                return name
            found = nul_path(value, name)
            if found is not None:
                return found
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found = nul_path(value, f"{path}[{i}]" if path else str(i))
            if found is not None:
                return found
    return None


def _request_nul_field(request: HttpRequest) -> str | None:
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for source in sources:
        for key, values in source.lists():
            if NUL in key or any(NUL in v for v in values):
                return key
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH") and content_type.endswith("json"):
        body = request.body
        # JSON spells NUL as \\u0000 (a raw NUL byte is not JSON and fails parsing with a 400).
        if b"\\u0000" in body or b"\\U0000" in body:
            try:
                return nul_path(json.loads(body)) or "body"
            except ValueError:
                return None  # the parser answers this one
    return None


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = _request_nul_field(request)
        if field is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": f"{field}: {NUL_MESSAGE}", "errors": [{"field": field, "message": NUL_MESSAGE}]},
                status=400,
            )
        html = render_to_string("400.html", {"field": field, "message": NUL_MESSAGE}, request=request)
        return HttpResponse(html, status=400)
