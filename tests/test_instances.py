"""Several app instances on one database behave as one service.

Two uvicorn processes share the leg's database (PostgreSQL in production; SQLite in
WAL mode also allows it on one machine). A proposal submitted through one is ranked
and visible through the other within seconds, the shared search index built by one
is used by the other, and sessions, tokens and the sign-in rate limit hold across them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import EmptyDatabase
from tests.test_live_server import migrate, run_cli, serve, server_env

PASSWORD = "two instances, one service"


@pytest.fixture
def two_instances(fresh_database: EmptyDatabase, tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = {**server_env(fresh_database.url), "MATCH_WORKER": "true"}
    migrate(env)
    with ExitStack() as stack:
        a = stack.enter_context(serve(env, tmp_path / "a.log"))
        b = stack.enter_context(serve(env, tmp_path / "b.log"))
        yield a, b


async def eventually(check: Any, seconds: float = 20.0) -> Any:
    """Poll ``check`` (an async callable returning a truthy value when done) until it is."""
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, "not seen within the time allowed"
        await asyncio.sleep(0.3)


async def account(
    http: httpx.AsyncClient, role: str, email: str, org: str | None
) -> dict[str, str]:
    body: dict[str, Any] = {"email": email, "password": PASSWORD, "name": "N", "role": role}
    if org:
        body["organisation"] = {
            "name": org,
            "kind": "public_body" if role == "council_officer" else "startup",
        }
    assert (await http.post("/api/v1/accounts", json=body)).status_code == 201
    token = await http.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    return {"authorization": f"Bearer {token.json()['token']}"}


async def test_two_instances_on_one_database_behave_as_one_service(
    two_instances: tuple[str, str], fresh_database: EmptyDatabase
) -> None:
    """One pair of servers per database leg (they are slow to start), two stories."""
    await _a_proposal_sent_to_one_instance_is_ranked_and_seen_through_the_other(
        *two_instances, server_env(fresh_database.url)
    )
    await _sessions_tokens_and_the_sign_in_limit_hold_across_instances(*two_instances)


async def _a_proposal_sent_to_one_instance_is_ranked_and_seen_through_the_other(
    a_url: str, b_url: str, env: dict[str, str]
) -> None:
    async with (
        httpx.AsyncClient(base_url=a_url, timeout=10) as a,
        httpx.AsyncClient(base_url=b_url, timeout=10) as b,
    ):
        officer = await account(a, "council_officer", "officer@dudley.example", "Dudley Council")
        founder = await account(b, "startup_member", "founder@kerb.example", "Kerb Ltd")
        now = datetime.now(UTC)
        created = await a.post(
            "/api/v1/challenges",
            headers=officer,
            json={
                "title": "Bus punctuality on the Hagley Road",
                "summary": "Buses lose time at junctions.",
                "problem": "Buses lose time at signalised junctions and busy stops.",
                "outcomes": "Reliable journey times.",
                "service_area": "transport",
                "location": "Birmingham",
                "budget_gbp": 50000,
                "opens_at": now.isoformat(),
                "closes_at": (now + timedelta(days=20)).isoformat(),
                "criteria": [{"name": "Fit", "weight": 100}],
                "eligibility": [],
            },
        )
        assert created.status_code == 201, created.text
        challenge_id = created.json()["id"]
        # the service team verifies the body that registered itself (a command on any machine)
        verified = run_cli(env, "verify-body", "Dudley Council")
        assert verified.returncode == 0, verified.stderr
        opened = await a.post(
            f"/api/v1/challenges/{challenge_id}/transitions", headers=officer, json={"to": "open"}
        )
        assert opened.status_code == 200

        # Instance B searches with the index that a worker built after the opening.
        async def found_on_b() -> bool:
            r = await b.get("/api/v1/challenges", params={"q": "late buses at junctions"})
            return challenge_id in [c["id"] for c in r.json()]

        await eventually(found_on_b)

        proposal = await b.post(
            f"/api/v1/challenges/{challenge_id}/proposals",
            headers=founder,
            json={
                "title": "Junction delay attribution",
                "summary": "We find which junctions delay buses.",
                "approach": "AVL data attributes bus delay to each junction and stop.",
                "impact": "Cut delay by a fifth in a pilot.",
                "team": "Two analysts.",
                "cost_gbp": 40000,
                "timeline": "Six months.",
                "eligibility_answers": [],
            },
        )
        assert proposal.status_code == 201, proposal.text
        proposal_id = proposal.json()["id"]
        assert (
            await b.post(f"/api/v1/proposals/{proposal_id}/submit", headers=founder)
        ).status_code == 200

        # Instance A shows it, ranked by whichever worker picked the job up.
        async def ranked_on_a() -> list[dict[str, Any]]:
            r = await a.get(f"/api/v1/challenges/{challenge_id}/matches", headers=officer)
            return [m for m in r.json() if m["proposal_id"] == proposal_id]

        ranked = await eventually(ranked_on_a)
        assert ranked[0]["rank"] == 1 and ranked[0]["score"] > 0
        listed = await a.get(f"/api/v1/challenges/{challenge_id}/proposals", headers=officer)
        assert proposal_id in [p["id"] for p in listed.json()]


async def _sessions_tokens_and_the_sign_in_limit_hold_across_instances(
    a_url: str, b_url: str
) -> None:
    async with (
        httpx.AsyncClient(base_url=a_url, timeout=10) as a,
        httpx.AsyncClient(base_url=b_url, timeout=10) as b,
    ):
        token = await account(a, "reviewer", "reviewer@panel.example", None)
        assert (await b.get("/api/v1/me", headers=token)).status_code == 200

        # A browser signs in on A; its session cookie works on B, and signing out on B
        # ends it for A too, though A keeps the session it has read (on PostgreSQL): B's
        # sign-out reaches A as a notification within milliseconds, well inside the
        # seconds A would otherwise keep it.
        await a.get("/sign-in")
        signed_in = await a.post(
            "/sign-in",
            data={
                "email": "reviewer@panel.example",
                "password": PASSWORD,
                "csrftoken": a.cookies["csrftoken"],
            },
        )
        assert signed_in.status_code == 303
        b.cookies.set("uc_session", a.cookies["uc_session"], domain="127.0.0.1")
        page = await b.get("/account")
        assert page.status_code == 200 and "reviewer@panel.example" in page.text
        assert (await a.get("/account")).status_code == 200
        out = await b.post("/sign-out", data={"csrftoken": b.cookies["csrftoken"]})
        assert out.status_code == 303

        async def refused_on_a() -> bool:
            return (await a.get("/account")).status_code == 303

        await eventually(refused_on_a, seconds=2.0)

        # Failures counted on A lock the account on B as well.
        for _ in range(5):
            r = await a.post(
                "/api/v1/tokens",
                json={"email": "reviewer@panel.example", "password": "wrong guess!"},
            )
            assert r.status_code == 401
        locked = await b.post(
            "/api/v1/tokens", json={"email": "reviewer@panel.example", "password": PASSWORD}
        )
        assert locked.status_code == 429
