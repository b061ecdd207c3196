"""The shared world (built once per module and database) and a way to call the app as anyone.

Requests made through :meth:`Caller.isolated` run inside a transaction that is rolled
back afterwards, so a module can try every state change as every actor against the
same world without one case changing what the next one sees.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from tests.conftest import _clear_tables
from tests.security.routes import is_api
from tests.security.world import Actor, World, build_world
from urbanchallenge.app import create_app
from urbanchallenge.settings import Settings


class _Rollback(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.response = response


class Caller:
    """Sends requests as a world's actor: session cookie on pages, Bearer token in the API.

    Cookies are set per request and the client keeps none, so a response that signs
    someone in or out does not change who the next request is from.
    """

    def __init__(self, http: httpx.AsyncClient, world: World, csrf: str) -> None:
        self.http = http
        self.world = world
        self.csrf = csrf

    def headers(self, actor: Actor, path: str, *, csrf_cookie: bool = True) -> dict[str, str]:
        settings = self.world.settings
        headers: dict[str, str] = {}
        if is_api(path):
            if actor.token:
                headers["authorization"] = f"Bearer {actor.token}"
            return headers
        cookies = []
        if actor.session:
            cookies.append(f"{settings.session_cookie_name}={actor.session}")
        if csrf_cookie:
            cookies.append(f"{settings.csrf_cookie_name}={self.csrf}")
        if cookies:
            headers["cookie"] = "; ".join(cookies)
        return headers

    async def request(
        self,
        actor: Actor,
        method: str,
        url: str,
        *,
        form: dict[str, Any] | None = None,
        json: Any = None,
        csrf: bool = True,
    ) -> httpx.Response:
        path = url.split("?", 1)[0]
        kwargs: dict[str, Any] = {"headers": self.headers(actor, path)}
        if method != "GET" and not is_api(path):
            data = dict(form or {})
            if csrf:
                data["csrftoken"] = self.csrf
            kwargs["data"] = data
        elif json is not None:
            kwargs["json"] = json
        try:
            return await self.http.request(method, url, **kwargs)
        finally:
            self.http.cookies.clear()

    async def isolated(self, actor: Actor, method: str, url: str, **kw: Any) -> httpx.Response:
        """The request's answer, with everything it wrote rolled back."""
        try:
            async with in_transaction():
                raise _Rollback(await self.request(actor, method, url, **kw))
        except _Rollback as done:
            return done.response


@pytest.fixture(scope="module")
async def world(database_url: str) -> AsyncIterator[World]:
    await _clear_tables()
    settings = Settings(
        database_url=database_url,
        debug=False,
        allowed_hosts=("testserver",),
        base_url="https://testserver",
    )
    try:
        yield await build_world(settings)
    finally:
        await _clear_tables()


@pytest.fixture(scope="module")
def world_app(world: World) -> Starlette:
    return create_app(world.settings, manage_database=False)


@pytest.fixture(scope="module")
async def caller(world: World, world_app: Starlette) -> AsyncIterator[Caller]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world_app), base_url="https://testserver"
    ) as http:
        page = await http.get("/sign-in")
        csrf = http.cookies[world.settings.csrf_cookie_name]
        assert page.status_code == 200 and csrf
        http.cookies.clear()
        yield Caller(http, world, csrf)
