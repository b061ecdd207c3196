"""Test fixtures: a migrated database per dialect (SQLite and PostgreSQL), the app, clients.

Every test that asks for ``db`` (directly or through ``client``) runs twice: once on
SQLite and once on PostgreSQL. The PostgreSQL leg uses ``TEST_POSTGRES_URL``
(default: the local server) and creates a throwaway database for the run. Without a
server it is skipped loudly; with ``REQUIRE_POSTGRES=1`` (as in CI) it fails instead.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher, Type
from starlette.applications import Starlette
from tortoise import Tortoise, connections

from soak.server import admin_connection, postgres_server_url, with_database
from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.accounts.passwords import Hashing
from urbanchallenge.app import create_app
from urbanchallenge.db import close_db, init_db
from urbanchallenge.migrations import upgrade
from urbanchallenge.settings import Settings

PASSWORD = "a long enough test passphrase"
SKIPPED_POSTGRES: list[str] = []


def postgres_required() -> bool:
    return os.environ.get("REQUIRE_POSTGRES", "") not in {"", "0", "false", "no"}


async def create_postgres_database() -> str:
    """Create an empty database for this run; return its URL. Skip or fail if no server."""
    server = postgres_server_url()
    try:
        conn = await admin_connection(server, connect_timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        message = f"PostgreSQL at {server} is not reachable ({exc.__class__.__name__}: {exc})"
        if postgres_required():
            pytest.fail(f"{message}, and REQUIRE_POSTGRES is set", pytrace=False)
        SKIPPED_POSTGRES.append(message)
        pytest.skip(message)
    name = f"uc_test_{secrets.token_hex(6)}"
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server, name)


async def drop_postgres_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    assert re.fullmatch(r"uc_test_[0-9a-f]+", name), name
    conn = await admin_connection(postgres_server_url())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass
class EmptyDatabase:
    """A freshly created, unmigrated database and how to get rid of it."""

    url: str
    dialect: str

    async def drop(self) -> None:
        if self.dialect == "postgres":
            await drop_postgres_database(self.url)


@pytest.fixture
async def fresh_database(database_url: str, tmp_path: Path) -> AsyncIterator[EmptyDatabase]:
    """A brand-new, unmigrated database of this leg's dialect.

    The leg's shared database is closed meanwhile (one process holds one ORM
    context at a time) and reopened afterwards.
    """
    await close_db()
    if database_url.startswith("sqlite"):
        database = EmptyDatabase(f"sqlite://{tmp_path / 'fresh.sqlite3'}", "sqlite")
    else:
        database = EmptyDatabase(await create_postgres_database(), "postgres")
    try:
        yield database
    finally:
        await close_db()
        await database.drop()
        await init_db(database_url)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Still argon2id, with parameters that keep hundreds of registrations fast in tests."""
    original = Hashing.hasher
    Hashing.use(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID))
    yield
    Hashing.use(original)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database migrated with the real migrations, open for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = await create_postgres_database()
    await upgrade(url)
    await init_db(url)
    try:
        yield url
    finally:
        await close_db()
        if request.param == "postgres":
            await drop_postgres_database(url)


async def _clear_tables() -> None:
    conn = connections.get("default")
    tables = [
        model._meta.db_table
        for app in Tortoise.apps.values()
        for model in app.values()
        if model._meta.db_table != "aerich"
    ]
    if conn.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        await conn.execute_script("PRAGMA foreign_keys=OFF")
        for table in tables:
            # Table names come from the models, not from input.
            await conn.execute_script(f'DELETE FROM "{table}"')  # noqa: S608
        await conn.execute_script("PRAGMA foreign_keys=ON")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """An empty, migrated database for one test (cleared before and after)."""
    await _clear_tables()
    yield database_url
    await _clear_tables()


@pytest.fixture
def settings(db: str) -> Settings:
    return Settings(
        database_url=db,
        debug=False,
        allowed_hosts=("testserver",),
        base_url="https://testserver",
    )


@pytest.fixture
def app(settings: Settings) -> Starlette:
    return create_app(settings, manage_database=False)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client over HTTPS (the cookies are Secure outside debug)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as c:
        yield c


def csrf_token(client: httpx.AsyncClient) -> str:
    for name in ("__Host-csrftoken", "csrftoken"):
        value = client.cookies.get(name)
        if value:
            return value
    raise AssertionError("no CSRF cookie: load a page with a form first")


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict[str, str], *, form_page: str | None = None
) -> httpx.Response:
    """Load the form page (for its CSRF cookie), then post ``data`` with the token."""
    await client.get(form_page or path)
    return await client.post(path, data={**data, "csrftoken": csrf_token(client)})


async def make_user(
    role: Role,
    *,
    email: str | None = None,
    organisation: Organisation | None = None,
    name: str = "Test User",
) -> User:
    """Create a user of ``role``, with a fresh organisation of the right kind if it needs one."""
    kind = {
        Role.COUNCIL_OFFICER: OrganisationKind.PUBLIC_BODY,
        Role.STARTUP_MEMBER: OrganisationKind.STARTUP,
    }.get(role)
    if organisation is None and kind is not None:
        org_name = f"{kind.value} {secrets.token_hex(3)}"
        organisation = await Organisation.create(name=org_name, name_key=org_name, kind=kind)
    return await User.create(
        email=email or f"{role.value}.{secrets.token_hex(3)}@example.org",
        name=name,
        password_hash=Hashing.hasher.hash(PASSWORD),
        role=role,
        organisation=organisation,
    )


async def sign_in_as(client: httpx.AsyncClient, user: User, password: str = PASSWORD) -> None:
    """Sign ``client`` in through the real sign-in form."""
    response = await post_form(client, "/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 303, response.text


@pytest.fixture
def make_settings(settings: Settings):  # type: ignore[no-untyped-def]
    def build(**changes: object) -> Settings:
        return replace(settings, **changes)  # type: ignore[arg-type]

    return build


def _postgres_skips(terminalreporter: pytest.TerminalReporter) -> list[str]:
    """Why the PostgreSQL leg was skipped: noted in this process, or (under pytest-xdist,
    where the tests run in worker processes) read from the skip reports they sent back."""
    found = list(SKIPPED_POSTGRES)
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = str(longrepr[2] if isinstance(longrepr, tuple) else longrepr)
        if reason.startswith("Skipped: PostgreSQL at") and "is not reachable" in reason:
            found.append(reason.removeprefix("Skipped: "))
    return found


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = _postgres_skips(terminalreporter)
    if skipped:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(
            "THE POSTGRESQL LEG WAS SKIPPED: database tests ran on SQLite only.",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(skipped[0], red=True)
        terminalreporter.write_line(
            "Start PostgreSQL or set TEST_POSTGRES_URL. CI sets REQUIRE_POSTGRES=1 to fail.",
            red=True,
        )
        terminalreporter.write_line(bar, red=True, bold=True)
