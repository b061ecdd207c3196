"""The real thing over a socket: `urbanchallenge migrate`, then `urbanchallenge serve` (uvicorn).

In-process tests run inside the test's own context; only a real server shows that
requests handled in uvicorn's own tasks can reach the database.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import EmptyDatabase

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "urbanchallenge"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-server-test-key-" + "x" * 40,
        "DEBUG": "true",  # plain HTTP on loopback, so cookies must not be Secure-only
        "ALLOWED_HOSTS": "127.0.0.1",
        "URBANCHALLENGE_ENV_FILE": "/dev/null",  # a developer's .env must not leak in
    }


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )


@contextlib.contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[str]:
    """Run `urbanchallenge serve` on a free port until the block ends; yield its base URL."""
    port = free_port()
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/_status", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def migrate(env: dict[str, str]) -> None:
    migrated = run_cli(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "Applied" in migrated.stdout
    again = run_cli(env, "migrate")
    assert again.returncode == 0 and "up to date" in again.stdout


@pytest.fixture
def live_server(fresh_database: EmptyDatabase, tmp_path: Path) -> Iterator[str]:
    env = server_env(fresh_database.url)
    migrate(env)
    with serve(env, tmp_path / "server.log") as base:
        yield base


async def test_a_visitor_registers_and_signs_in_against_the_real_server(
    live_server: str,
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=10) as browser:
        status = (await browser.get("/_status")).json()
        assert status["database"]["reachable"] is True

        await browser.get("/register/start-up")
        response = await browser.post(
            "/register/start-up",
            data={
                "organisation_name": "Socket Test Ltd",
                "region": "West Midlands",
                "name": "Amara Lewis",
                "email": "amara@socket.example",
                "password": "served by uvicorn over a socket",
                "csrftoken": browser.cookies["csrftoken"],
            },
        )
        assert response.status_code == 303, response.text

        account = await browser.get("/account")
        assert account.status_code == 200
        assert "Amara Lewis" in account.text and "Socket Test Ltd" in account.text

        await browser.post("/sign-out", data={"csrftoken": browser.cookies["csrftoken"]})
        assert (await browser.get("/account")).status_code == 303

        await browser.get("/sign-in")
        signed_in = await browser.post(
            "/sign-in",
            data={
                "email": "AMARA@socket.example",
                "password": "served by uvicorn over a socket",
                "csrftoken": browser.cookies["csrftoken"],
            },
        )
        assert signed_in.status_code == 303
        assert (await browser.get("/account")).status_code == 200
