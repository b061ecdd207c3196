"""The urbanchallenge command, run as a newcomer or an operator would run it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import EmptyDatabase
from tests.test_live_server import run_cli, server_env


def cli_env(database: EmptyDatabase) -> dict[str, str]:
    return server_env(database.url)


async def test_migrate_load_fixtures_into_an_empty_database_then_reindex(
    fresh_database: EmptyDatabase,
) -> None:
    env = cli_env(fresh_database)
    assert run_cli(env, "migrate").returncode == 0

    first = run_cli(env, "load-fixtures", "--if-empty")
    second = run_cli(env, "load-fixtures", "--if-empty")
    forced = run_cli(env, "load-fixtures")

    assert first.returncode == 0, first.stderr
    assert "proposals: " in first.stdout and "0 already present" in first.stdout
    assert "already has data" in second.stdout
    assert forced.returncode == 0
    assert "proposals: 0 created" in forced.stdout

    reindexed = run_cli(env, "reindex")
    assert reindexed.returncode == 0, reindexed.stderr
    rankings = int(reindexed.stdout.split("Recomputed ")[1].split()[0])
    assert rankings > 30  # every challenge with proposals and every start-up


async def test_create_admin_makes_an_administrator_who_can_sign_in(
    fresh_database: EmptyDatabase,
) -> None:
    env = cli_env(fresh_database)
    assert run_cli(env, "migrate").returncode == 0

    created = run_cli(
        env,
        "create-admin",
        "--email",
        "Admin@Council.example",
        "--name",
        "Service Admin",
        "--password",
        "an administrator's passphrase",
    )
    duplicate = run_cli(
        env,
        "create-admin",
        "--email",
        "admin@council.example",
        "--name",
        "Again",
        "--password",
        "an administrator's passphrase",
    )
    weak = run_cli(
        env, "create-admin", "--email", "b@council.example", "--name", "B", "--password", "short"
    )

    assert created.returncode == 0, created.stderr
    assert "admin@council.example" in created.stdout
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    assert weak.returncode == 1 and "12 characters" in weak.stderr


async def test_a_command_meeting_a_busy_database_says_so_and_can_be_run_again(
    fresh_database: EmptyDatabase,
) -> None:
    if fresh_database.dialect != "sqlite":
        pytest.skip("a SQLite write lock held by another process")
    env = cli_env(fresh_database)
    assert run_cli(env, "migrate").returncode == 0
    assert run_cli(env, "load-fixtures").returncode == 0
    parts = urlsplit(fresh_database.url)
    other = sqlite3.connect(parts.netloc + parts.path)
    other.execute("BEGIN IMMEDIATE")  # the server, say, in the middle of a write
    try:
        busy = run_cli(
            {**env, "DATABASE_URL": fresh_database.url + "?busy_timeout=200"},
            "verify-body",
            "Warwickshire County Council",
        )
    finally:
        other.rollback()
        other.close()

    assert busy.returncode == 1
    assert "The database is busy or cannot be reached, so this did not finish" in busy.stderr
    assert "Traceback" not in busy.stderr + busy.stdout
    done = run_cli(env, "verify-body", "Warwickshire County Council")
    assert done.returncode == 0 and "Verified Warwickshire County Council" in done.stdout


def test_a_production_start_without_a_secret_key_says_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "urbanchallenge", "migrate"],
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "URBANCHALLENGE_ENV_FILE": "/dev/null",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
