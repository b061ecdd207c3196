"""GET /_status reports whether the database is reachable."""

from __future__ import annotations

import httpx
import pytest

from urbanchallenge import health


async def test_status_reports_a_reachable_database_and_its_version(
    client: httpx.AsyncClient, database_url: str
) -> None:
    response = await client.get("/_status")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    expected = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    assert body["database"]["server"].startswith(expected)
    assert body["database"]["dialect"] in {"sqlite", "postgres"}


async def test_status_says_unavailable_when_the_database_cannot_be_reached(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refused() -> str:
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(health, "ping", refused)
    response = await client.get("/_status")

    assert response.status_code == 503
    assert response.json()["database"]["reachable"] is False
