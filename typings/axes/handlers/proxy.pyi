from typing import Any

from django.http import HttpRequest

class AxesProxyHandler:
    @classmethod
    def is_allowed(cls, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool: ...
    @classmethod
    def user_login_failed(
        cls, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None: ...
