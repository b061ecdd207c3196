"""Each dialect's migration chain builds exactly the schema the models describe."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
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


async def _organisation_columns() -> dict[str, bool]:
    """The organisation table's columns at this point of the chain: name -> needs a value."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "sqlite":
        _, rows = await conn.execute_query("PRAGMA table_info(organisation)")
        return {r["name"]: bool(r["notnull"]) and r["dflt_value"] is None for r in rows}
    _, rows = await conn.execute_query(
        "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_name = 'organisation'"
    )
    return {
        r["column_name"]: r["is_nullable"] == "NO" and r["column_default"] is None for r in rows
    }


async def test_each_migration_applies_over_data_saved_before_it(
    fresh_database: EmptyDatabase, tmp_path: Path
) -> None:
    """A database in use when a new release arrives keeps its rows through the upgrade."""
    chain = sorted(
        (migrations_location(fresh_database.url) / "models").glob("*.py"),
        key=lambda p: int(p.name.split("_")[0]),
    )
    if len(chain) < 2:
        pytest.skip("one migration so far: no data can exist before a later one")
    partial = tmp_path / "partial"
    (partial / "models").mkdir(parents=True)
    for number, migration in enumerate(chain[:-1]):
        shutil.copy(migration, partial / "models" / migration.name)
        await upgrade(fresh_database.url, location=partial)
        await init_db(fresh_database.url)
        try:
            # Raw SQL: the models describe the latest schema, not this intermediate one.
            conn = connections.get("default")
            columns = await _organisation_columns()
            values: dict[str, object] = {
                "name": f"Org {number}",
                "name_key": f"org {number}",
                "kind": "startup",
                "created_at": datetime.now(UTC),
            }
            values.update(
                {c: "" for c, needed in columns.items() if needed and c not in values and c != "id"}
            )
            marks = (
                ["?"] * len(values)
                if conn.capabilities.dialect == "sqlite"
                else [f"${n}" for n in range(1, len(values) + 1)]
            )
            await conn.execute_query(
                f"INSERT INTO organisation ({', '.join(values)}) VALUES ({', '.join(marks)})",  # noqa: S608 - column names from the schema
                list(values.values()),
            )
        finally:
            await close_db()

    await upgrade(fresh_database.url)
    await init_db(fresh_database.url)
    try:
        _, rows = await connections.get("default").execute_query(
            "SELECT name FROM organisation ORDER BY name"
        )
    finally:
        await close_db()
    assert [row[0] for row in rows] == [f"Org {n}" for n in range(len(chain) - 1)]
