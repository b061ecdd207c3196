"""Database configuration and lifecycle, shared by the app's lifespan, the CLI and tests.

SQLite is the embedded default and PostgreSQL (asyncpg) the production database. Both
are configured from one ``DATABASE_URL``; the dialect picks the migrations folder,
because aerich writes dialect-specific SQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise, connections
from tortoise.backends.base import executor

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


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": normalise_url(database_url)},
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
