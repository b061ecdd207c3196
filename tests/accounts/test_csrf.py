"""Forged and replayed form posts are refused; nothing they carry is saved."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from tests.accounts.test_registration import GOOD
from tests.conftest import PASSWORD, csrf_token, make_user, post_form, sign_in_as
from urbanchallenge.accounts.models import Role, Session, User


async def test_a_registration_without_a_token_is_refused_and_saves_nothing(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/register/start-up")
    response = await client.post("/register/start-up", data=GOOD)

    assert response.status_code == 403
    assert "This form has expired or was not sent from this service" in response.text
    assert "govuk-template" in response.text
    assert await User.all().count() == 0


async def test_sign_in_is_protected_even_for_a_visitor_with_no_cookies(
    client: httpx.AsyncClient,
) -> None:
    """Login CSRF: another site must not be able to sign a visitor into its own account."""
    user = await make_user(Role.STARTUP_MEMBER)
    response = await client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert await Session.all().count() == 0


async def test_a_token_that_does_not_match_the_cookie_is_refused(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/register/start-up")
    response = await client.post(
        "/register/start-up", data={**GOOD, "csrftoken": csrf_token(client)[:-2] + "xx"}
    )
    assert response.status_code == 403


async def test_a_token_from_another_browser_is_refused(app: Starlette) -> None:
    """An attacker's own valid token does not match the victim's cookie."""
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="https://testserver") as attacker,
        httpx.AsyncClient(transport=transport, base_url="https://testserver") as victim,
    ):
        await attacker.get("/register/start-up")
        await victim.get("/register/start-up")
        response = await victim.post(
            "/register/start-up", data={**GOOD, "csrftoken": csrf_token(attacker)}
        )
    assert response.status_code == 403
    assert await User.all().count() == 0


async def test_a_cookie_not_signed_by_this_service_is_refused(client: httpx.AsyncClient) -> None:
    client.cookies.set("__Host-csrftoken", "forged")
    response = await client.post("/register/start-up", data={**GOOD, "csrftoken": "forged"})
    assert response.status_code == 403


async def test_sign_out_cannot_be_forced_by_another_site(client: httpx.AsyncClient) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    response = await client.post("/sign-out")
    assert response.status_code == 403
    assert await Session.filter(user_id=user.id).count() == 1


async def test_a_replayed_password_change_after_sign_out_is_refused(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    await client.get("/account/password")
    captured = dict(client.cookies.items())
    form = {
        "current_password": PASSWORD,
        "new_password": "an attacker's chosen passphrase",
        "csrftoken": csrf_token(client),
    }
    await post_form(client, "/sign-out", {}, form_page="/account")

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as replay:
        for name, value in captured.items():
            replay.cookies.set(name, value)
        response = await replay.post("/account/password", data=form)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_signing_in_discards_the_token_issued_before(client: httpx.AsyncClient) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    response = await post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert any(
        c.startswith("__Host-csrftoken=;") and "Max-Age=0" in c
        for c in response.headers.get_list("set-cookie")
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"csrftoken=\xff\xfe&name=x", "application/x-www-form-urlencoded"),
        (b"--x\r\n", "multipart/form-data"),
    ],
)
async def test_a_malformed_form_gets_a_clear_400_not_a_crash(
    client: httpx.AsyncClient, body: bytes, content_type: str
) -> None:
    await client.get("/register/start-up")
    response = await client.post(
        "/register/start-up", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == 400
    assert "There is a problem with your request" in response.text


async def test_a_form_with_too_many_fields_is_refused(client: httpx.AsyncClient) -> None:
    await client.get("/register/start-up")
    fields = "&".join(f"f{n}=1" for n in range(500))
    response = await client.post(
        "/register/start-up",
        content=f"csrftoken={csrf_token(client)}&{fields}".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "too many fields" in response.text


async def test_a_body_over_the_limit_is_refused(client: httpx.AsyncClient) -> None:
    await client.get("/register/start-up")
    response = await client.post(
        "/register/start-up",
        content=b"name=" + b"x" * (3 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
