"""Every setting, read once from the environment and an optional ``.env`` file.

Nothing here runs at import time: :func:`load_settings` builds a :class:`Settings`
when the app, the CLI or a test asks for one, so tests can pass their own values.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings, Secret

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
DEFAULT_DATABASE_URL = "sqlite://var/urbanchallenge.sqlite3"
DEV_SECRET_FILE = VAR_DIR / "secret_key"


class SettingsError(RuntimeError):
    """A setting is missing or unusable; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: Secret = field(default_factory=lambda: Secret(secrets.token_urlsafe(48)))
    debug: bool = False
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    session_max_age: int = 8 * 60 * 60
    session_idle_timeout: int = 60 * 60
    max_body_size: int = 2 * 1024 * 1024
    max_form_fields: int = 200
    sign_in_window: int = 15 * 60
    sign_in_max_failures_per_account: int = 5
    sign_in_max_failures_per_address: int = 30
    service_name: str = "UrbanChallenge"
    # Recompute match scores in the background of each app process.
    run_worker: bool = True
    base_url: str = "http://127.0.0.1:8000"
    # Seconds a page that opts in is kept (urbanchallenge.pagecache); 0 turns it off. Off
    # unless the environment says, so tests see every change.
    page_cache_seconds: float = 0.0
    # Seconds a process may keep a session it has read, on PostgreSQL only
    # (urbanchallenge.accounts.kept_sessions); 0 turns it off.
    session_keep_seconds: float = 10.0

    @property
    def cookie_secure(self) -> bool:
        """Cookies carry ``Secure`` everywhere except a local debug run over plain HTTP."""
        return not self.debug

    @property
    def csrf_cookie_name(self) -> str:
        return "__Host-csrftoken" if self.cookie_secure else "csrftoken"

    @property
    def session_cookie_name(self) -> str:
        # The __Host- prefix pins the cookie to this host, path / and HTTPS.
        return "__Host-uc_session" if self.cookie_secure else "uc_session"


def _dev_secret(path: Path) -> str:
    """Return the local development key, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = None
) -> Settings:
    """Read settings from ``environ`` (default: the process environment) and ``.env``."""
    source = os.environ if environ is None else environ
    if env_file is None:
        # URBANCHALLENGE_ENV_FILE points at another file (or /dev/null for none).
        candidate = Path(source.get("URBANCHALLENGE_ENV_FILE") or PROJECT_ROOT / ".env")
        env_file = candidate if candidate.is_file() else None
    config = Config(env_file, environ=source)

    debug = config("DEBUG", cast=bool, default=False)
    secret = config("SECRET_KEY", cast=Secret, default=None)
    if secret is None or not str(secret):
        if not debug:
            raise SettingsError(
                "SECRET_KEY is not set. Set it to a long random value in production "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or set DEBUG=true for a local run, which keeps a development key in var/."
            )
        secret = Secret(_dev_secret(DEV_SECRET_FILE))
    if len(str(secret)) < 32:
        raise SettingsError("SECRET_KEY must be at least 32 characters long.")

    hosts = tuple(
        h.strip()
        for h in config("ALLOWED_HOSTS", cast=CommaSeparatedStrings, default="127.0.0.1,localhost")
        if h.strip()
    )
    if not hosts:
        raise SettingsError("ALLOWED_HOSTS must name at least one host.")

    page_seconds = config("PAGE_CACHE_SECONDS", cast=float, default=5.0)
    if not 0 <= page_seconds <= 3600:
        raise SettingsError("PAGE_CACHE_SECONDS must be between 0 (off) and 3600.")

    keep_seconds = config("SESSION_KEEP_SECONDS", cast=float, default=10.0)
    if not 0 <= keep_seconds <= 300:
        raise SettingsError("SESSION_KEEP_SECONDS must be between 0 (off) and 300.")

    return Settings(
        database_url=config("DATABASE_URL", default=DEFAULT_DATABASE_URL),
        secret_key=secret,
        debug=debug,
        allowed_hosts=hosts,
        session_max_age=config("SESSION_MAX_AGE", cast=int, default=8 * 60 * 60),
        session_idle_timeout=config("SESSION_IDLE_TIMEOUT", cast=int, default=60 * 60),
        max_body_size=config("MAX_BODY_SIZE", cast=int, default=2 * 1024 * 1024),
        base_url=config("BASE_URL", default="http://127.0.0.1:8000"),
        run_worker=config("MATCH_WORKER", cast=bool, default=True),
        page_cache_seconds=page_seconds,
        session_keep_seconds=keep_seconds,
    )
