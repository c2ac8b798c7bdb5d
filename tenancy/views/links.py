"""Links to many objects of one kind, without a `reverse()` per row (it dominates a cold list)."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_SENTINEL = 987654321  # an id no row has: replaced by each row's id


def pk_url(name: str, *args: object) -> Callable[[object], str]:
    """`pk_url("pods:person_detail", slug)(42)` == `reverse("pods:person_detail", args=[slug, 42])`:
    the pattern is reversed once, so a renamed or moved URL still resolves the same way."""
    head, sep, tail = reverse(name, args=[*args, _SENTINEL]).rpartition(str(_SENTINEL))
    assert sep, name
    return lambda pk: f"{head}{pk}{tail}"
