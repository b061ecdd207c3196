"""Signed-in sessions kept in memory between reads, dropped as soon as PostgreSQL says they changed.

Every signed-in request needs its session and its user: one query. For a page kept by
:mod:`urbanchallenge.pagecache` that query is most of the work, and it runs on the shared
PostgreSQL for every request of every instance. So on PostgreSQL each process keeps the
session rows it has read, under these rules:

* **Changes reach every instance at once.** Triggers (migration 3 of the PostgreSQL chain)
  send a notification on channel :data:`CHANNEL` for every session deleted or re-pointed, every
  user changed or deleted, and every TRUNCATE of those tables, whoever writes them (the app, a
  script, an operator in psql). Each process listens on a connection of its own; a
  notification drops the rows it names. PostgreSQL delivers it when the change commits, so an
  account switched off or a session signed out elsewhere is refused from the next request that
  arrives after a few milliseconds, not after a timeout.
* **No listening, no keeping.** Rows are kept only while notifications are known to arrive:
  the listener sends one of its own when it connects and every 5 seconds after, and keeps
  nothing until it has come back. When one does not (a pooler in transaction mode, which
  passes no notifications on) or the connection is lost (PostgreSQL restarted, the connection
  killed), every kept row is dropped and requests read the database again until listening
  has resumed.
* **A read that raced a change is not kept.** A row read while any notification arrived (or
  the connection was lost) may predate that change; it is used for its own request, as any
  read would be, but not kept.
* **Only reads use a kept row.** A request that may change something (any method other than
  GET, HEAD and OPTIONS) always reads its session from the database, so nothing is ever
  written on behalf of a session that has ended, however recently.
* **Kept rows age out** after ``SESSION_KEEP_SECONDS`` (10 by default; 0 turns keeping off)
  even with no notification, a bound on staleness should notifications ever stop silently.
  Idle timeouts are checked against the database before a kept row ends a session, since
  another instance may have seen the session more recently.

SQLite needs none of this: its reads are in-process and cheap, and there is no second
machine to tell.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from urbanchallenge.db import tortoise_config

log = logging.getLogger("urbanchallenge")

CHANNEL = "uc_session_changed"
# Each listening connection says who it is, so operators (and tests) can find it.
APPLICATION_NAME = "urbanchallenge-sessions"
# Seconds between checks that notifications still make the round trip (and the longest
# such a check may take).
HEALTH_CHECK_SECONDS = 5.0
RECONNECT_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)

Row = tuple[Any, ...]

# The triggers of migration 3 of the PostgreSQL chain, which send the notifications.
TRIGGERS = ("uc_session_changed", "uc_session_truncated", "uc_user_changed", "uc_user_truncated")


class NoNotices(Exception):
    """The database would not tell this process of session changes."""


class KeptSessions:
    """Session rows (session and user columns) by token hash, for ``seconds`` at most."""

    def __init__(
        self, seconds: float, *, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self.listening = False
        # Rows are used and kept only until then: the listener moves it on each time one of
        # its own notifications comes back, so a listener that stops hearing (or hangs)
        # stops keeping within a few seconds even before it notices.
        self.heard_until = math.inf
        # Moves on with every notification and every loss of the listening connection.
        self.changes = 0
        self._rows: OrderedDict[str, tuple[float, int, Row]] = OrderedDict()
        self._by_user: dict[int, set[str]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def _live(self, now: float) -> bool:
        return self.listening and now <= self.heard_until

    def get(self, token_hash: str) -> Row | None:
        kept = self._rows.get(token_hash)
        if kept is None:
            return None
        until, _, row = kept
        now = self.clock()
        if until <= now or not self._live(now):
            self._drop(token_hash)
            return None
        return row

    def mark(self) -> int:
        """Call before reading a row, and pass the answer to :meth:`put` or :meth:`replace`."""
        return self.changes

    def put(self, token_hash: str, user_id: int, row: Row, mark: int) -> bool:
        """Keep ``row`` unless something changed since ``mark`` or no one is listening."""
        now = self.clock()
        if mark != self.changes or not self._live(now):
            return False
        self._drop(token_hash)
        self._rows[token_hash] = (now + self.seconds, user_id, row)
        self._by_user.setdefault(user_id, set()).add(token_hash)
        while len(self._rows) > self.size:
            self._drop(next(iter(self._rows)))
        return True

    def replace(self, token_hash: str, row: Row, mark: int) -> None:
        """Put a newer copy of a kept row in its place (its last-seen time moved on), unless
        something changed since ``mark`` (the copy may predate it)."""
        kept = self._rows.get(token_hash)
        if kept is not None and mark == self.changes:
            self._rows[token_hash] = (kept[0], kept[1], row)

    def changed(self, payload: str) -> None:
        """A notification: ``s<token hash>``, ``u<user id>`` or ``*`` for everything."""
        self.changes += 1
        kind, rest = payload[:1], payload[1:]
        if kind == "s":
            self._drop(rest)
        elif kind == "u" and rest.isdigit():
            for token_hash in list(self._by_user.get(int(rest), ())):
                self._drop(token_hash)
        else:
            self._rows.clear()
            self._by_user.clear()

    def stop_keeping(self) -> None:
        self.listening = False
        self.changes += 1
        self._rows.clear()
        self._by_user.clear()

    def _drop(self, token_hash: str) -> None:
        kept = self._rows.pop(token_hash, None)
        if kept is not None:
            hashes = self._by_user[kept[1]]
            hashes.discard(token_hash)
            if not hashes:
                del self._by_user[kept[1]]


class SessionListener:
    """Keeps one connection listening on :data:`CHANNEL` and feeds ``kept`` what it hears.

    Reconnects by itself, with growing pauses, for as long as it runs.
    """

    def __init__(self, kept: KeptSessions, credentials: Mapping[str, Any]) -> None:
        self.kept = kept
        self.credentials = dict(credentials)
        self.connects = 0
        self._task: asyncio.Task[None] | None = None
        # probes are told apart from other processes' by this name
        self._name = f"{os.getpid()}.{secrets.token_hex(4)}"
        self._probes = 0
        self._awaiting: tuple[str, asyncio.Future[None]] | None = None

    @classmethod
    def for_database(cls, kept: KeptSessions, database_url: str) -> SessionListener:
        """A listener on the PostgreSQL server and database the ORM uses."""
        credentials = tortoise_config(database_url)["connections"]["default"]["credentials"]
        wanted = ("host", "port", "user", "password", "database", "ssl", "timeout")
        return cls(kept, {k: credentials[k] for k in wanted if credentials.get(k) is not None})

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="session-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            # whatever ended the task, shutting down goes on
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        self.kept.stop_keeping()

    async def _run(self) -> None:
        failures = 0
        while True:
            connects = self.connects
            try:
                await self._listen()
            except (
                OSError,
                asyncpg.PostgresError,
                asyncpg.InterfaceError,
                TimeoutError,
                NoNotices,
            ) as exc:
                if self.connects > connects:
                    failures = 0
                    log.warning("Session listener lost its connection (%r); reconnecting", exc)
                elif failures == 0:
                    log.warning("Session listener cannot listen (%r); sessions are not kept", exc)
            except Exception:  # never let the task die: keeping stays off while this repeats
                log.exception("Session listener failed; sessions are not kept meanwhile")
            await asyncio.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
            failures += 1

    async def _listen(self) -> None:
        lost = asyncio.Event()
        conn: asyncpg.Connection = await asyncpg.connect(
            **self.credentials, server_settings={"application_name": APPLICATION_NAME}
        )
        try:
            conn.add_termination_listener(lambda _: lost.set())
            missing = await conn.fetchval(
                "SELECT count(*) FROM unnest($1::text[]) AS t(name) WHERE NOT EXISTS ("
                "SELECT 1 FROM pg_trigger WHERE tgname = t.name AND tgenabled <> 'D')",
                list(TRIGGERS),
            )
            if missing:
                raise NoNotices(f"{missing} of the session triggers are missing or disabled")
            await conn.add_listener(CHANNEL, self._notified)
            # Keep nothing until a notification of our own has made the round trip: a
            # connection that cannot hear them (a pooler in transaction mode) keeps nothing.
            await self._probe(conn)
            self.connects += 1
            self.kept.stop_keeping()  # nothing heard before now can be trusted
            self.kept.listening = True
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(HEALTH_CHECK_SECONDS):
                        await lost.wait()
                if not lost.is_set():
                    await self._probe(conn)
        finally:
            self.kept.stop_keeping()
            conn.terminate()
        raise ConnectionResetError("the listening connection was closed")

    async def _probe(self, conn: asyncpg.Connection) -> None:
        """Send a notification and wait for it to come back (TimeoutError if it does not,
        sending included)."""
        self._probes += 1
        payload = f"p{self._name}.{self._probes}"
        heard = asyncio.get_running_loop().create_future()
        self._awaiting = (payload, heard)
        try:
            async with asyncio.timeout(HEALTH_CHECK_SECONDS):
                await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
                await heard
        finally:
            self._awaiting = None
        # the next probe is due in HEALTH_CHECK_SECONDS and may take as long again
        self.kept.heard_until = self.kept.clock() + 2.5 * HEALTH_CHECK_SECONDS

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith("p"):  # a listener's probe: changes nothing
            awaiting = self._awaiting
            if awaiting is not None and awaiting[0] == payload and not awaiting[1].done():
                awaiting[1].set_result(None)
            return
        self.kept.changed(payload)
