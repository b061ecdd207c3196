"""Each dialect's migration chain builds exactly the schema the models describe."""

from __future__ import annotations

import shutil
from pathlib import Path

from tortoise import connections

from tests.conftest import EmptyDatabase
from tests.test_live_server import run_cli, server_env
from urbanchallenge.db import close_db, init_db, migrations_location
from urbanchallenge.migrations import upgrade


async def test_the_migrations_describe_the_current_models(fresh_database: EmptyDatabase) -> None:
    result = run_cli(
        server_env(fresh_database.url), "plan-migration", "--check", fresh_database.url, "x"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


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
    assert len(first) == len(
        list((migrations_location(fresh_database.url) / "models").glob("*.py"))
    )
    assert second == []
    assert rows[0][0] == 0


async def test_each_migration_applies_over_data_saved_before_it(
    fresh_database: EmptyDatabase, tmp_path: Path
) -> None:
    """A database in use when a new release arrives keeps its rows through the upgrade."""
    chain = sorted(
        (migrations_location(fresh_database.url) / "models").glob("*.py"),
        key=lambda p: int(p.name.split("_")[0]),
    )
    partial = tmp_path / "partial"
    (partial / "models").mkdir(parents=True)
    for number, migration in enumerate(chain):
        shutil.copy(migration, partial / "models" / migration.name)
        await upgrade(fresh_database.url, location=partial)
        await init_db(fresh_database.url)
        try:
            # Raw SQL: the models describe the latest schema, not this intermediate one.
            conn = connections.get("default")
            a, b = ("?", "?") if conn.capabilities.dialect == "sqlite" else ("$1", "$2")
            await conn.execute_query(
                "INSERT INTO organisation (name, name_key, kind, region, website, created_at) "
                "VALUES (" + a + ", " + b + ", 'startup', '', '', CURRENT_TIMESTAMP)",
                [f"Org {number}", f"org {number}"],
            )
        finally:
            await close_db()

    await init_db(fresh_database.url)
    try:
        _, rows = await connections.get("default").execute_query(
            "SELECT name FROM organisation ORDER BY name"
        )
    finally:
        await close_db()
    assert [row[0] for row in rows] == [f"Org {n}" for n in range(len(chain))]
