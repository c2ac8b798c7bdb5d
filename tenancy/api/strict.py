"""The API takes JSON as its schema spells it: text is a JSON string, not a number that DRF would
turn into one ("0" from 0), a boolean is true or false, not "0" or 1, and a number is not a
boolean (DRF's FloatField reads `false` as 0.0). Installed once, at start-up
(TenancyConfig.ready), for every serializer's CharField, BooleanField, FloatField and SlugRelatedField and their subclasses (EmailField, SlugField, URLField …)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework import serializers

_LENIENT = serializers.CharField.to_internal_value


def _strict_text(self: serializers.Field[str, str, str, Any], data: Any) -> str:
    if not isinstance(data, str):
        self.fail("invalid")
    return _LENIENT(self, data)


_LENIENT_BOOL = serializers.BooleanField.to_internal_value


def _strict_bool(self: serializers.Field[bool, str | bool | int, bool, Any], data: Any) -> bool:
    # A JSON body says true or false; query strings ("true", "1") are read by filter serializers
    # from a QueryDict, where every value is text.
    if not isinstance(data, bool) and not isinstance(getattr(self.root, "initial_data", None), QueryDict):
        self.fail("invalid", input=data)
    return _LENIENT_BOOL(self, data)


def _not_a_boolean(field: type[serializers.Field[Any, Any, Any, Any]]) -> None:
    lenient = field.to_internal_value

    def strict_number(self: serializers.Field[Any, Any, Any, Any], data: Any) -> Any:
        if isinstance(data, bool):
            self.fail("invalid")
        return lenient(self, data)

    field.to_internal_value = strict_number  # type: ignore[method-assign]


_LENIENT_SLUG = serializers.SlugRelatedField.to_internal_value


def _strict_slug(self: serializers.SlugRelatedField[Any], data: Any) -> Any:
    # A key such as a risk tier's "high" is text: the number 0 found the tier keyed "0".
    if not isinstance(data, str):
        self.fail("invalid")
    return _LENIENT_SLUG(self, data)


def install() -> None:
    if serializers.CharField.to_internal_value is not _strict_text:
        serializers.CharField.to_internal_value = _strict_text  # type: ignore[method-assign]
        serializers.BooleanField.to_internal_value = _strict_bool  # type: ignore[method-assign]
        serializers.SlugRelatedField.to_internal_value = _strict_slug  # type: ignore[method-assign]
        _not_a_boolean(serializers.FloatField)  # Integer and Decimal fields refuse str(True) already
