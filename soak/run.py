"""The legs of the fault suite, the table, and the verdict.

- postgres: the load on PostgreSQL; PostgreSQL is restarted once (opt out with
  SOAK_RESTART_POSTGRES=0 or --no-postgres-restart: other work on this machine may be
  using the cluster) and the app is killed with SIGKILL in the middle of writes.
- sqlite: the same kills on SQLite, then ``PRAGMA integrity_check``.
- full: SQLite allowed only a few more pages (``max_page_count`` in the database URL)
  and, where this machine lets root mount one, on a tmpfs just larger than the
  database: writes get the clear 507, reads go on, nothing half-written is stored.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from soak import checks, server, traffic
from soak.traffic import FULL, OK, SERVER_ERROR, UNAVAILABLE, UNCLEAR, Arena, Ledger

BAD_OUTCOMES = (SERVER_ERROR, UNCLEAR)


@dataclass
class LegResult:
    name: str
    ledger: Ledger
    findings: checks.Findings
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return sum(w.acknowledged for w in self.ledger.writes)

    @property
    def failed(self) -> bool:
        return bool(self.findings.lost or self.findings.half_written or self.failures)


def _log(message: str) -> None:
    print(message, flush=True)


def _bad_outcomes(ledger: Ledger) -> list[str]:
    return [
        f"{ledger.outcomes[kind]} x {kind}"
        for kind in ledger.outcomes
        if kind in BAD_OUTCOMES or (kind.endswith("server error") and kind != SERVER_ERROR)
    ]


async def _arena(base_url: str, env: dict[str, str]) -> Arena:
    return await traffic.build_arena(base_url, Ledger(), env, startups=8, reviewers=4)


async def _close_arena(arena: Arena) -> None:
    await arena.officer.close()
    for client, _ in arena.reviewers:
        await client.close()


async def _stop_people(stop: asyncio.Event, people: list[asyncio.Task[None]]) -> None:
    stop.set()
    for outcome in await asyncio.gather(*people, return_exceptions=True):
        if isinstance(outcome, BaseException):
            raise outcome


async def _kill_in_the_middle_of_writes(
    app: server.Server, ledger: Ledger, notes: list[str]
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while loop.time() < deadline:  # wait for a write to be on its way
        if ledger.in_flight_writes:
            break
        await asyncio.sleep(0.001)
    in_flight = ledger.in_flight_writes
    await app.kill()
    await asyncio.sleep(0.3)
    began = loop.time()
    await app.start()
    notes.append(
        f"SIGKILL with {in_flight} write(s) in flight; serving again after "
        f"{loop.time() - began:.1f} s"
    )


async def _restart_postgres(app: server.Server, failures: list[str], notes: list[str]) -> Ledger:
    """Restart PostgreSQL while a prober reads pages, the API and /_status every 20 ms."""
    probe = Ledger()
    client = traffic.Client(app.base_url, probe)
    done = asyncio.Event()
    pid = app.pid

    async def poll() -> None:
        paths = ("/challenges/", "/api/v1/challenges", "/_status")
        n = 0
        while not done.is_set():
            await client.request("GET", paths[n % len(paths)])
            n += 1
            await asyncio.sleep(0.02)

    poller = asyncio.create_task(poll())
    try:
        took = await server.restart_postgres()
        recovered = await app.wait_ready(within=30)
        await asyncio.sleep(0.5)  # a few more good answers after the recovery
    finally:
        done.set()
        await poller
        await client.close()
    notes.append(
        f"PostgreSQL restart took {took:.1f} s; the app answered 200 again "
        f"{recovered:.1f} s after it, with no restart (pid {pid} kept); during it the "
        f"prober saw {probe.outcomes[UNAVAILABLE]} clear 503s out of {probe.sent} requests"
    )
    if app.pid != pid or app.process is None or app.process.returncode is not None:
        failures.append("the app process did not survive the PostgreSQL restart")
    if probe.outcomes[UNAVAILABLE] == 0:
        failures.append("no clear 503 was seen while PostgreSQL restarted")
    return probe


def _merge(into: Ledger, other: Ledger) -> None:
    into.outcomes.update(other.outcomes)
    into.sent += other.sent


async def _load_with_kills(
    name: str,
    database_url: str,
    workdir: Path,
    *,
    seconds: float,
    kills: int,
    restart_postgres: bool,
) -> LegResult:
    env = server.app_env(database_url)
    _log(f"[{name}] migrating and loading the demo data")
    await server.prepare(env)
    app = server.Server(env, workdir / f"{name}.log")
    await app.start()
    ledger = Ledger()
    notes: list[str] = []
    failures: list[str] = []
    try:
        arena = await _arena(app.base_url, env)
        _log(f"[{name}] load for about {seconds:.0f} s with {kills} kill(s)")
        stop = asyncio.Event()
        people = await traffic.run_people(
            app.base_url, ledger, arena, stop, seconds=seconds, browsers=3, proposers=2
        )
        await asyncio.sleep(5)
        if restart_postgres:
            _log(f"[{name}] restarting PostgreSQL")
            _merge(ledger, await _restart_postgres(app, failures, notes))
        spacing = max(3.0, (seconds - 10) / max(kills, 1))
        for number in range(kills):
            await asyncio.sleep(spacing * (0.5 + (number % 2) * 0.4))
            _log(f"[{name}] SIGKILL {number + 1} of {kills}")
            await _kill_in_the_middle_of_writes(app, ledger, notes)
        await asyncio.sleep(5)
        await _stop_people(stop, people)
        await _close_arena(arena)
    finally:
        await app.stop()
    findings = checks.check(await checks.read(database_url), ledger)
    if "Exception in ASGI application" in app.log_text():
        failures.append(f"an unhandled error reached uvicorn (see {app.log_path})")
    failures += [f"bad answers: {b}" for b in _bad_outcomes(ledger)]
    return LegResult(name, ledger, findings, notes, failures)


async def postgres_leg(workdir: Path, *, seconds: float, kills: int, restart: bool) -> LegResult:
    url = await server.create_postgres_database()
    try:
        return await _load_with_kills(
            "postgres", url, workdir, seconds=seconds, kills=kills, restart_postgres=restart
        )
    finally:
        await server.drop_postgres_database(url)


async def sqlite_leg(workdir: Path, *, seconds: float, kills: int) -> LegResult:
    url = f"sqlite://{workdir / 'kills.sqlite3'}"
    return await _load_with_kills(
        "sqlite", url, workdir, seconds=seconds, kills=kills, restart_postgres=False
    )


async def _fill(
    name: str, app: server.Server, arena: Arena, database_url: str, seconds: float
) -> LegResult:
    """Load until writes are refused as full; then a read, and the checks."""
    ledger = Ledger()
    notes: list[str] = []
    failures: list[str] = []
    stop = asyncio.Event()
    people = await traffic.run_people(
        app.base_url, ledger, arena, stop, seconds=seconds, browsers=1, proposers=3
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:  # until enough writes have been refused as full
        if ledger.outcomes[FULL] >= 30:
            break
        await asyncio.sleep(0.2)
    await _stop_people(stop, people)
    async with httpx.AsyncClient(base_url=app.base_url, timeout=10) as reader:
        page = await reader.get("/challenges/")
    notes.append(
        f"{ledger.outcomes[FULL]} writes refused with the clear 507; a page read afterwards "
        f"answered {page.status_code}"
    )
    if ledger.outcomes[FULL] == 0:
        failures.append("the database never filled up: no 507 seen")
    if page.status_code != 200:
        failures.append(f"reading a page on a full database answered {page.status_code}")
    await app.stop()
    findings = checks.check(await checks.read(database_url), ledger)
    if "Exception in ASGI application" in app.log_text():
        failures.append(f"an unhandled error reached uvicorn (see {app.log_path})")
    failures += [f"bad answers: {b}" for b in _bad_outcomes(ledger)]
    return LegResult(name, ledger, findings, notes, failures)


async def full_legs(workdir: Path, *, seconds: float) -> list[LegResult]:
    path = workdir / "full.sqlite3"
    env = server.app_env(f"sqlite://{path}")
    _log("[full] migrating and loading the demo data")
    await server.prepare(env)
    setup = server.Server(env, workdir / "full-setup.log")
    await setup.start()
    try:
        arena = await _arena(setup.base_url, env)
    finally:
        await setup.stop()
    server.sqlite_checkpoint(path)
    results = []

    pages = server.sqlite_page_count(path) + 15
    limited = f"sqlite://{path}?max_page_count={pages}"
    _log(f"[full] max_page_count={pages}: about 60 KB of room")
    app = server.Server(server.app_env(limited), workdir / "full-pages.log")
    await app.start()
    results.append(await _fill("full: page limit", app, arena, limited, seconds))

    mount = workdir / "tmpfs"
    mount.mkdir()
    size_kib = path.stat().st_size // 1024 + 512
    if await server.mount_tmpfs(mount, size_kib):
        try:
            copy = mount / "full.sqlite3"
            shutil.copyfile(path, copy)
            small = f"sqlite://{copy}"
            _log(f"[full] a {size_kib} KiB tmpfs holding the database")
            app = server.Server(server.app_env(small), workdir / "full-tmpfs.log")
            await app.start()
            results.append(await _fill("full: tmpfs", app, arena, small, seconds))
        finally:
            await server.unmount(mount)
    else:
        _log("[full] this machine does not let us mount a tmpfs: page limit only")
    await _close_arena(arena)
    return results


# ------------------------------------------------------------------ the table

KIND_ORDER = (
    OK,
    traffic.REFUSED,
    UNAVAILABLE,
    FULL,
    traffic.REFUSED_CONNECTION,
    traffic.RESET,
    traffic.TIMEOUT,
    SERVER_ERROR,
    UNCLEAR,
)


def table(results: list[LegResult]) -> str:
    names = [r.name for r in results]
    width = max(28, *(len(n) for n in names))
    head = "".join(f"{n:>{max(len(n), 10) + 2}}" for n in names)
    cols = [max(len(n), 10) + 2 for n in names]

    def row(label: str, values: list[object]) -> str:
        return f"{label:<{width}}" + "".join(
            f"{v!s:>{c}}" for v, c in zip(values, cols, strict=True)
        )

    lines = [f"{'':<{width}}{head}", "-" * (width + sum(cols))]
    lines.append(row("requests sent", [r.ledger.sent for r in results]))
    lines.append(row("writes sent", [len(r.ledger.writes) for r in results]))
    lines.append(row("writes acknowledged (2xx)", [r.acknowledged for r in results]))
    lines.append(row("acknowledged but lost", [len(r.findings.lost) for r in results]))
    lines.append(row("half-written", [len(r.findings.half_written) for r in results]))
    lines.append("answers by kind:")
    kinds: Counter[str] = Counter()
    for r in results:
        kinds.update(r.ledger.outcomes)
    ordered = [k for k in KIND_ORDER if k in kinds] + sorted(set(kinds) - set(KIND_ORDER))
    for kind in ordered:
        lines.append(row(f"  {kind}", [r.ledger.outcomes[kind] for r in results]))
    return "\n".join(lines)


def report(results: list[LegResult]) -> bool:
    print()
    print(table(results))
    ok = True
    for r in results:
        print(f"\n{r.name}:")
        kinds = Counter(w.kind for w in r.ledger.writes if w.acknowledged)
        print("  - acknowledged writes: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
        for note in r.notes:
            print(f"  - {note}")
        for problem in [*r.findings.lost, *r.findings.half_written, *r.failures]:
            print(f"  ! {problem}")
        ok = ok and not r.failed
    print(
        "\nSOAK "
        + ("PASSED: nothing acknowledged was lost, nothing half-written" if ok else "FAILED")
    )
    return ok


async def run(args: argparse.Namespace) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix="uc-soak-"))
    results: list[LegResult] = []
    try:
        if "postgres" in args.legs:
            results.append(
                await postgres_leg(
                    workdir, seconds=args.seconds, kills=args.kills, restart=args.restart_postgres
                )
            )
        if "sqlite" in args.legs:
            results.append(
                await sqlite_leg(workdir, seconds=max(20.0, args.seconds / 2), kills=args.kills)
            )
        if "full" in args.legs:
            results += await full_legs(workdir, seconds=30)
    finally:
        ok = report(results) if results else False
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"\nServer logs and databases are kept in {workdir}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m soak", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--legs",
        default="postgres,sqlite,full",
        type=lambda s: {p.strip() for p in s.split(",") if p.strip()},
        help="which legs to run (default: postgres,sqlite,full)",
    )
    parser.add_argument("--seconds", type=float, default=60, help="load time of the PostgreSQL leg")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs per leg (default 3)")
    parser.add_argument(
        "--no-postgres-restart",
        dest="restart_postgres",
        action="store_false",
        default=os.environ.get("SOAK_RESTART_POSTGRES", "1") not in {"0", "false", "no"},
        help="do not restart the PostgreSQL cluster (also SOAK_RESTART_POSTGRES=0)",
    )
    args = parser.parse_args(argv)
    unknown = args.legs - {"postgres", "sqlite", "full"}
    if unknown:
        parser.error(f"unknown legs: {', '.join(sorted(unknown))}")
    with contextlib.suppress(KeyboardInterrupt):
        return 0 if asyncio.run(run(args)) else 1
    print("interrupted", file=sys.stderr)
    return 130
