"""Database configuration and lifecycle, shared by the app's lifespan, the CLI and tests.

SQLite is the embedded default and PostgreSQL (asyncpg) the production database. Both
are configured from one ``DATABASE_URL``; the dialect picks the migrations folder,
because aerich writes dialect-specific SQL.
"""

from __future__ import annotations

import socket
import sqlite3
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]
from tortoise import Tortoise, connections
from tortoise.backends.base import executor
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import DBConnectionError
from tortoise.exceptions import OperationalError as OrmOperationalError

from urbanchallenge.settings import PROJECT_ROOT

MODEL_MODULES = [
    "urbanchallenge.accounts.models",
    "urbanchallenge.challenges.models",
    "urbanchallenge.proposals.models",
    "urbanchallenge.reviews.models",
    "urbanchallenge.ranking.models",
    "urbanchallenge.audit.models",
]
MIGRATIONS_ROOT = PROJECT_ROOT / "migrations"

# Pragmas applied to every SQLite connection unless the URL sets them itself:
# WAL lets readers run beside the writer, busy_timeout waits for a lock
# instead of failing at once, foreign keys are off by default in SQLite.
SQLITE_DEFAULTS = {
    "journal_mode": "WAL",
    "busy_timeout": "5000",
    "synchronous": "NORMAL",
    "foreign_keys": "ON",
}


def dialect(database_url: str) -> str:
    """Return ``"sqlite"`` or ``"postgres"`` for a supported ``DATABASE_URL``."""
    scheme = urlsplit(database_url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in {"postgres", "postgresql", "asyncpg"}:
        return "postgres"
    raise ValueError(
        f"DATABASE_URL scheme {scheme!r} is not supported: use sqlite://PATH or postgres://..."
    )


def normalise_url(database_url: str) -> str:
    """Make a URL Tortoise accepts: absolute SQLite paths with our pragmas, asyncpg for PG."""
    parts = urlsplit(database_url)
    if dialect(database_url) == "postgres":
        return urlunsplit(parts._replace(scheme="postgres"))
    raw_path = parts.netloc + parts.path
    if raw_path != ":memory:":
        path = Path(raw_path)
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        path.parent.mkdir(parents=True, exist_ok=True)
        raw_path = str(path)
    query = dict(parse_qsl(parts.query))
    for key, value in SQLITE_DEFAULTS.items():
        query.setdefault(key, value)
    return f"sqlite://{raw_path}?{urlencode(query)}"


# Connections each process may hold open (``max_size`` in DATABASE_URL overrides it). Tortoise's
# default of 5 left requests queueing for a connection under 25 concurrent requests a
# process, which tripled the slowest twentieth of page times in the load benchmark; the
# pool only grows under load. See docs/deploy.md for the sum against max_connections.
POSTGRES_POOL_SIZE = 20

# A new PostgreSQL connection that has not been made in this many seconds is given up
# (asyncpg waits 60 s by default): a request then gets the "unavailable" page quickly.
POSTGRES_CONNECT_TIMEOUT = 10


async def reset_pooled_connection(conn: asyncpg.Connection) -> None:
    """Make a PostgreSQL connection fit for its next user as it goes back to the pool.

    asyncpg's default sends ``RESET ALL``, ``UNLISTEN *``, ``CLOSE ALL`` and the release of
    session advisory locks on every return: a second round trip for each query outside a
    transaction, which nearly doubled what a signed-in page costs the database. Given its
    own reset, asyncpg still rolls back an unfinished transaction first (a request cancelled
    in the middle of one), and the app leaves nothing else behind: no SET outside a
    transaction, no LISTEN, no cursors held, only transaction-scoped advisory locks. So
    there is nothing more to undo (tests/test_db.py holds the app to that).
    """


def _connection(database_url: str) -> str | dict[str, Any]:
    url = normalise_url(database_url)
    if dialect(url) != "postgres":
        sqlite: dict[str, Any] = expand_db_url(url)
        # transactions take the write lock as they begin (see urbanchallenge.sqlite_engine)
        sqlite["engine"] = "urbanchallenge.sqlite_engine"
        return sqlite
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("timeout", str(POSTGRES_CONNECT_TIMEOUT))
    query.setdefault("maxsize", str(POSTGRES_POOL_SIZE))
    config: dict[str, Any] = expand_db_url(urlunsplit(parts._replace(query=urlencode(query))))
    config["credentials"]["reset"] = reset_pooled_connection
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            "models": {
                "models": [*MODEL_MODULES, "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def migrations_location(database_url: str) -> Path:
    return MIGRATIONS_ROOT / dialect(database_url)


async def init_db(database_url: str, *, create_db: bool = False) -> None:
    """Open the connections for this process (global, so every task can use them)."""
    await Tortoise.init(
        config=tortoise_config(database_url),
        _create_db=create_db,
        _enable_global_fallback=True,
    )


async def close_db() -> None:
    """Close the connections and release the global context, so init_db can run again."""
    await Tortoise.close_connections()
    # Tortoise caches each model's insert and update SQL under the connection's
    # name, not its dialect. A process that opens another database of another
    # dialect under the same name (the tests, migrating SQLite then PostgreSQL)
    # would reuse SQL with the wrong placeholders, so forget it on close.
    executor.EXECUTOR_CACHE.clear()


async def ping() -> str:
    """Run a trivial query; return the server's version string."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "sqlite":
        _, rows = await conn.execute_query("SELECT sqlite_version()")
        return f"SQLite {rows[0][0]}"
    _, rows = await conn.execute_query("SHOW server_version")
    return f"PostgreSQL {rows[0][0]}"


class Trouble(StrEnum):
    """Why the database could not do what a request needed, when it is not our bug."""

    # Cannot be reached or is not accepting work right now (restarting, refused, the
    # connection broke, locked for too long): the same request will work again shortly.
    UNAVAILABLE = "unavailable"
    # Has no room to store more: retrying will not help until someone frees space.
    FULL = "full"


# SQLite reports its troubles as OperationalError with these messages (sqlite3.c).
_SQLITE_FULL = ("database or disk is full",)
_SQLITE_UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
)


def _trouble_of_one(exc: BaseException) -> Trouble | None:
    if isinstance(exc, asyncpg.DiskFullError):
        return Trouble.FULL
    if isinstance(
        exc,
        asyncpg.PostgresConnectionError  # class 08: the connection failed or is gone
        | asyncpg.exceptions.OperatorInterventionError  # class 57: shutting down, starting up
        | asyncpg.exceptions.InsufficientResourcesError  # class 53: too many connections...
        | DBConnectionError
        | ConnectionError  # refused, reset, broken pipe
        | socket.gaierror  # the database's host name does not resolve
        | TimeoutError,  # connecting took longer than POSTGRES_CONNECT_TIMEOUT
    ):
        return Trouble.UNAVAILABLE
    if isinstance(exc, asyncpg.InterfaceError) and "clos" in str(exc):
        return Trouble.UNAVAILABLE  # "connection is closed", "pool is closing"
    if isinstance(exc, asyncpg.InternalClientError):
        # "cannot switch to state N; another operation is in progress": the pool could
        # not reset a connection that broke half-way through a query (it is terminated
        # and replaced). Raised in a task of its own, so the first error is not attached.
        return Trouble.UNAVAILABLE
    if isinstance(exc, sqlite3.OperationalError | OrmOperationalError):
        message = str(exc).lower()
        if any(m in message for m in _SQLITE_FULL):
            return Trouble.FULL
        if any(m in message for m in _SQLITE_UNAVAILABLE):
            return Trouble.UNAVAILABLE
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from or during, first to last."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not e for e in found):
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def lost_connection(exc: BaseException) -> bool:
    """Whether ``exc`` says a pooled PostgreSQL connection had died before it was used
    (its server process was ended: a restart, a failover, an administrator), rather than
    that the server cannot be reached now. A new connection may well work."""
    return any(
        isinstance(
            e,
            asyncpg.exceptions.AdminShutdownError  # 57P01, sent as its process was ended
            | asyncpg.exceptions.ConnectionDoesNotExistError  # 08003, found closed mid-query
            | ConnectionResetError,
        )
        or (isinstance(e, asyncpg.InterfaceError) and "closed" in str(e))
        # The pool could not reset a connection that broke half-way through a query (it is
        # terminated and replaced): see _trouble_of_one.
        or (isinstance(e, asyncpg.InternalClientError) and "another operation" in str(e))
        for e in _chain(exc)
    )


def trouble(exc: BaseException) -> Trouble | None:
    """Whether ``exc`` (or an exception it was raised from) says the database is
    unreachable or full, rather than that the code or the query is wrong.

    Tortoise passes asyncpg's connection errors through as they are and wraps
    SQLite's in its own OperationalError, sometimes only as the implicit context;
    a failed rollback after a broken connection hides the first error the same way.
    """
    for current in _chain(exc):
        found = _trouble_of_one(current)
        if found is not None:
            return found
    return None
