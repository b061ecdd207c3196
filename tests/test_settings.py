"""Settings come from the environment; production refuses to start without a secret key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from urbanchallenge import settings as settings_module
from urbanchallenge.db import dialect, normalise_url
from urbanchallenge.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings

KEY = "k" * 48


def test_defaults_use_the_embedded_sqlite_database() -> None:
    loaded = load_settings({"SECRET_KEY": KEY}, env_file=None)
    assert loaded.database_url == DEFAULT_DATABASE_URL == "sqlite://var/urbanchallenge.sqlite3"
    assert loaded.debug is False
    assert loaded.cookie_secure is True
    assert loaded.allowed_hosts == ("127.0.0.1", "localhost")


def test_every_documented_setting_is_read_from_the_environment() -> None:
    loaded = load_settings(
        {
            "SECRET_KEY": KEY,
            "DATABASE_URL": "postgres://app@db.internal:5432/urbanchallenge",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "challenges.wmca.example, localhost",
            "SESSION_MAX_AGE": "3600",
            "SESSION_IDLE_TIMEOUT": "900",
        },
        env_file=None,
    )
    assert loaded.database_url.startswith("postgres://")
    assert loaded.debug is True and loaded.cookie_secure is False
    assert loaded.allowed_hosts == ("challenges.wmca.example", "localhost")
    assert loaded.session_max_age == 3600 and loaded.session_idle_timeout == 900
    assert str(loaded.secret_key) == KEY
    assert KEY not in repr(loaded)


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"SECRET_KEY={KEY}\nSESSION_MAX_AGE=120\n")
    assert load_settings({}, env_file=env).session_max_age == 120


def test_production_without_a_secret_key_refuses_to_start() -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY is not set"):
        load_settings({}, env_file=None)


def test_a_short_secret_key_is_refused() -> None:
    with pytest.raises(SettingsError, match="at least 32 characters"):
        load_settings({"SECRET_KEY": "short"}, env_file=None)


def test_a_debug_run_generates_a_private_key_once_and_reuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "var" / "secret_key"
    monkeypatch.setattr(settings_module, "DEV_SECRET_FILE", key_file)

    first = load_settings({"DEBUG": "true"}, env_file=None)
    second = load_settings({"DEBUG": "true"}, env_file=None)

    assert str(first.secret_key) == str(second.secret_key)
    assert len(str(first.secret_key)) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_generated_key_is_never_committed() -> None:
    ignore = (settings_module.PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert "var/" in ignore and ".env" in ignore


def test_relative_sqlite_paths_live_under_the_project_with_wal_and_a_busy_timeout() -> None:
    url = normalise_url("sqlite://var/urbanchallenge.sqlite3")
    assert url.startswith(f"sqlite://{settings_module.PROJECT_ROOT}/var/urbanchallenge.sqlite3?")
    assert "journal_mode=WAL" in url and "busy_timeout=5000" in url
    assert "foreign_keys=ON" in url


def test_postgres_urls_work_unchanged() -> None:
    assert normalise_url("postgres://u:p@h:5432/d") == "postgres://u:p@h:5432/d"
    assert normalise_url("postgresql://u@h/d") == "postgres://u@h/d"
    assert dialect("postgresql://u@h/d") == "postgres"


def test_an_unsupported_database_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="mysql"):
        dialect("mysql://u@h/d")
