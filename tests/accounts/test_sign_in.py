"""Signing in and out, the session cookie, timeouts and the sign-in rate limit."""

from __future__ import annotations

import asyncio
import inspect
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from argon2 import PasswordHasher, Type
from starlette.applications import Starlette

from tests.conftest import PASSWORD, make_user, post_form, sign_in_as
from urbanchallenge.accounts.models import Role, Session, SignInFailure, User
from urbanchallenge.accounts.passwords import Hashing, default_hasher
from urbanchallenge.accounts.services import (
    SESSION_COLUMNS,
    USER_COLUMNS,
    _session_row,
    load_session,
)
from urbanchallenge.app import create_app
from urbanchallenge.middleware import read_cookie
from urbanchallenge.settings import Settings

SESSION_COOKIE = "__Host-uc_session"


def session_set_cookie(response: httpx.Response) -> str:
    cookies = [c for c in response.headers.get_list("set-cookie") if "uc_session=" in c]
    assert len(cookies) == 1, cookies
    return cookies[0]


async def test_signing_in_takes_you_to_your_account(client: httpx.AsyncClient) -> None:
    user = await make_user(Role.STARTUP_MEMBER, name="Tomasz Nowak")

    response = await post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})

    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    page = await client.get("/account")
    assert page.status_code == 200 and "Tomasz Nowak" in page.text


async def test_the_email_is_matched_whatever_its_case_and_spacing(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.REVIEWER, email="reviewer@example.org")
    response = await post_form(
        client, "/sign-in", {"email": "  Reviewer@EXAMPLE.org ", "password": PASSWORD}
    )
    assert response.status_code == 303
    assert (await User.get(id=user.id)).last_sign_in_at is not None


async def test_the_session_cookie_is_http_only_same_site_lax_and_secure(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    response = await post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})

    cookie = session_set_cookie(response)
    assert cookie.startswith(SESSION_COOKIE + "=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "path", "max-age", "samesite"} <= attributes
    assert "SameSite=Lax" in cookie
    assert "Domain" not in cookie
    # Only a hash of the token is stored, never the token itself.
    token = cookie.split(";")[0].split("=", 1)[1]
    assert not await Session.filter(token_hash=token).exists()
    assert await Session.filter(user_id=user.id).count() == 1


async def test_in_debug_over_plain_http_the_cookie_is_not_secure(settings: Settings) -> None:
    app = create_app(
        Settings(database_url=settings.database_url, debug=True, allowed_hosts=("testserver",)),
        manage_database=False,
    )
    user = await make_user(Role.STARTUP_MEMBER)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as plain:
        response = await post_form(plain, "/sign-in", {"email": user.email, "password": PASSWORD})
    cookie = session_set_cookie(response)
    assert cookie.startswith("uc_session=")
    assert "Secure" not in cookie and "HttpOnly" in cookie


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)

    wrong = await post_form(client, "/sign-in", {"email": user.email, "password": "not it at all"})
    unknown = await post_form(
        client, "/sign-in", {"email": "nobody@example.org", "password": "not it at all"}
    )

    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "Enter a correct email address and password" in response.text
        assert not any("uc_session=" in c for c in response.headers.get_list("set-cookie"))


async def test_blank_sign_in_fields_are_each_named(client: httpx.AsyncClient) -> None:
    response = await post_form(client, "/sign-in", {"email": "", "password": ""})
    assert response.status_code == 400
    assert 'href="#email"' in response.text and 'href="#password"' in response.text
    assert await SignInFailure.all().count() == 0


async def test_a_deactivated_account_cannot_sign_in(client: httpx.AsyncClient) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    user.is_active = False
    await user.save()
    response = await post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


async def test_after_signing_in_you_return_to_the_page_you_asked_for(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    first = await client.get("/account/password")
    assert first.status_code == 303
    assert first.headers["location"] == "/sign-in?next=%2Faccount%2Fpassword"

    response = await post_form(
        client,
        "/sign-in",
        {"email": user.email, "password": PASSWORD, "next": "/account/password"},
        form_page=first.headers["location"],
    )
    assert response.headers["location"] == "/account/password"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:x"]
)
async def test_sign_in_never_sends_you_to_another_site(
    client: httpx.AsyncClient, target: str
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    response = await post_form(
        client, "/sign-in", {"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.headers["location"] == "/account"


async def test_every_sign_in_starts_a_new_session_and_ends_the_old_one(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    first = client.cookies.get(SESSION_COOKIE)
    await sign_in_as(client, user)
    second = client.cookies.get(SESSION_COOKIE)

    assert first and second and first != second
    assert await Session.filter(user_id=user.id).count() == 1


async def test_signing_out_ends_the_session_on_the_server(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    stolen = client.cookies.get(SESSION_COOKIE)
    assert stolen

    response = await post_form(client, "/sign-out", {}, form_page="/account")

    assert response.status_code == 303
    assert response.headers["location"] == "/signed-out"
    assert any(
        c.startswith(SESSION_COOKIE + "=;") and "Max-Age=0" in c
        for c in response.headers.get_list("set-cookie")
    )
    assert await Session.filter(user_id=user.id).count() == 0
    # Replaying the old cookie from elsewhere no longer works.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as replay:
        replay.cookies.set(SESSION_COOKIE, stolen)
        page = await replay.get("/account")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/sign-in")


async def test_an_idle_session_ends(client: httpx.AsyncClient, settings: Settings) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    idle = datetime.now(UTC) - timedelta(seconds=settings.session_idle_timeout + 1)
    await Session.filter(user_id=user.id).update(last_seen_at=idle)

    response = await client.get("/account")

    assert response.status_code == 303
    assert await Session.filter(user_id=user.id).count() == 0
    assert any("Max-Age=0" in c for c in response.headers.get_list("set-cookie"))


async def test_a_session_ends_at_its_absolute_limit_even_when_active(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    await Session.filter(user_id=user.id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1), last_seen_at=datetime.now(UTC)
    )
    response = await client.get("/account")
    assert response.status_code == 303


async def test_activity_keeps_a_session_alive(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    nearly_idle = datetime.now(UTC) - timedelta(seconds=settings.session_idle_timeout - 5)
    await Session.filter(user_id=user.id).update(last_seen_at=nearly_idle)

    assert (await client.get("/account")).status_code == 200
    session = await Session.get(user_id=user.id)
    assert session.last_seen_at > nearly_idle + timedelta(seconds=60)


async def test_a_forged_session_cookie_is_ignored_and_cleared(client: httpx.AsyncClient) -> None:
    client.cookies.set(SESSION_COOKIE, "made-up-token")
    response = await client.get("/account")
    assert response.status_code == 303
    assert any("Max-Age=0" in c for c in response.headers.get_list("set-cookie"))


async def test_too_many_failures_lock_the_account_even_with_the_right_password(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    other = await make_user(Role.STARTUP_MEMBER)
    for _ in range(settings.sign_in_max_failures_per_account):
        wrong = await post_form(client, "/sign-in", {"email": user.email, "password": "wrong!"})
        assert wrong.status_code == 400

    locked = await post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})

    assert locked.status_code == 429
    assert "too many attempts" in locked.text
    assert not any("uc_session=" in c for c in locked.headers.get_list("set-cookie"))
    # Another account from the same address is not locked by this one's failures.
    ok = await post_form(client, "/sign-in", {"email": other.email, "password": PASSWORD})
    assert ok.status_code == 303


async def test_too_many_failures_from_one_address_lock_every_account_from_it(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    for n in range(settings.sign_in_max_failures_per_address):
        await post_form(client, "/sign-in", {"email": f"guess{n}@example.org", "password": "x"})

    response = await post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429


async def test_failures_older_than_the_window_do_not_count(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    old = datetime.now(UTC) - timedelta(seconds=settings.sign_in_window + 5)
    for _ in range(settings.sign_in_max_failures_per_account):
        await SignInFailure.create(email=user.email, ip_address="127.0.0.1", created_at=old)

    response = await post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 303


async def test_a_successful_sign_in_clears_the_account_failures(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    for _ in range(settings.sign_in_max_failures_per_account - 1):
        await post_form(client, "/sign-in", {"email": user.email, "password": "wrong!"})
    await sign_in_as(client, user)
    assert await SignInFailure.filter(email=user.email).count() == 0


async def test_a_hash_made_with_old_parameters_is_upgraded_at_sign_in(
    client: httpx.AsyncClient,
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1, type=Type.ID)
    user = await make_user(Role.STARTUP_MEMBER)
    user.password_hash = weak.hash(PASSWORD)
    await user.save()

    await sign_in_as(client, user)

    refreshed = await User.get(id=user.id)
    assert refreshed.password_hash != user.password_hash
    assert not Hashing.hasher.check_needs_rehash(refreshed.password_hash)


def test_production_hashing_is_argon2id_with_rfc_9106_memory() -> None:
    fields = default_hasher().hash("a long enough test passphrase").split("$")
    assert fields[1] == "argon2id"
    assert fields[3] == "m=65536,t=3,p=4"


@pytest.mark.parametrize(
    ("header", "found"),
    [
        (b"uc_session=abc123", "abc123"),
        (b"csrftoken=x.y; uc_session=abc-_123; theme=dark", "abc-_123"),
        (b"other_uc_session=nope; uc_session=yes", "yes"),
        (b"uc_session_old=nope", None),
        (b"uc_session=", None),
        (b"uc_session", None),
        (b"", None),
        (b';;  ; =; uc_session="quoted"', '"quoted"'),
        ("uc_session=caf\u00e9".encode(), "caf\u00c3\u00a9"),  # read as bytes, never fails
    ],
)
def test_the_session_cookie_is_read_from_any_cookie_header(
    header: bytes, found: str | None
) -> None:
    scope = {"type": "http", "headers": [(b"host", b"example"), (b"cookie", header)]}
    assert read_cookie(scope, "uc_session") == found


def test_no_cookie_header_means_no_session_cookie() -> None:
    assert read_cookie({"type": "http", "headers": [(b"host", b"example")]}, "uc_session") is None


async def test_a_session_cookie_with_a_quoted_or_odd_value_is_refused_not_an_error(
    client: httpx.AsyncClient,
) -> None:
    for value in ('"quoted"', "a" * 129, "caf\u00e9", "%00"):
        client.cookies.clear()
        page = await client.get(
            "/account", headers={"cookie": f"__Host-uc_session={value}".encode()}
        )
        assert page.status_code == 303, value
        assert "/sign-in" in page.headers["location"]


def test_the_written_out_session_query_reads_every_column_of_both_models_in_order() -> None:
    source = inspect.getsource(_session_row)
    queries = re.findall(r"execute_query\(\s*((?:'[^']*'\s*)+),", source)
    assert len(queries) == 2  # PostgreSQL's and SQLite's
    for query in queries:
        text = "".join(re.findall(r"'([^']*)'", query))
        selected = re.findall(r'\b([su])\."(\w+)"', text.split(" FROM ")[0])
        assert selected == [("s", c) for c in SESSION_COLUMNS] + [("u", c) for c in USER_COLUMNS]
    assert set(SESSION_COLUMNS) == Session._meta.db_fields
    assert set(USER_COLUMNS) == User._meta.db_fields
    assert len(SESSION_COLUMNS) == len(set(SESSION_COLUMNS))
    assert len(USER_COLUMNS) == len(set(USER_COLUMNS))


async def test_a_burst_of_requests_in_one_session_refreshes_it_once(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_user(Role.COUNCIL_OFFICER)
    await sign_in_as(client, user)
    token = next(v for k, v in client.cookies.items() if k.endswith("uc_session"))
    a_while_ago = datetime.now(UTC) - timedelta(minutes=5)
    await Session.filter(user_id=user.id).update(last_seen_at=a_while_ago)
    saves: list[int] = []
    original = Session.save

    async def counted(self: Session, *args: object, **kwargs: object) -> None:
        saves.append(self.id)
        await asyncio.sleep(0.05)  # a slow commit: the others arrive meanwhile
        await original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Session, "save", counted)
    loaded = await asyncio.gather(*(load_session(token, settings) for _ in range(20)))

    assert all(s is not None and s.user_id == user.id for s in loaded)
    assert len(saves) == 1
    assert (await Session.get(user_id=user.id)).last_seen_at > a_while_ago + timedelta(minutes=4)
    assert (await load_session(token, settings)) is not None
    assert len(saves) == 1  # refreshed now: nothing to write
