"""PostgreSQL backend that starts the embedded server on the first connection, not at import.

Used only when DATABASE_URL is unset. Importing settings (a linter, `manage.py check`, a test
collection that never touches the database) starts nothing; the first real connection starts
(or reuses) the private server of `config.embedded_db` and connects to it. The database name in
settings is kept, so the test runner's `test_<name>` database works as usual.
"""

from __future__ import annotations

from typing import Any

import environ
from django.conf import settings
from django.db.backends.postgresql import base

_url: str | None = None


def _embedded_url() -> str:
    global _url
    if _url is None:
        from config.embedded_db import embedded_database_url

        _url = embedded_database_url(settings.BASE_DIR)
    return _url


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        # A unix-socket URL (postgresql://postgres:@/podium?host=/run/dir) on Linux.
        server = environ.Env.db_url_config(_embedded_url())
        params["host"] = server.get("HOST") or server.get("OPTIONS", {}).get("host", "")
        params["user"] = server.get("USER") or "postgres"
        if server.get("PORT"):
            params["port"] = server["PORT"]
        if server.get("PASSWORD"):
            params["password"] = server["PASSWORD"]
        return params
