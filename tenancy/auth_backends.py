"""Sign-in throttling: django-axes' backend, for sign-ins that come with a request."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class SignInThrottleBackend(AxesStandaloneBackend):
    """Refuse a locked-out email and address pair (django-axes).

    A call without a request (a management command, `seed_demo`, a test asking `authenticate`
    directly) cannot be a brute-force attempt over the network, so it is left to the next backend
    instead of raising axes' "request required" error."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
