"""What the current request is, for the audit trail: set by middleware, read by `audit`."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    path: str = ""
    ip_address: str | None = None
    source: str = "web"


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "podium_request_context", default=RequestContext(source="system")  # noqa: B039 (frozen)
)


def current() -> RequestContext:
    return _current.get()


def bind(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return str(uuid.uuid4())
