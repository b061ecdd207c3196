"""Fuzz the JSON API from its own OpenAPI document with schemathesis, against the real server.

The server runs as ``urbanchallenge serve`` on a fresh database of each leg, loaded
with the demo data. Every operation gets generated requests - valid ones and, for
operations that take input, invalid ones - sent with the Bearer token of a demo
account whose role may use it (and anonymously for the public ones), with path ids
drawn half the time from the demo's real ids. Every answer must be no 5xx, have a
documented status and content type, and match its schema.

``SCHEMATHESIS_MAX_EXAMPLES`` sets the examples per operation on each database (by
default 35 on SQLite - over 1,000 requests - and 15 on PostgreSQL, whose answers come
from the same handlers); ``make soak`` may raise it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from soak.server import free_port, prepare
from tests.conftest import create_postgres_database, drop_postgres_database
from urbanchallenge.accounts.models import Role
from urbanchallenge.api.core import Operation
from urbanchallenge.api.openapi import build_document
from urbanchallenge.api.routes import AREAS
from urbanchallenge.fixtures import DEMO_PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EXAMPLES = {"sqlite": 35, "postgres": 15}
CHOSEN_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
DEMO = {
    Role.COUNCIL_OFFICER: "officer.tfwm@demo.urbanchallenge.example",
    Role.STARTUP_MEMBER: "founder.kerbside@demo.urbanchallenge.example",
    Role.REVIEWER: "helen.marsh@demo.urbanchallenge.example",
    Role.ADMIN: "admin@demo.urbanchallenge.example",
}
PREFERRED = [Role.COUNCIL_OFFICER, Role.STARTUP_MEMBER, Role.REVIEWER, Role.ADMIN]


@dataclass
class LiveApi:
    base: str
    tokens: dict[Role, str]
    log: Path
    examples: int


@pytest.fixture(scope="module")
async def live_api(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveApi]:
    """``urbanchallenge serve`` on a fresh database of this leg's dialect, with the demo data."""
    scratch = tmp_path_factory.mktemp("fuzz")
    postgres = not database_url.startswith("sqlite")
    url = await create_postgres_database() if postgres else f"sqlite://{scratch / 'fuzz.sqlite3'}"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "api-fuzzing-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "MATCH_WORKER": "false",
        "URBANCHALLENGE_ENV_FILE": "/dev/null",
    }
    await prepare(env)  # migrate and load the demo data, as the fault suite does
    log = scratch / "server.log"
    with log.open("w") as out:
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "urbanchallenge",
            "serve",
            "--port",
            str(port),
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            for _ in range(300):
                try:
                    if (await http.get("/_status")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.returncode is None, log.read_text()
                await asyncio.sleep(0.2)
            tokens = {}
            for role, email in DEMO.items():
                issued = await http.post(
                    "/api/v1/tokens", json={"email": email, "password": DEMO_PASSWORD}
                )
                assert issued.status_code == 201, issued.text
                tokens[role] = issued.json()["token"]
        dialect = "postgres" if postgres else "sqlite"
        examples = int(CHOSEN_EXAMPLES or DEFAULT_EXAMPLES[dialect])
        yield LiveApi(base, tokens, log, examples)
    finally:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), timeout=15)
        except TimeoutError:
            server.kill()
        if postgres:
            await drop_postgres_database(url)


def declared() -> dict[tuple[str, str], Operation]:
    return {
        (op.method, "/api/v1" + op.openapi_path): op for area in AREAS for op in area.operations
    }


@dataclass
class Tally:
    cases: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _fuzz(
    operation: Any,
    live: LiveApi,
    session: requests.Session,
    tally: Tally,
    token: Callable[[st.DataObject], str],
) -> None:
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    if operation.path_parameters or operation.query or operation.body:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    ids = st.one_of(st.none(), st.integers(min_value=1, max_value=60))

    @settings(
        max_examples=live.examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies), real_id=ids, data=st.data())
    def run(case: Any, real_id: int | None, data: st.DataObject) -> None:
        if real_id is not None and case.path_parameters:
            for name in case.path_parameters:
                case.path_parameters[name] = real_id
        headers = {}
        bearer = token(data)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        tally.cases += 1
        try:
            response = case.call(base_url=live.base, session=session, headers=headers, timeout=30)
            tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # collect every failure
            first = str(exc).strip().splitlines()[:6]
            tally.failures.append(
                f"{operation.method.upper()} {operation.path}: {' | '.join(first)}\n"
                f"    {case.as_curl_command(headers=headers)}"
            )

    run()


def test_the_api_answers_every_generated_request_without_error_and_as_documented(
    live_api: LiveApi,
) -> None:
    schema = schemathesis.openapi.from_dict(build_document(AREAS))
    ops = declared()
    tally = Tally()
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            op = ops[(operation.method.upper(), operation.path)]
            if op.roles is not None:
                # Each role that may use it, in turn.
                allowed = [live_api.tokens[r] for r in PREFERRED if r in op.roles]

                def token(data: st.DataObject, allowed: list[str] = allowed) -> str:
                    return data.draw(st.sampled_from(allowed))
            elif op.optional_auth:
                officer = live_api.tokens[Role.COUNCIL_OFFICER]

                def token(data: st.DataObject, officer: str = officer) -> str:
                    return data.draw(st.sampled_from(["", officer]))
            else:

                def token(_data: st.DataObject) -> str:
                    return ""

            _fuzz(operation, live_api, session, tally, token)
    print(f"fuzzed {len(ops)} operations with {tally.cases} requests: {tally.statuses}")
    assert len(ops) >= 30
    assert not tally.failures, f"{len(tally.failures)} kinds of failure:\n" + "\n".join(
        f"{what}\n    {curl}" for what, curl in list(tally.failures.items())[:15]
    )
    if live_api.examples >= DEFAULT_EXAMPLES["sqlite"]:
        assert tally.cases >= 1_000, tally.cases
    assert tally.cases >= 10 * live_api.examples, tally.cases
    # Requests reached the handlers' own rules (409: not in this state), not only the
    # checks in front of them.
    for status in (200, 401, 404, 409, 422):
        assert tally.statuses.get(status, 0) > 0, tally.statuses
    server_log = live_api.log.read_text()
    assert "Traceback" not in server_log, server_log[-3000:]
