"""What `OPTIONS` answers on the API: the endpoint's name, description and media types.

DRF's default also describes each writing method's body, and for that it loads the object the
URL names (`get_object()`), which a collection action such as `PUT matrix/cells/` has no key
for (a 500) and which would run queries for a request that reads nothing. The OpenAPI schema
(`/api/v1/schema/`) is where bodies are described.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import BaseMetadata

if TYPE_CHECKING:  # rest_framework.views imports the settings that name this class
    from rest_framework.request import Request
    from rest_framework.views import APIView


class EndpointMetadata(BaseMetadata):
    def determine_metadata(self, request: Request, view: APIView) -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": "/api/v1/schema/",
        }
