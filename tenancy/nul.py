"""PostgreSQL cannot store the NUL character (U+0000) in text: refuse it at the door, naming the field.

The other C0 control characters (U+0001–U+001F except tab, line feed and carriage return) are
refused the same way. No one types them, and Python's `str.strip()` counts U+001C–U+001F as
whitespace: "é" followed by 300 of them passed a 200-character limit once the field had been
trimmed, and was stored as "é".

`RejectNulMiddleware` is the one place every page form, query string and API body passes through,
so no serializer, form or filter can forget it. CSV imports check their cells (tenancy/imports.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

NUL = "\x00"
NUL_MESSAGE = "Text must not contain the NUL character (\\u0000)."
CONTROL_MESSAGE = "Text must not contain control characters (\\u0001-\\u001f other than tab and line breaks)."
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")
# How JSON spells them: \u0000-\u001f, less \u0009, \u000a and \u000d (a raw control byte inside a
# string is not JSON and fails parsing with a 400).
_JSON_ESCAPE = re.compile(rb"\\[uU]00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])")


def refusal_for(text: str) -> str | None:
    """The message for the first character of `text` that Podium does not store, else None."""
    if NUL in text:
        return NUL_MESSAGE
    if _CONTROL.search(text):
        return CONTROL_MESSAGE
    return None


def refused_path(data: Any, path: str = "") -> tuple[str, str] | None:
    """(dotted path, message) of the first key or string in `data` holding a refused character."""
    if isinstance(data, str):
        message = refusal_for(data)
        return (path, message) if message else None
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            message = refusal_for(key) if isinstance(key, str) else None
            found = (name, message) if message else refused_path(value, name)
            if found is not None:
                return found
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found = refused_path(value, f"{path}[{i}]" if path else str(i))
            if found is not None:
                return found
    return None


def _request_refusal(request: HttpRequest) -> tuple[str, str] | None:
    """(field, message) for the first field of the request holding a refused character, else None."""
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for source in sources:
        for key, values in source.lists():
            for text in (key, *values):
                message = refusal_for(text)
                if message:
                    return key, message
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH") and content_type.endswith("json"):
        body = request.body
        if _JSON_ESCAPE.search(body):
            try:
                data = json.loads(body)
            except ValueError:
                return None  # the parser answers this one
            # None when only an escaped backslash came before "u00…": that is plain text.
            return refused_path(data)
    return None


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = _request_refusal(request)
        if refusal is None:
            return self.get_response(request)
        field, message = refusal
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": f"{field}: {message}", "errors": [{"field": field, "message": message}]},
                status=400,
            )
        html = render_to_string("400.html", {"field": field, "message": message}, request=request)
        return HttpResponse(html, status=400)
