"""Throwaway databases, the CLI, and the app server the suite starts, kills and restarts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
HOST = "127.0.0.1"  # loopback only: the suite sends nothing anywhere else


def postgres_server_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def with_database(url: str, name: str) -> str:
    """``url`` with its database name replaced by ``name``."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


async def admin_connection(url: str, *, connect_timeout: float = 10) -> Any:
    """A plain asyncpg connection to the database ``url`` names (the server's default
    database if it names none): for creating, dropping and inspecting databases."""
    parts = urlsplit(url)
    return await asyncpg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        database=parts.path.lstrip("/") or "postgres",
        timeout=connect_timeout,
    )


async def create_postgres_database() -> str:
    """A new, empty database on the test server; its URL."""
    name = f"uc_soak_{secrets.token_hex(5)}"
    conn = await admin_connection(postgres_server_url())
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(postgres_server_url(), name)


async def drop_postgres_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    assert name.startswith("uc_soak_") and name.replace("_", "").isalnum(), name
    conn = await admin_connection(postgres_server_url())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def sqlite_path(url: str) -> Path:
    parts = urlsplit(url)
    return Path(parts.netloc + parts.path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def app_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "soak-suite-key-" + "x" * 40,
        "DEBUG": "true",  # plain HTTP on loopback
        "ALLOWED_HOSTS": HOST,
        "URBANCHALLENGE_ENV_FILE": "/dev/null",
    }


async def run_cli(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "urbanchallenge",
        *args,
        env=env,
        cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode("utf-8", "replace")
    if process.returncode != 0:
        raise RuntimeError(f"urbanchallenge {' '.join(args)} failed:\n{text}")
    return text


async def prepare(env: dict[str, str]) -> None:
    """Migrate and load the demo data, as `make run` does."""
    await run_cli(env, "migrate")
    await run_cli(env, "load-fixtures")


def _log_file(path: Path) -> IO[bytes]:
    return path.open("ab")


@dataclass
class Server:
    """`python -m urbanchallenge serve` on one port, which survives its restarts."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    serve_args: tuple[str, ...] = ()  # e.g. ("--workers", "2")
    process: asyncio.subprocess.Process | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, within: float = 60) -> None:
        log = _log_file(self.log_path)
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "urbanchallenge",
                "serve",
                "--host",
                HOST,
                "--port",
                str(self.port),
                *self.serve_args,
                env=self.env,
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        finally:
            log.close()
        self.starts += 1
        await self.wait_ready(within)

    async def wait_ready(self, within: float) -> float:
        """Poll /_status until it says 200; return how long that took."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2) as probe:
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if (await probe.get("/_status")).status_code == 200:
                        return loop.time() - began
                if self.process is not None and self.process.returncode is not None:
                    raise RuntimeError(f"the server stopped:\n{self.log_tail()}")
                if loop.time() - began > within:
                    raise RuntimeError(
                        f"the server was not ready in {within} s:\n{self.log_tail()}"
                    )
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, whatever it was doing."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), timeout=15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def pg_ctlcluster() -> list[str]:
    """The command that restarts this machine's PostgreSQL cluster."""
    program = shutil.which("pg_ctlcluster")
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir()) if program else []
    if not program or not versions:
        raise RuntimeError(
            "pg_ctlcluster or /etc/postgresql is missing: set SOAK_RESTART_POSTGRES=0 to "
            "run without restarting PostgreSQL"
        )
    return [program, "--skip-systemctl-redirect", versions[-1], "main", "restart"]


async def restart_postgres() -> float:
    """Restart the cluster (fast shutdown, then start); return how long the command took."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    process = await asyncio.create_subprocess_exec(
        *pg_ctlcluster(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError("restarting PostgreSQL failed: " + output.decode(errors="replace"))
    return loop.time() - began


def sqlite_page_count(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])


def sqlite_checkpoint(path: Path) -> None:
    """Fold the WAL into the database file, so its size is the database's size."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def mount_tmpfs(where: Path, size_kib: int) -> bool:
    """Mount a small tmpfs (needs root and a kernel that allows it); False if it cannot."""
    program = shutil.which("mount")
    if program is None:
        return False
    process = await asyncio.create_subprocess_exec(
        program,
        "-t",
        "tmpfs",
        "-o",
        f"size={size_kib}k",
        "tmpfs",
        str(where),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await process.wait() == 0


async def unmount(where: Path) -> None:
    program = shutil.which("umount")
    if program is not None:
        process = await asyncio.create_subprocess_exec(
            program, str(where), stderr=asyncio.subprocess.DEVNULL
        )
        await process.wait()
