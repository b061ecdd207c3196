"""The one permission guard: anonymous visitors sign in, wrong roles get 403."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.conftest import make_user, sign_in_as
from urbanchallenge.accounts.models import Role
from urbanchallenge.auth import requires, safe_next


@requires(Role.COUNCIL_OFFICER, Role.ADMIN)
async def officers_only(request: Request) -> Response:
    return PlainTextResponse("officer area")


@pytest.fixture
def guarded_app(app: Starlette) -> Starlette:
    app.router.routes.insert(0, Route("/officers-only", officers_only))
    return app


async def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(
    guarded_app: Starlette, client: httpx.AsyncClient
) -> None:
    response = await client.get("/officers-only?page=2")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2Fofficers-only%3Fpage%3D2"


@pytest.mark.parametrize("role", [Role.STARTUP_MEMBER, Role.REVIEWER])
async def test_a_user_without_the_role_gets_the_403_page(
    guarded_app: Starlette, client: httpx.AsyncClient, role: Role
) -> None:
    await sign_in_as(client, await make_user(role))
    response = await client.get("/officers-only")
    assert response.status_code == 403
    assert "You do not have permission to view this page" in response.text


@pytest.mark.parametrize("role", [Role.COUNCIL_OFFICER, Role.ADMIN])
async def test_a_user_with_the_role_gets_in(
    guarded_app: Starlette, client: httpx.AsyncClient, role: Role
) -> None:
    await sign_in_as(client, await make_user(role))
    response = await client.get("/officers-only")
    assert response.status_code == 200
    assert response.text == "officer area"


def test_every_view_behind_the_guard_records_its_roles() -> None:
    assert officers_only.required_roles == {Role.COUNCIL_OFFICER, Role.ADMIN}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/challenges?q=bus", "/challenges?q=bus"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_only_local_paths_are_followed_after_sign_in(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
