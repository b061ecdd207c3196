"""Sessions kept in memory between reads, and dropped as soon as PostgreSQL says they changed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from tortoise import connections

from tests.conftest import csrf_token, make_user, sign_in_as
from urbanchallenge.accounts import kept_sessions, services
from urbanchallenge.accounts.kept_sessions import (
    APPLICATION_NAME,
    KeptSessions,
    SessionListener,
)
from urbanchallenge.accounts.models import Role, Session, User
from urbanchallenge.app import create_app
from urbanchallenge.db import dialect
from urbanchallenge.settings import Settings, SettingsError, load_settings

# ---------------------------------------------------------------- the store alone


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def listening(seconds: float = 10.0, **kwargs: Any) -> KeptSessions:
    kept = KeptSessions(seconds, **kwargs)
    kept.listening = True
    return kept


def test_nothing_is_kept_while_no_one_listens() -> None:
    kept = KeptSessions(10.0)
    assert not kept.put("h", 1, ("row",), kept.mark())
    assert kept.get("h") is None


def test_a_row_read_while_a_change_was_heard_is_not_kept() -> None:
    kept = listening()
    mark = kept.mark()
    kept.changed("sother")  # heard while the row was being read
    assert not kept.put("h", 1, ("row",), mark)
    assert kept.put("h", 1, ("row",), kept.mark())
    assert kept.get("h") == ("row",)


def test_a_kept_row_ages_out() -> None:
    clock = Clock()
    kept = listening(10.0, clock=clock)
    kept.put("h", 1, ("row",), kept.mark())
    clock.now += 9.9
    assert kept.get("h") == ("row",)
    clock.now += 0.1
    assert kept.get("h") is None
    assert len(kept) == 0


def test_the_oldest_rows_make_room() -> None:
    kept = listening(size=2)
    for name in ("a", "b", "c"):
        kept.put(name, 1, (name,), kept.mark())
    assert [kept.get(n) for n in ("a", "b", "c")] == [None, ("b",), ("c",)]


def test_notifications_drop_what_they_name() -> None:
    kept = listening()
    for name, user in (("a", 1), ("b", 1), ("c", 2), ("d", 12)):
        kept.put(name, user, (name,), kept.mark())
    kept.changed("sc")
    assert kept.get("c") is None and kept.get("a") == ("a",)
    kept.changed("u1")
    assert kept.get("a") is None and kept.get("b") is None and kept.get("d") == ("d",)
    kept.changed("*")
    assert len(kept) == 0


def test_losing_the_listener_drops_everything_and_refuses_reads_in_flight() -> None:
    kept = listening()
    kept.put("a", 1, ("a",), kept.mark())
    mark = kept.mark()
    kept.stop_keeping()
    assert len(kept) == 0 and not kept.listening
    kept.listening = True  # listening again, but the read began before the loss
    assert not kept.put("b", 1, ("b",), mark)


def test_a_refreshed_copy_does_not_replace_a_row_changed_meanwhile() -> None:
    kept = listening()
    kept.put("h", 1, ("old",), kept.mark())
    mark = kept.mark()  # a request reads ("old",), then waits on its refresh
    kept.changed("u1")  # the user changed meanwhile
    kept.put("h", 1, ("new",), kept.mark())  # another request read the new row
    kept.replace("h", ("old, refreshed",), mark)
    assert kept.get("h") == ("new",)
    kept.replace("h", ("new, refreshed",), kept.mark())
    assert kept.get("h") == ("new, refreshed",)


def test_rows_are_not_used_once_the_listener_has_gone_quiet() -> None:
    clock = Clock()
    kept = listening(clock=clock)
    kept.heard_until = clock.now + 5
    kept.put("h", 1, ("row",), kept.mark())
    clock.now += 5.1  # no probe has come back since
    assert kept.get("h") is None
    assert not kept.put("h", 1, ("row",), kept.mark())


def test_a_users_rows_go_together_and_only_theirs() -> None:
    kept = listening(size=3)
    for name, user in (("a", 1), ("b", 2), ("c", 1), ("d", 3)):  # "a" makes room for "d"
        kept.put(name, user, (name,), kept.mark())
    kept.changed("u1")
    assert [kept.get(n) for n in "abcd"] == [None, ("b",), None, ("d",)]
    assert kept._by_user == {2: {"b"}, 3: {"d"}}


def test_the_keeping_time_is_a_setting() -> None:
    env = {"DEBUG": "true", "URBANCHALLENGE_ENV_FILE": "/dev/null"}
    assert load_settings({**env, "SESSION_KEEP_SECONDS": "2.5"}).session_keep_seconds == 2.5
    for bad in ("-1", "301"):
        with pytest.raises(SettingsError, match="SESSION_KEEP_SECONDS"):
            load_settings({**env, "SESSION_KEEP_SECONDS": bad})


# ---------------------------------------------------------------- against the database


def test_sessions_are_kept_only_on_postgresql(settings: Settings) -> None:
    kept = create_app(settings, manage_database=False).state.kept_sessions
    assert (kept is not None) == (dialect(settings.database_url) == "postgres")
    off = create_app(
        Settings(database_url=settings.database_url, session_keep_seconds=0),
        manage_database=False,
    )
    assert off.state.kept_sessions is None


# Sessions are kept on PostgreSQL only (the test above holds SQLite to that).
on_postgres = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


async def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        await asyncio.sleep(0.01)


@dataclass
class Instance:
    """One app with its own kept sessions and listener, as one process of one machine."""

    app: Starlette
    kept: KeptSessions
    listener: SessionListener
    client: httpx.AsyncClient

    async def changes_heard(self, action: Callable[[], Awaitable[object]]) -> None:
        """Run ``action``, then wait until this instance has heard of a change."""
        before = self.kept.changes
        await action()
        await until(lambda: self.kept.changes > before)


@pytest.fixture
async def instances(settings: Settings) -> AsyncIterator[list[Instance]]:
    made: list[Instance] = []
    try:
        for _ in range(2):
            app = create_app(settings, manage_database=False)
            kept = app.state.kept_sessions
            listener = SessionListener.for_database(kept, settings.database_url)
            listener.start()
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="https://testserver"
            )
            made.append(Instance(app, kept, listener, client))
            await until(lambda k=kept: k.listening)  # type: ignore[misc]
        yield made
    finally:
        for instance in made:
            await instance.client.aclose()
            await instance.listener.stop()


class Reads:
    """Counts the session reads that reach the database."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = services._session_row

        async def counted(token_hash: str) -> tuple[Any, ...] | None:
            self.count += 1
            return await real(token_hash)

        monkeypatch.setattr(services, "_session_row", counted)


def session_cookie(client: httpx.AsyncClient) -> tuple[str, str]:
    return next((k, v) for k, v in client.cookies.items() if k.endswith("uc_session"))


async def signed_in_on_both(instances: list[Instance]) -> User:
    """A user signed in through the first instance, its cookie used by both."""
    a, b = instances
    user = await make_user(Role.COUNCIL_OFFICER)
    # Signing in notes the time on the user's row, which every instance hears of: wait for
    # that, or a read racing it would (rightly) not be kept.
    before = [instance.kept.changes for instance in instances]
    await sign_in_as(a.client, user)
    for instance, seen in zip(instances, before, strict=True):
        await until(lambda i=instance, n=seen: i.kept.changes > n)  # type: ignore[misc]
    name, value = session_cookie(a.client)
    b.client.cookies.set(name, value)
    for instance in instances:
        assert (await instance.client.get("/challenges/yours")).status_code == 200
    return user


@on_postgres
async def test_a_kept_session_answers_reads_without_the_database(
    instances: list[Instance], monkeypatch: pytest.MonkeyPatch
) -> None:
    await signed_in_on_both(instances)
    a = instances[0]
    assert len(a.kept) == 1
    reads = Reads(monkeypatch)
    for _ in range(3):
        assert (await a.client.get("/challenges/yours")).status_code == 200
    assert reads.count == 0
    # A request that may change something always reads its session afresh.
    await a.client.post("/sign-in", data={"csrftoken": csrf_token(a.client)})
    assert reads.count == 1


@on_postgres
async def test_signing_out_on_one_instance_ends_the_session_kept_by_the_other(
    instances: list[Instance],
) -> None:
    await signed_in_on_both(instances)
    a, b = instances
    csrf = next(v for k, v in b.client.cookies.items() if k.endswith("csrftoken"))

    async def sign_out() -> None:
        out = await b.client.post("/sign-out", data={"csrftoken": csrf})
        assert out.status_code == 303

    await a.changes_heard(sign_out)

    assert len(a.kept) == 0
    refused = await a.client.get("/challenges/yours")
    assert refused.status_code == 303 and "/sign-in" in refused.headers["location"]


@on_postgres
@pytest.mark.parametrize(
    "change",
    [
        "UPDATE user_account SET is_active = false WHERE id = $1",
        "UPDATE user_account SET role = 'reviewer' WHERE id = $1",
        "DELETE FROM user_session WHERE user_id = $1",
        "UPDATE user_session SET expires_at = now() WHERE user_id = $1",
    ],
)
async def test_a_change_made_behind_the_apps_back_reaches_every_kept_copy(
    instances: list[Instance], settings: Settings, change: str
) -> None:
    """An operator in psql, on a connection of its own, not through any instance."""
    user = await signed_in_on_both(instances)

    async def from_psql() -> None:
        conn = await asyncpg.connect(settings.database_url.replace("postgres://", "postgresql://"))
        try:
            await conn.execute(change, user.id)
        finally:
            await conn.close()

    a, b = instances
    await a.changes_heard(from_psql)
    await until(lambda: len(b.kept) == 0)
    for instance in instances:
        page = await instance.client.get("/challenges/yours")
        # Signed out, or (the role changed) still signed in but no longer an officer.
        assert page.status_code == (403 if "role" in change else 303)


@on_postgres
async def test_refreshing_the_last_seen_time_tells_no_one(
    instances: list[Instance], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await signed_in_on_both(instances)
    a = instances[0]
    heard: list[str] = []
    real = a.kept.changed

    def recorded(payload: str) -> None:
        heard.append(payload)
        real(payload)

    monkeypatch.setattr(a.kept, "changed", recorded)
    await Session.filter(user_id=user.id).update(last_seen_at=datetime.now(UTC))
    await User.filter(id=user.id).update(name="Renamed")  # this one does tell
    await until(lambda: f"u{user.id}" in heard)
    # PostgreSQL delivers notifications in commit order: anything the first update had sent
    # would have come before the second's.
    assert heard == [f"u{user.id}"]


@on_postgres
async def test_an_idle_looking_kept_copy_asks_the_database_first(
    instances: list[Instance], settings: Settings
) -> None:
    """The other instance saw the session recently, so it has not been idle."""
    user = await signed_in_on_both(instances)
    a = instances[0]
    token_hash, (until_, user_id, row) = next(iter(a.kept._rows.items()))
    long_ago = datetime.now(UTC) - timedelta(seconds=settings.session_idle_timeout + 60)
    stale = (*row[:4], long_ago, *row[5:])
    a.kept._rows[token_hash] = (until_, user_id, stale)

    assert (await a.client.get("/challenges/yours")).status_code == 200
    assert await Session.filter(user_id=user.id).exists()


@on_postgres
async def test_losing_the_listening_connection_stops_keeping_until_it_is_back(
    instances: list[Instance], monkeypatch: pytest.MonkeyPatch
) -> None:
    await signed_in_on_both(instances)
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = $1 AND datname = current_database()",
        [APPLICATION_NAME],
    )
    assert len(rows) == 2  # one per instance
    for instance in instances:
        await until(lambda i=instance: not i.kept.listening)  # type: ignore[misc]
        assert len(instance.kept) == 0
    # Reads go to the database meanwhile, and keeping resumes once listening again.
    for instance in instances:
        await until(lambda i=instance: i.kept.listening)  # type: ignore[misc]
        assert instance.listener.connects == 2
    reads = Reads(monkeypatch)
    a = instances[0]
    for _ in range(3):
        assert (await a.client.get("/challenges/yours")).status_code == 200
    assert reads.count == 1


@on_postgres
async def test_the_status_page_says_whether_sessions_are_being_kept(
    instances: list[Instance],
) -> None:
    a = instances[0]
    assert (await a.client.get("/_status")).json()["sessions"] == {"kept_in_memory": True}
    await a.listener.stop()
    assert (await a.client.get("/_status")).json()["sessions"] == {"kept_in_memory": False}


@contextlib.asynccontextmanager
async def listener_on(
    settings: Settings, *, deaf: bool = False
) -> AsyncIterator[tuple[KeptSessions, SessionListener]]:
    """A store and its running listener; ``deaf`` drops every notification it would hear, as
    a pooler in transaction mode would."""
    kept = KeptSessions(10.0)
    listener = SessionListener.for_database(kept, settings.database_url)
    if deaf:
        listener._notified = lambda *args: None  # type: ignore[method-assign]
    listener.start()
    try:
        yield kept, listener
    finally:
        await listener.stop()


@on_postgres
async def test_nothing_is_kept_while_notifications_do_not_come_back(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_sessions, "HEALTH_CHECK_SECONDS", 0.2)
    async with listener_on(settings, deaf=True) as (kept, listener):
        await asyncio.sleep(1.0)
        assert listener._probes >= 1  # it did ask
        assert not kept.listening and listener.connects == 0
        assert not kept.put("h", 1, ("row",), kept.mark())


@on_postgres
async def test_a_listener_that_hears_its_probes_keeps_listening(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # probes every half second, each allowed as long (ample on a busy machine)
    monkeypatch.setattr(kept_sessions, "HEALTH_CHECK_SECONDS", 0.5)
    async with listener_on(settings) as (kept, listener):
        await until(lambda: kept.listening)
        changes = kept.changes
        await asyncio.sleep(2.5)  # four or five probes
        assert kept.listening and listener.connects == 1 and listener._probes >= 3
        assert kept.changes == changes  # probes change nothing kept


@on_postgres
async def test_emptying_the_sessions_table_reaches_every_kept_copy(
    instances: list[Instance],
) -> None:
    await signed_in_on_both(instances)
    a = instances[0]
    await a.changes_heard(
        lambda: connections.get("default").execute_script("TRUNCATE user_session")
    )
    assert len(a.kept) == 0
    assert (await a.client.get("/challenges/yours")).status_code == 303


@on_postgres
async def test_nothing_is_kept_while_the_triggers_are_switched_off(settings: Settings) -> None:
    conn = connections.get("default")
    await conn.execute_script('ALTER TABLE "user_session" DISABLE TRIGGER uc_session_changed')
    try:
        async with listener_on(settings) as (kept, listener):
            await asyncio.sleep(0.5)
            assert not kept.listening and listener.connects == 0 and listener._probes == 0
    finally:
        await conn.execute_script('ALTER TABLE "user_session" ENABLE TRIGGER uc_session_changed')
    async with listener_on(settings) as (kept, listener):
        await until(lambda: kept.listening)
