"""OpenAPI schema helpers, so the schema says what the API really answers (checked by schemathesis).

- `document_errors` (a drf-spectacular postprocessing hook) adds the JSON error body every
  operation can answer with — 400, 401, 403, 404, 405, and 409 on writes — unless the view
  declared its own.
- `ObjectSchema` for a `list` action that answers one object, not an array.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "One sentence for a person to read."},
        "errors": {
            "type": "array",
            "description": "One entry per field at fault; `field` is empty for the whole request.",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["detail", "errors"],
}

ERRORS = {
    "400": "Invalid input: `errors` names each field and the reason.",
    "401": "No credentials, or a token that is unknown, malformed or revoked.",
    "403": "Your role does not allow this here.",
    "404": "No such object in this organization (or not a member of it).",
    "405": "This method is not allowed on this path.",
}
WRITE_ERRORS = {"409": "Someone changed the same records at the same moment; reload and retry."}
WRITES = {"post", "put", "patch", "delete"}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/o/"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            wanted = ERRORS | (WRITE_ERRORS if method in WRITES else {})
            for code, description in wanted.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result


class ObjectSchema(AutoSchema):
    """For a `list` action whose answer is one object (e.g. search: hits plus counts)."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        if getattr(self.view, "action", None) == "list":
            return False
        return bool(super()._is_list_view(serializer))
