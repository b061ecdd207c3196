"""SQLite transactions take the write lock as they begin (urbanchallenge.sqlite_engine).

With Tortoise's deferred BEGIN, a transaction that read before another process wrote could
not write afterwards: "database is locked" at once, whatever the busy timeout (the command
line beside a running server hit it). Now the other process waits for the transaction.
"""

from __future__ import annotations

import asyncio
import sqlite3
from urllib.parse import urlsplit

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from tests.ranking.factories import public_body
from urbanchallenge import db as database
from urbanchallenge.accounts.models import Organisation
from urbanchallenge.sqlite_engine import ImmediateSqliteClient


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + parts.path


def _other_process_renames(path: str, org_id: int) -> None:
    """What another process (the command line, another server) does: one write."""
    other = sqlite3.connect(path, timeout=10)
    try:
        other.execute(
            "UPDATE organisation SET description = 'from elsewhere' WHERE id = ?", [org_id]
        )
        other.commit()
    finally:
        other.close()


async def test_a_transaction_that_read_can_still_write_after_another_process_wrote(
    db: str,
) -> None:
    if database.dialect(db) != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the whole database")
    assert isinstance(connections.get("default"), ImmediateSqliteClient)
    org, _ = await public_body()

    async with in_transaction():
        found = await Organisation.get(id=org.id)  # read first, as verifying a body does
        writer = asyncio.ensure_future(asyncio.to_thread(_other_process_renames, _path(db), org.id))
        # The other write may not slip in before this transaction's own: with a deferred
        # BEGIN it did, and this write then failed with "database is locked".
        done, _ = await asyncio.wait({writer}, timeout=0.5)
        assert not done, "another process wrote inside this transaction's read"
        found.awaiting_verification = False
        await found.save(update_fields=["awaiting_verification"])
    await writer  # and once this one has committed, it goes ahead

    saved = await Organisation.get(id=org.id)
    assert saved.awaiting_verification is False and saved.description == "from elsewhere"


async def test_a_lock_held_too_long_is_the_usual_clear_database_trouble_and_nothing_hangs(
    db: str,
) -> None:
    if database.dialect(db) != "sqlite":
        pytest.skip("SQLite only")
    client = connections.get("default")
    other = sqlite3.connect(_path(db), timeout=10)
    other.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        await client.execute_script("PRAGMA busy_timeout = 100")
        with pytest.raises(Exception) as raised:
            async with in_transaction():
                pass
        assert database.trouble(raised.value) is database.Trouble.UNAVAILABLE
    finally:
        other.rollback()
        other.close()
    # and the process's connection was given back: its next queries run (they hung for
    # ever when a failed BEGIN kept it)
    await asyncio.wait_for(client.execute_script("PRAGMA busy_timeout = 5000"), 10)
    async with in_transaction():
        assert await asyncio.wait_for(Organisation.all().count(), 10) >= 0
