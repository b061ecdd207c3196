"""The account page and changing a password."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from tests.conftest import PASSWORD, make_user, post_form, sign_in_as
from urbanchallenge.accounts.models import Role, Session, User

NEW_PASSWORD = "a brand new passphrase for Dudley"


async def test_the_account_page_asks_you_to_sign_in_first(client: httpx.AsyncClient) -> None:
    response = await client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2Faccount"


async def test_the_account_page_shows_who_you_are_and_your_organisation(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.COUNCIL_OFFICER, name="Grace Okafor")
    await sign_in_as(client, user)

    page = await client.get("/account")

    assert "Grace Okafor" in page.text
    assert user.email in page.text
    assert "Public body officer" in page.text
    assert "public_body" in page.text  # the generated organisation's name
    assert "Sign out" in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_changing_your_password_signs_out_your_other_devices(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as laptop:
        await sign_in_as(laptop, user)
        await sign_in_as(client, user)
        assert await Session.filter(user_id=user.id).count() == 2

        response = await post_form(
            client,
            "/account/password",
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )

        assert response.status_code == 303
        assert response.headers["location"] == "/account?password=changed"
        assert (await client.get("/account")).status_code == 200
        assert (await laptop.get("/account")).status_code == 303
    assert await Session.filter(user_id=user.id).count() == 1
    client.cookies.clear()
    await sign_in_as(client, user, NEW_PASSWORD)


async def test_a_wrong_current_password_changes_nothing(client: httpx.AsyncClient) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    response = await post_form(
        client,
        "/account/password",
        {"current_password": "not my password", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert "Your current password is not correct" in response.text
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_a_too_short_new_password_is_refused(client: httpx.AsyncClient) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    response = await post_form(
        client, "/account/password", {"current_password": PASSWORD, "new_password": "short"}
    )
    assert response.status_code == 400
    assert 'href="#new_password"' in response.text
    assert "Password must be 12 characters or more" in response.text
