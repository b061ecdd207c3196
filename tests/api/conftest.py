"""Helpers for driving the JSON API as an external client does."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

PASSWORD = "an api client passphrase"


class ApiClient:
    """A thin client: JSON in and out, with an optional Bearer token."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.http = http
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"} if self.token else {}

    async def request(self, method: str, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return await self.http.request(
            method, "/api/v1" + path, json=json, headers=self._headers(), **kw
        )

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, json: Any = None) -> httpx.Response:
        return await self.request("POST", path, json=json)

    async def put(self, path: str, json: Any = None) -> httpx.Response:
        return await self.request("PUT", path, json=json)

    async def patch(self, path: str, json: Any = None) -> httpx.Response:
        return await self.request("PATCH", path, json=json)

    def as_anonymous(self) -> ApiClient:
        return ApiClient(self.http)


async def register(
    http: httpx.AsyncClient, role: str, *, organisation: str | None = None, email: str | None = None
) -> ApiClient:
    """Create an account through the API and return a client holding its token."""
    email = email or f"{role}.{secrets.token_hex(4)}@example.org"
    body: dict[str, Any] = {
        "email": email,
        "password": PASSWORD,
        "name": f"{role} person",
        "role": role,
    }
    if role != "reviewer":
        kind = "public_body" if role == "council_officer" else "startup"
        body["organisation"] = {
            "name": organisation or f"{kind} {secrets.token_hex(4)}",
            "kind": kind,
        }
    created = await http.post("/api/v1/accounts", json=body)
    assert created.status_code == 201, created.text
    token = await http.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert token.status_code == 201, token.text
    return ApiClient(http, token.json()["token"])


@pytest.fixture
def api(client: httpx.AsyncClient) -> ApiClient:
    return ApiClient(client)
