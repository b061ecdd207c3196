"""Each dialect's migration chain builds exactly the schema the models describe."""

from __future__ import annotations

from tortoise import connections

from tests.conftest import EmptyDatabase
from urbanchallenge.db import close_db, init_db
from urbanchallenge.migrations import pending_migration, upgrade


async def test_the_migrations_describe_the_current_models(fresh_database: EmptyDatabase) -> None:
    assert await pending_migration(fresh_database.url) is None


async def test_migrating_an_empty_database_twice_applies_everything_once(
    fresh_database: EmptyDatabase,
) -> None:
    first = await upgrade(fresh_database.url)
    second = await upgrade(fresh_database.url)
    await init_db(fresh_database.url)
    try:
        _, rows = await connections.get("default").execute_query(
            "SELECT COUNT(*) FROM user_account"
        )
    finally:
        await close_db()
    assert first and second == []
    assert rows[0][0] == 0
