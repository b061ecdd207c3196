"""When the database cannot be reached or is full: a clear answer, nothing half-saved, recovery.

The mapping from each driver error to "unavailable" (503) or "full" (507) is checked
one class at a time; the answers are checked through the app; a real full SQLite
database and a real loss of every PostgreSQL connection are made here. The soak suite
(`make soak`) restarts PostgreSQL itself under load.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.types import Receive, Scope, Send
from tortoise import connections
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from soak.server import admin_connection, postgres_server_url
from tests.api.conftest import ApiClient
from tests.challenges.helpers import api_client, officer, opened
from tests.conftest import make_user, sign_in_as
from urbanchallenge.accounts.models import Role
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges import services as challenges
from urbanchallenge.db import Trouble, lost_connection, trouble
from urbanchallenge.middleware import DatabaseTroubleMiddleware
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking.models import MatchJob


def raised_from(outer: BaseException, inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer from exc
    except BaseException as exc:
        return exc


def raised_during(outer: BaseException, inner: BaseException) -> BaseException:
    """``outer`` raised while handling ``inner`` (implicit context, no ``from``)."""
    try:
        try:
            raise inner
        except BaseException:
            raise outer  # noqa: B904 - the implicit context is what is tested
    except BaseException as exc:
        return exc


UNAVAILABLE = [
    ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
    ConnectionResetError(104, "Connection reset by peer"),
    BrokenPipeError(32, "Broken pipe"),
    socket.gaierror(-2, "Name or service not known"),
    TimeoutError(),
    asyncpg.CannotConnectNowError("the database system is shutting down"),
    asyncpg.CannotConnectNowError("the database system is starting up"),
    asyncpg.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.InterfaceError("connection is closed"),
    asyncpg.InterfaceError("pool is closing"),
    asyncpg.InternalClientError("cannot switch to state 15; another operation (2) is in progress"),
    DBConnectionError("Can't establish connection to database uc"),
    OperationalError(sqlite3.OperationalError("database is locked")),
    OperationalError(sqlite3.OperationalError("unable to open database file")),
    sqlite3.OperationalError("disk I/O error"),
    # How Tortoise reports SQLite's errors: its own error, the driver's as context.
    raised_during(OperationalError("database is locked"), sqlite3.OperationalError("x")),
    # A rollback that failed on a connection already gone hides the first error.
    raised_during(
        asyncpg.InterfaceError("cannot rollback: connection is closed"),
        ConnectionResetError(104, "Connection reset by peer"),
    ),
    raised_from(RuntimeError("while saving"), ConnectionRefusedError(111, "refused")),
]
FULL = [
    sqlite3.OperationalError("database or disk is full"),
    OperationalError(sqlite3.OperationalError("database or disk is full")),
    asyncpg.DiskFullError("could not extend file: No space left on device"),
    raised_during(IntegrityError("rollback"), sqlite3.OperationalError("database or disk is full")),
]
OURS = [
    RuntimeError("a bug"),
    KeyError("missing"),
    ValueError("bad"),
    IntegrityError("UNIQUE constraint failed: proposal.challenge_id"),
    OperationalError(sqlite3.OperationalError('near "SELEC": syntax error')),
    OperationalError(asyncpg.UndefinedTableError('relation "x" does not exist')),
    asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
    FileNotFoundError(2, "No such file or directory"),
]


@pytest.mark.parametrize("exc", UNAVAILABLE, ids=lambda e: f"{type(e).__name__}:{e}"[:60])
def test_errors_that_mean_the_database_cannot_be_reached_are_unavailable(
    exc: BaseException,
) -> None:
    assert trouble(exc) is Trouble.UNAVAILABLE


@pytest.mark.parametrize("exc", FULL, ids=lambda e: f"{type(e).__name__}:{e}"[:60])
def test_errors_that_mean_the_database_has_no_room_are_full(exc: BaseException) -> None:
    assert trouble(exc) is Trouble.FULL


@pytest.mark.parametrize("exc", OURS, ids=lambda e: f"{type(e).__name__}:{e}"[:60])
def test_bugs_and_bad_queries_are_not_mistaken_for_an_outage(exc: BaseException) -> None:
    assert trouble(exc) is None


def test_a_cycle_of_causes_does_not_loop() -> None:
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__context__, second.__context__ = second, first

    assert trouble(first) is None


# ------------------------------------------------------------------ the answers


def lose_connection(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    """Every search of open challenges fails the way the database failed."""

    async def failing(*args: object, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(challenges, "search_open", failing)


async def test_a_page_answers_503_with_the_unavailable_page_while_the_database_is_down(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lose_connection(monkeypatch, asyncpg.CannotConnectNowError("the database system is starting"))

    response = await client.get("/challenges/")

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["content-type"].startswith("text/html")
    text = response.text
    assert "<title>Sorry, the service is unavailable - UrbanChallenge</title>" in text
    assert "You will be able to use the service again shortly" in text
    assert "govuk-template" in text
    assert "database system" not in text and "Traceback" not in text and "asyncpg" not in text
    # Still a page of this service: the security headers, and never cached.
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"

    monkeypatch.undo()
    assert (await client.get("/challenges/")).status_code == 200


async def test_the_api_answers_503_problem_json_while_the_database_is_down(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lose_connection(monkeypatch, ConnectionRefusedError(111, "Connect call failed"))

    response = await client.get("/api/v1/challenges")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["status"] == 503 and body["title"] == "Sorry, the service is unavailable"
    assert "Connect call failed" not in response.text


async def test_a_signed_in_visitor_gets_the_unavailable_page_when_the_session_cannot_be_read(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urbanchallenge.accounts import services as accounts

    await sign_in_as(client, await make_user(Role.STARTUP_MEMBER))

    async def unreachable(*args: object, **kwargs: object) -> None:
        raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle")

    monkeypatch.setattr(accounts, "load_session", unreachable)
    response = await client.get("/account")

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.text
    # The cookie is kept: the session is still good once the database is back.
    assert "set-cookie" not in response.headers or "Max-Age=0" not in str(
        response.headers.get_list("set-cookie")
    )
    monkeypatch.undo()
    assert (await client.get("/account")).status_code == 200


async def test_status_says_503_with_retry_after_when_the_database_is_down(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urbanchallenge import health

    async def refused() -> str:
        raise ConnectionRefusedError(111, "refused")

    monkeypatch.setattr(health, "ping", refused)
    response = await client.get("/_status")

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0


async def test_a_bug_is_still_a_500_not_an_outage(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    lose_connection(monkeypatch, KeyError("a bug"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="https://testserver",
    ) as c:
        response = await c.get("/challenges/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text


async def test_a_full_disk_answers_507_on_pages_and_in_the_api(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lose_connection(monkeypatch, OperationalError("database or disk is full"))

    page = await client.get("/challenges/")
    api = await client.get("/api/v1/challenges")

    assert page.status_code == 507
    assert "Sorry, the service cannot save anything at the moment" in page.text
    assert "database or disk" not in page.text
    assert api.status_code == 507
    assert api.headers["content-type"] == "application/problem+json"
    # Waiting will not free space: no Retry-After promise.
    assert "retry-after" not in page.headers and "retry-after" not in api.headers


# ------------------------------------------------------------------ a really full SQLite database

BIG = {
    "title": "Corridor delay analytics",
    "summary": "We join AVL, signal and roadworks data to find where buses lose time. " * 8,
    "approach": "Segment-level running time analysis over 12 months of AVL data. " * 90,
    "impact": "On the A38 we cut 90th percentile journey times by 12%. " * 70,
    "team": "Two data scientists and a former bus operations manager. " * 50,
    "cost_gbp": 95000,
    "timeline": "Twelve weeks: four of data work, six of analysis, two to hand over. " * 40,
    "eligibility_answers": [True, False],
}


async def set_max_pages(pages: int) -> None:
    conn = connections.get("default")
    await conn.execute_script(f"PRAGMA max_page_count = {int(pages)}")


async def page_count() -> int:
    """The file's pages once the free ones left by earlier tests' deletes are given back.

    A page limit only stops growth: SQLite would still fill free pages inside the file.
    """
    conn = connections.get("default")
    await conn.execute_script("VACUUM")
    _, free = await conn.execute_query("PRAGMA freelist_count")
    assert int(free[0][0]) == 0
    _, rows = await conn.execute_query("PRAGMA page_count")
    return int(rows[0][0])


@pytest.fixture
async def full_sqlite(database_url: str) -> AsyncIterator[None]:
    """The SQLite leg's database, allowed no more pages than it has (PostgreSQL: skipped)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("a page limit is SQLite's; PostgreSQL's full disk is mapped above")
    yield
    await set_max_pages(1_073_741_823)


async def test_a_proposal_sent_to_a_full_sqlite_database_gets_507_and_nothing_is_stored(
    client: httpx.AsyncClient, full_sqlite: None
) -> None:
    challenge = await opened(await officer())
    api: ApiClient = await api_client(client, await make_user(Role.STARTUP_MEMBER))
    events, jobs = await AuditEvent.all().count(), await MatchJob.all().count()
    await set_max_pages(await page_count())

    response = await api.post(f"/challenges/{challenge.id}/proposals", BIG)

    assert response.status_code == 507, response.text
    assert "Nothing you sent in this request was saved" in response.json()["detail"]
    assert not await Proposal.exists() and not await EligibilityAnswer.exists()
    assert await AuditEvent.all().count() == events and await MatchJob.all().count() == jobs
    _, rows = await connections.get("default").execute_query("PRAGMA integrity_check")
    assert rows[0][0] == "ok"

    await set_max_pages(1_073_741_823)
    again = await api.post(f"/challenges/{challenge.id}/proposals", BIG)
    assert again.status_code == 201
    assert await EligibilityAnswer.filter(proposal_id=again.json()["id"]).count() == 2


# -------------------------------------------------------- PostgreSQL drops every connection


async def test_the_app_reconnects_by_itself_after_postgresql_drops_every_connection(
    client: httpx.AsyncClient, database_url: str
) -> None:
    if not database_url.startswith("postgres"):
        pytest.skip("SQLite has no server to lose")
    challenge = await opened(await officer())
    assert (await client.get(f"/challenges/{challenge.id}")).status_code == 200
    name = urlsplit(database_url).path.lstrip("/")
    admin = await admin_connection(postgres_server_url())
    try:
        # Only the connections open now: the app's background worker may open a new one
        # the moment its old one dies, and that one is the recovery under test.
        pids = await admin.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        killed = [row["pid"] for row in pids]
        assert killed
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", killed
        )
        for _ in range(100):  # until the server has ended them all
            left = await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", killed
            )
            if left == 0:
                break
            await asyncio.sleep(0.05)
        assert left == 0
    finally:
        await admin.close()

    # Every pooled connection is dead; the next requests get new ones without a restart.
    for _ in range(3):
        response = await client.get(f"/challenges/{challenge.id}")
        assert response.status_code == 200
    assert (await client.get("/_status")).json()["database"]["reachable"] is True


# ------------------------------------------- a pooled connection that died while idle


@pytest.mark.parametrize(
    ("exc", "lost"),
    [
        (asyncpg.exceptions.AdminShutdownError("terminating connection"), True),
        (asyncpg.ConnectionDoesNotExistError("connection was closed in the middle"), True),
        (asyncpg.InterfaceError("connection is closed"), True),
        (ConnectionResetError(104, "Connection reset by peer"), True),
        (
            asyncpg.InternalClientError(
                "cannot switch to state 12; another operation (2) is in progress"
            ),
            True,
        ),
        (asyncpg.CannotConnectNowError("the database system is starting up"), False),
        (ConnectionRefusedError(111, "Connect call failed"), False),
        (TimeoutError(), False),
        (asyncpg.DiskFullError("no space left"), False),
        (RuntimeError("a bug"), False),
    ],
)
def test_a_connection_that_died_while_idle_is_told_from_a_server_that_is_down(
    exc: BaseException, lost: bool
) -> None:
    assert lost_connection(exc) is lost
    wrapped = RuntimeError("while rolling back")
    wrapped.__context__ = exc
    assert lost_connection(wrapped) is lost


def flaky_app(failures: int, calls: list[str]) -> Any:
    """An app whose first ``failures`` requests meet a connection that died while idle;
    it reads the request body, as a form or a JSON view would."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = (await receive()).get("body", b"")
        calls.append(body.decode())
        if len(calls) <= failures:
            raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"answered " + body})

    return app


async def ask(app: Any, method: str, body: bytes = b"") -> httpx.Response:
    async def answered(scope: Scope, receive: Receive, send: Send) -> None:
        await DatabaseTroubleMiddleware(app, respond=refuse)(scope, receive, send)

    async def refuse(scope: Scope, receive: Receive, send: Send, found: Trouble) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": found.value.encode()})

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=answered), base_url="https://testserver"
    ) as http:
        return await http.request(method, "/", content=body)


async def test_a_read_that_met_a_dead_pooled_connection_is_answered_from_a_new_one() -> None:
    calls: list[str] = []
    response = await ask(flaky_app(1, calls), "GET")

    assert response.status_code == 200
    assert len(calls) == 2


async def test_a_change_that_met_a_dead_pooled_connection_is_never_tried_twice() -> None:
    calls: list[str] = []
    response = await ask(flaky_app(1, calls), "POST", b"title=Bins")

    assert response.status_code == 503
    assert calls == ["title=Bins"]


async def test_a_read_is_tried_twice_at_most() -> None:
    calls: list[str] = []
    response = await ask(flaky_app(5, calls), "GET", b"")

    assert response.status_code == 503 and response.text == "unavailable"
    assert len(calls) == 2


async def test_the_second_try_reads_the_same_request() -> None:
    calls: list[str] = []
    response = await ask(flaky_app(1, calls), "OPTIONS", b"echo")

    assert response.status_code == 200 and response.text == "answered echo"
    assert calls == ["echo", "echo"]


async def test_the_second_try_is_routed_afresh_through_mounts() -> None:
    """Routing writes the mount's path into the scope; a second try from that scope would
    miss the route and answer 404."""
    calls: list[str] = []

    async def page(request: Request) -> Response:
        calls.append(request.url.path)
        if len(calls) == 1:
            raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle")
        return PlainTextResponse(f"challenge {request.path_params['id']}")

    # A bare router: in the app this middleware sits inside Starlette's error handling.
    routed = Router(routes=[Mount("/challenges", routes=[Route("/{id:int}", page)])])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=DatabaseTroubleMiddleware(routed)),
        base_url="https://testserver",
    ) as http:
        response = await http.get("/challenges/7")

    assert response.status_code == 200 and response.text == "challenge 7"
    assert calls == ["/challenges/7", "/challenges/7"]
