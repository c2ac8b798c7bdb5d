from typing import Any

from django.http import HttpRequest

class AxesStandaloneBackend:
    def authenticate(
        self, request: HttpRequest, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None: ...
