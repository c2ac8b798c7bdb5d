"""The API takes JSON as its schema spells it: text is a JSON string, not a number that DRF would
turn into one ("0" from 0). Installed once, at start-up (TenancyConfig.ready), for every
serializer's CharField and its subclasses (EmailField, SlugField, URLField …)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

_LENIENT = serializers.CharField.to_internal_value


def _strict_text(self: serializers.CharField, data: Any) -> str:
    if not isinstance(data, str):
        self.fail("invalid")
    return _LENIENT(self, data)


def install() -> None:
    if serializers.CharField.to_internal_value is not _strict_text:
        serializers.CharField.to_internal_value = _strict_text  # type: ignore[method-assign]
