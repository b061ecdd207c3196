"""A real browser against a real server: Debian's Chromium, driven by Playwright.

The session launches the system Chromium once (never a browser that a test tool
downloads: ``make install-test`` installs Debian's ``chromium`` when it is missing).
Each test gets its own server, ``urbanchallenge migrate`` then ``urbanchallenge
serve`` on a free port, over a brand-new database of the leg's dialect, with the
matching worker running in the background as in production.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from tests.browser.pages import Site, run_cli, screenshots_root
from tests.conftest import EmptyDatabase
from tests.test_live_server import CLI, PROJECT_ROOT, free_port, server_env

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine may have no network: without these Chromium keeps trying to phone home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """The system Chromium: $CHROMIUM_PATH, else the first chromium on the PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        if not Path(configured).is_file():
            pytest.fail(f"CHROMIUM_PATH={configured} is not a file", pytrace=False)
        return configured
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "No Chromium found. `make install-test` installs Debian's chromium package "
        "(or set CHROMIUM_PATH to a Chromium or Chrome binary).",
        pytrace=False,
    )


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def site(fresh_database: EmptyDatabase, tmp_path: Path) -> AsyncIterator[Site]:
    """The real server on a free port, over a freshly migrated database of this leg."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **server_env(fresh_database.url),
        "MATCH_WORKER": "true",  # matching runs in the background, as in production
        "BASE_URL": url,  # invitation links point at this server
    }
    code, output = await run_cli(env, "migrate")
    assert code == 0, output

    log = tmp_path / "server.log"
    with log.open("w") as log_file:
        process = await asyncio.create_subprocess_exec(
            *CLI,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
    try:
        async with httpx.AsyncClient(timeout=2) as probe:
            for _ in range(150):
                try:
                    if (await probe.get(url + "/_status")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.returncode is not None:
                    break
                await asyncio.sleep(0.2)
            else:
                pytest.fail(f"the server did not start in 30 seconds:\n{log.read_text()}")
        if process.returncode is not None:
            pytest.fail(f"the server stopped at start-up:\n{log.read_text()}")
        yield Site(url=url, dialect=fresh_database.dialect, log=log, env=env)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                process.kill()
                await process.wait()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    folder = screenshots_root()
    if folder.is_dir():
        terminalreporter.write_line(f"Browser screenshots of every journey step: {folder}")
