"""Apply and generate aerich migrations for the configured dialect.

Each dialect keeps its own folder under ``migrations/`` because aerich writes
dialect-specific SQL; ``make_migration`` writes both from the same models so the
two chains cannot drift apart (tests compare each chain's schema with the models).

The ORM is opened here with the same global-fallback context the app uses, before
aerich sees it: aerich then reuses it instead of creating a context of its own,
which matters when one process migrates more than one database (the tests do).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from aerich import Command

from urbanchallenge.db import close_db, init_db, migrations_location, tortoise_config


def _command(database_url: str, location: Path) -> Command:
    return Command(
        tortoise_config=tortoise_config(database_url), app="models", location=str(location)
    )


async def upgrade(database_url: str, location: Path | None = None) -> list[str]:
    """Apply every migration not yet applied; return the names applied.

    ``location`` replaces the dialect's folder (tests use it to stop part-way).
    """
    await init_db(database_url)
    try:
        command = _command(database_url, location or migrations_location(database_url))
        await command.init()
        applied: list[str] = await command.upgrade(run_in_transaction=True)
    finally:
        await close_db()
    return applied


async def pending_migration(database_url: str) -> str | None:
    """Name of the migration the models still need beyond the files, or None if none.

    Plans offline, from the files' own record of the models, in a scratch copy so
    a check never writes to the tree. Needs a server of the dialect, not its data.
    """
    location = migrations_location(database_url)
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copytree(location / "models", Path(scratch) / "models")
        await init_db(database_url)
        try:
            command = _command(database_url, Path(scratch))
            await command.init(offline=True)
            name = await command.migrate("pending", no_input=True, offline=True)
        finally:
            await close_db()
    return name or None


async def make_migration(database_url: str, name: str) -> str | None:
    """Write the next migration for this dialect (the first one if there is none)."""
    location = migrations_location(database_url)
    await init_db(database_url)
    try:
        command = _command(database_url, location)
        if not (location / "models").exists():
            await command.init_migrations(safe=True)
            return "initial"
        await command.init(offline=True)
        created = await command.migrate(name, no_input=True, offline=True)
    finally:
        await close_db()
    return created or None
