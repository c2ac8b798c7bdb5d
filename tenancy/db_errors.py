"""Races that the database settles: turn its refusal into a clear 409 instead of a 500.

Services check uniqueness and overlaps before writing, but two concurrent requests can both pass
the check; the constraint then refuses the second, or PostgreSQL breaks a deadlock by aborting one
transaction. Both are the client's cue to look again or retry, so they answer 409 with the field
the constraint is about. The API's exception handler and `ConflictMiddleware` (pages) share this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.db import DatabaseError, IntegrityError, OperationalError, models
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("podium.conflicts")

UNIQUE_VIOLATION = "23505"
EXCLUSION_VIOLATION = "23P01"
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"


@cache
def _constraint_fields() -> dict[str, str]:
    """Constraint name → the field it is about (the first one it names), for every model."""
    out: dict[str, str] = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            fields = list(getattr(constraint, "fields", ()) or ())
            for expression in getattr(constraint, "expressions", ()) or ():
                fields.extend(_expression_fields(expression))
            named = [f for f in fields if f != "organization"]
            if named:
                out[constraint.name] = named[0] if isinstance(named[0], str) else str(named[0])
    return out


def _expression_fields(expression: object) -> list[str]:
    if isinstance(expression, models.F):
        return [expression.name]
    if isinstance(expression, (list, tuple)):  # ExclusionConstraint: (expression, operator)
        return _expression_fields(expression[0])
    names: list[str] = []
    for source in getattr(expression, "get_source_expressions", lambda: [])():
        names.extend(_expression_fields(source))
    return names


def conflict_for(exc: BaseException) -> tuple[str, str] | None:
    """(field, message) when `exc` is a race the client should see as a 409, else None.

    A delete that other records still protect (`on_delete=PROTECT`/`RESTRICT`) is a conflict with
    the current state as well: the message says what refers to it, so the user can reassign it.
    """
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return "", _still_referenced(exc)
    if not isinstance(exc, DatabaseError):
        return None
    cause = exc.__cause__
    code = getattr(cause, "sqlstate", None)
    if isinstance(exc, IntegrityError) and code in (UNIQUE_VIOLATION, EXCLUSION_VIOLATION):
        diag = getattr(cause, "diag", None)
        field = _constraint_fields().get(getattr(diag, "constraint_name", "") or "", "")
        what = "an existing record" if code == UNIQUE_VIOLATION else "an existing record over the same time"
        return field, f"This conflicts with {what} (someone saved it at the same moment). Reload and try again."
    if isinstance(exc, OperationalError) and code in (SERIALIZATION_FAILURE, DEADLOCK_DETECTED):
        return "", "Another change to the same data was saved at the same moment. Try again."
    return None


def conflict_title(exc: BaseException) -> str:
    """The error page's title: a record other records still refer to is in use, not a race."""
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return "Still in use"
    return "Changed at the same moment"


def _still_referenced(exc: ProtectedError | RestrictedError) -> str:
    objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    counts: dict[str, int] = {}
    for obj in objects:
        meta = obj._meta
        counts[str(meta.verbose_name)] = counts.get(str(meta.verbose_name), 0) + 1
    kinds = ", ".join(f"{n} {name}{'' if n == 1 else 's'}" for name, n in sorted(counts.items()))
    return f"This cannot be removed while other records refer to it ({kinds}). Reassign or remove those first."


class ConflictMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        conflict = conflict_for(exception)
        if conflict is None:
            return None
        field, message = conflict
        log.info("conflict on %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            detail = f"{field}: {message}" if field else message
            return JsonResponse({"detail": detail, "errors": [{"field": field, "message": message}]},
                                status=409)
        html = render_to_string("error.html", {"status": 409, "title": conflict_title(exception),
                                               "explanation": message}, request=request)
        return HttpResponse(html, status=409)
