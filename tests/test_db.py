"""How PostgreSQL connections go back to the pool (urbanchallenge.db.reset_pooled_connection).

The app's own reset skips asyncpg's RESET ALL / UNLISTEN / CLOSE ALL round trip; that is only
sound while nothing the app does leaves session state behind on a connection, and while an
unfinished transaction is still rolled back before the connection is used again.
"""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from tortoise import connections

from urbanchallenge import db as database
from urbanchallenge.accounts.models import Organisation, OrganisationKind

SOURCE = Path(database.__file__).resolve().parent


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def test_the_app_pool_uses_the_apps_reset(db: str) -> None:
    if database.dialect(db) != "postgres":
        pytest.skip("SQLite has no connection pool to reset")
    pool = connections.get("default")._pool  # type: ignore[attr-defined]
    assert pool._reset is database.reset_pooled_connection
    assert pool._maxsize == database.POSTGRES_POOL_SIZE == 20


async def test_an_unfinished_transaction_is_rolled_back_before_the_connection_is_reused(
    db: str,
) -> None:
    if database.dialect(db) != "postgres":
        pytest.skip("SQLite has no connection pool to reset")
    pool = await asyncpg.create_pool(
        _asyncpg_dsn(db), min_size=1, max_size=1, reset=database.reset_pooled_connection
    )
    try:
        async with pool.acquire() as conn:
            # As a request cancelled in the middle of a transaction leaves it: begun by
            # hand, with a write in it, and never finished.
            await conn.execute("BEGIN")
            await conn.execute(
                "INSERT INTO organisation "
                "(name, name_key, kind, description, region, website, created_at) "
                "VALUES ('Half-written', 'half-written', 'startup', '', '', '', now())"
            )
            await conn.execute("SELECT pg_advisory_xact_lock(4242)")
        async with pool.acquire() as again:
            assert not again.is_in_transaction()
            found = await again.fetchval(
                "SELECT count(*) FROM organisation WHERE name_key = 'half-written'"
            )
            held = await again.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"
            )
    finally:
        await pool.close()

    assert found == 0
    assert held == 0
    assert not await Organisation.filter(name_key="half-written").exists()


async def test_the_pool_still_serves_after_a_cancelled_transaction(db: str) -> None:
    """Both databases: the ORM's transaction, cancelled part-way, leaves nothing saved."""
    import asyncio

    from tortoise.transactions import in_transaction

    started = asyncio.Event()

    async def interrupted() -> None:
        async with in_transaction():
            await Organisation.create(
                name="Cancelled Ltd", name_key="cancelled ltd", kind=OrganisationKind.STARTUP
            )
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(interrupted())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert not await Organisation.filter(name_key="cancelled ltd").exists()
    await Organisation.create(name="After Ltd", name_key="after ltd", kind=OrganisationKind.STARTUP)
    assert await Organisation.filter(name_key="after ltd").exists()


# Statements that leave state on a connection after their transaction: a SET without LOCAL,
# LISTEN, a cursor declared WITH HOLD, a session-level advisory lock, a prepared statement.
SESSION_STATE = re.compile(
    r"""["'](?:SET\s+(?!LOCAL\b)|LISTEN\b|DECLARE\b[^"']*\bWITH\s+HOLD\b|PREPARE\b)"""
    r"""|pg_(?:try_)?advisory_lock(?:_shared)?\s*\(""",
)


def test_no_code_leaves_session_state_on_a_pooled_connection() -> None:
    offenders = [
        f"{path.relative_to(SOURCE.parent)}:{number}: {line.strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SESSION_STATE.search(line)
    ]
    assert offenders == []


def test_the_session_state_check_would_catch_each_kind() -> None:
    for line in (
        'await conn.execute_query("SET search_path TO x")',
        "await conn.execute_query('LISTEN index_changed')",
        'await conn.execute_query("SELECT pg_advisory_lock($1)", [1])',
        'await conn.execute_query("DECLARE c CURSOR WITH HOLD FOR SELECT 1")',
    ):
        assert SESSION_STATE.search(line), line
    for line in (
        'await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [1])',
        'await conn.execute_query("SET LOCAL statement_timeout = 1000")',
        "UPDATE challenge SET title = $1",
    ):
        assert not SESSION_STATE.search(line), line


def test_each_process_may_open_twenty_postgres_connections_unless_the_url_says() -> None:
    default = database.tortoise_config("postgres://u@db.internal:5432/uc")
    chosen = database.tortoise_config("postgres://u@db.internal:5432/uc?max_size=8&min_size=2")

    assert default["connections"]["default"]["credentials"]["maxsize"] == "20"
    credentials = chosen["connections"]["default"]["credentials"]
    assert credentials["max_size"] == 8 and credentials["min_size"] == 2
    assert credentials["reset"] is database.reset_pooled_connection
