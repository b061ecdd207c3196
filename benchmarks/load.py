"""Load figures: the service at 50 concurrent users against a bare endpoint, same run.

``python -m benchmarks.load`` (run by ``make bench`` after the matcher benchmarks):

1. creates a throwaway PostgreSQL database (``TEST_POSTGRES_URL``'s server), migrates it,
   loads the demo data and computes the match scores (``urbanchallenge reindex``);
2. serves it with ``python -m urbanchallenge serve`` (uvicorn, production settings:
   ``DEBUG=false``, access log on), with ``--workers`` processes;
3. fetches each measured answer once, and serves exactly those bytes from memory with a
   bare Starlette app under uvicorn, with as many worker processes;
4. measures, at 50 concurrent connections, each case against the service and against the
   bare app: a warm-up, then a fixed time (pages, with ``wrk``) or a fixed number of
   requests (score submissions, with a small asyncio HTTP/1.1 client, since each
   submission is a different member's and proposal's);
5. writes the table between ``<!-- load:start -->`` and ``<!-- load:end -->`` in
   ``docs/benchmarks.md`` (nothing else in that file is touched).

The cases: the officer's ranked list of proposals (signed in, the demo challenge with
the most proposals), the public list of open challenges, the same list searched with
``q``, and a panel member's score submission (``PUT /api/v1/reviews/{id}`` with
``submit``). Targets: p95 under 100 ms for pages, and at least 0.25 x the bare
endpoint's requests per second.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.cpu import Meter
from benchmarks.machine import cpu_model
from soak import server, traffic

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"
USERS = 50
PAGE_P95_TARGET_MS = 100.0
THROUGHPUT_TARGET = 0.25
SEARCH = "bus punctuality"

# A word no text contains, added with a count to a search so that each request asks for a
# query never asked before (nothing can come from the public-page cache).
UNIQUE_WORD = "+zqunique"

UNIQUE_REQUESTS = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  counter = 0
end
function request()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "UNIQUE_WORD" .. tid .. "n" .. counter)
end
""".replace("UNIQUE_WORD", UNIQUE_WORD)

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


# ------------------------------------------------------------------ the bare endpoint


def bare_app() -> Starlette:
    """Answers each recorded path with the recorded bytes (``BARE_BODIES`` names the file);
    a PUT reads its body first, as the service does, and gets the recorded PUT answer."""
    recorded = json.loads(Path(os.environ["BARE_BODIES"]).read_text(encoding="utf-8"))
    bodies = {key: (base64.b64decode(item["body"]), item["type"]) for key, item in recorded.items()}

    async def endpoint(request: Request) -> Response:
        if request.method == "PUT":
            await request.body()
            body, media_type = bodies["PUT"]
        else:
            key = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            key = key.split(UNIQUE_WORD)[0]  # a query made unique answers as the plain one
            body, media_type = bodies[key]
        return Response(body, media_type=media_type)

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "PUT"])])


async def start_bare(bodies: Path, workers: int, log: Path) -> tuple[Any, str]:
    port = server.free_port()
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "uvicorn",
            "benchmarks.load:bare_app",
            "--factory",
            "--host",
            server.HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            env={**os.environ, "BARE_BODIES": str(bodies)},
            cwd=ROOT,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    base = f"http://{server.HOST}:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=2) as probe:
        for _ in range(300):
            try:
                await probe.get("/")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    return process, base


# ------------------------------------------------------------------ measuring


@dataclass
class Figures:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    # CPU milliseconds per request of the server's processes and of PostgreSQL's (see
    # benchmarks.cpu); None where /proc could not be read
    cpu_ms: tuple[float, float] | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


async def wrk(url: str, *, seconds: float, headers: dict[str, str], script: Path) -> Figures:
    args = ["-t2", f"-c{USERS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    args += ["-s", str(script)]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    process = await asyncio.create_subprocess_exec(
        shutil.which("wrk") or "wrk",
        *args,
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output = (await process.communicate())[0].decode()
    found = re.search(r"RESULT ((?:\d+ ?){10})", output)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    n, micros, p50, p95, p99, *errors = (int(v) for v in found.group(1).split())
    return Figures(n, micros / 1e6, p50 / 1000, p95 / 1000, p99 / 1000, sum(errors))


class Connection:
    """A minimal keep-alive HTTP/1.1 client: cheap enough not to starve the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines += [f"Content-Length: {len(body)}", "", ""]
        self.writer.write("\r\n".join(lines).encode() + body)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def submissions(
    base_url: str, plans: list[list[tuple[str, str, bytes]]], *, warmup: int
) -> Figures:
    """Each user sends its own list of (token, path, body) PUTs, one after another; the
    first ``warmup`` of each list are not measured."""
    host, port = base_url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0
    marks: list[float] = []

    async def user(plan: list[tuple[str, str, bytes]]) -> None:
        nonlocal errors
        connection = Connection(host, int(port))
        try:
            for number, (token, path, body) in enumerate(plan):
                if number == warmup:
                    marks.append(time.perf_counter())
                began = time.perf_counter()
                status = await connection.request(
                    "PUT",
                    path,
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                    body,
                )
                if number >= warmup:
                    latencies.append(time.perf_counter() - began)
                    errors += status != 200
        finally:
            await connection.close()

    await asyncio.gather(*(user(plan) for plan in plans))
    ended = time.perf_counter()
    # Measured from the moment the last user finished warming up: all 50 are busy.
    seconds = ended - max(marks)
    counted = len(latencies)
    quantiles = statistics.quantiles(latencies, n=100)
    return Figures(
        counted,
        seconds if seconds > 0 else 1e-9,
        quantiles[49] * 1000,
        quantiles[94] * 1000,
        quantiles[98] * 1000,
        errors,
    )


PAUSE = (0.5, 1.5)  # seconds a paced user waits between answers, drawn uniformly


async def paced_users(
    base_url: str,
    path: str,
    headers: dict[str, str],
    *,
    seconds: float,
    unique: bool = False,
    seed: int = 7,
) -> Figures:
    """USERS users, each asking for ``path``, reading the answer, then pausing PAUSE seconds
    before the next request (closer to people than ``wrk``'s back-to-back requests): how
    long a request takes at that load, not how many the server could answer."""
    host, port = base_url.removeprefix("http://").split(":")
    rng = random.Random(seed)
    latencies: list[float] = []
    errors = 0
    began = time.perf_counter()
    ends = began + seconds

    async def user(number: int, first_pause: float) -> None:
        nonlocal errors
        connection = Connection(host, int(port))
        try:
            await asyncio.sleep(first_pause)  # users arrive spread over one pause
            asked = 0
            while time.perf_counter() < ends:
                asked += 1
                target = f"{path}{UNIQUE_WORD}{number}n{asked}" if unique else path
                sent = time.perf_counter()
                status = await connection.request("GET", target, headers, b"")
                latencies.append(time.perf_counter() - sent)
                errors += status != 200
                await asyncio.sleep(rng.uniform(*PAUSE))
        finally:
            await connection.close()

    await asyncio.gather(*(user(n, rng.uniform(0, PAUSE[1])) for n in range(USERS)))
    quantiles = statistics.quantiles(latencies, n=100)
    return Figures(
        len(latencies),
        time.perf_counter() - began,
        quantiles[49] * 1000,
        quantiles[94] * 1000,
        quantiles[98] * 1000,
        errors,
    )


# ------------------------------------------------------------------ setting up


async def _sql(database_url: str, query: str) -> list[Any]:
    conn = await server.admin_connection(database_url)
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def matching_settled(database_url: str, limit: float = 300.0) -> None:
    """Wait for the matching workers to finish the jobs the preparation queued (its new
    proposals and accounts), so that the pages are measured without a background refit
    sharing the cores; say how long that took."""
    began = time.monotonic()
    while True:
        rows = await _sql(database_url, "SELECT count(*) AS n FROM match_job WHERE attempts < 5")
        if rows[0]["n"] == 0 or time.monotonic() - began > limit:
            break
        await asyncio.sleep(1.0)
    print(f"Matching jobs left: {rows[0]['n']} after {time.monotonic() - began:.1f} s", flush=True)


def _cookie_value(response: httpx.Response, prefix: str) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name.endswith(prefix):
            return f"{name}={rest.split(';', 1)[0]}"
    return None


async def officer_session(base_url: str, email: str) -> str:
    """Sign in through the form over plain HTTP (the cookies say Secure, so they are
    carried by hand); return the Cookie header value a browser would send afterwards."""
    from urbanchallenge.fixtures import DEMO_PASSWORD

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        form = await http.get("/sign-in")
        csrf = _cookie_value(form, "csrftoken")
        assert csrf is not None, form.headers
        token = csrf.split("=", 1)[1]
        signed_in = await http.post(
            "/sign-in",
            data={"email": email, "password": DEMO_PASSWORD, "csrftoken": token},
            headers={"Cookie": csrf},
        )
        session = _cookie_value(signed_in, "uc_session")
        if signed_in.status_code != 303 or session is None:
            raise RuntimeError(f"the officer could not sign in: {signed_in.status_code}")
        # Both cookies, as a browser keeps them.
        return f"{csrf}; {session}"


async def scoring_plans(
    base_url: str, env: dict[str, str], *, reviewers: int, proposals: int
) -> tuple[list[list[tuple[str, str, bytes]]], tuple[str, str, bytes]]:
    """A shortlisting challenge with ``proposals`` shortlisted, ``reviewers`` members who
    declared no conflict with any; one list of submissions per member, and one spare
    submission (to record the answer the bare endpoint gives back)."""
    ledger = traffic.Ledger()
    officer, _ = await traffic.verified_officer(base_url, ledger, env)
    title = f"Benchmark scoring {secrets.token_hex(3)}"
    created = await traffic.must(
        await officer.api("POST", "/challenges", traffic.challenge_body(title)), 201
    )
    cid = created["id"]
    await traffic.must(
        await officer.api("POST", f"/challenges/{cid}/transitions", {"to": "open"}), 200
    )
    challenge = await traffic.must(await officer.api("GET", f"/challenges/{cid}"), 200)

    # Registering hashes a password with argon2 on the server: a few at a time.
    gate = asyncio.Semaphore(4)

    async def propose(n: int) -> int:
        async with gate:
            made = await traffic.register(base_url, ledger, "startup_member")
        assert made is not None
        startup, _ = made
        body = traffic.proposal_body(challenge, f"Bin store sensors {n}")
        proposal = await traffic.must(
            await startup.api("POST", f"/challenges/{cid}/proposals", body), 201
        )
        await traffic.must(
            await startup.api("POST", f"/proposals/{proposal['id']}/submit", {}), 200
        )
        await startup.close()
        return int(proposal["id"])

    ids = list(await asyncio.gather(*(propose(n) for n in range(proposals + 1))))
    for to in ("closed", "shortlisting"):
        await traffic.must(
            await officer.api("POST", f"/challenges/{cid}/transitions", {"to": to}), 200
        )

    async def member() -> traffic.Client:
        async with gate:
            made = await traffic.register(base_url, ledger, "reviewer")
        assert made is not None
        client, email = made
        await traffic.must(
            await officer.api("POST", f"/challenges/{cid}/panel", {"email": email}), 201
        )
        return client

    panel = list(await asyncio.gather(*(member() for _ in range(reviewers))))
    await traffic.must(
        await officer.api("PUT", f"/challenges/{cid}/shortlist", {"proposal_ids": ids}), 200
    )

    async def declare(client: traffic.Client) -> None:
        for pid in ids:
            # Idempotent, so tried again if the server had just closed this client's idle
            # keep-alive connection (uvicorn closes them after 5 s) as it was reused.
            for _ in range(3):
                answer = await client.api("PUT", f"/reviews/{pid}", {"conflict": False})
                if answer is not None:
                    break
            await traffic.must(answer, 200)

    await asyncio.gather(*(declare(c) for c in panel))
    scores = [
        {"criterion": c["name"], "score": 7, "comment": f"Sound on {c['name'].lower()}."}
        for c in challenge["criteria"]
    ]
    body = json.dumps({"conflict": False, "scores": scores, "submit": True}).encode()
    plans = [
        [(str(c.token), f"/api/v1/reviews/{pid}", body) for pid in ids[:proposals]] for c in panel
    ]
    spare = (str(panel[0].token), f"/api/v1/reviews/{ids[-1]}", body)
    await officer.close()
    for client in panel:
        await client.close()
    return plans, spare


# ------------------------------------------------------------------ the run


@dataclass
class Case:
    name: str
    kind: str  # "page" or "api"
    app: Figures
    bare: Figures
    paced: Figures | None = None  # pages only: USERS users pausing between requests

    @property
    def throughput_ratio(self) -> float:
        return self.app.rps / self.bare.rps

    @property
    def p95_ratio(self) -> float:
        return self.app.p95_ms / self.bare.p95_ms

    @property
    def verdict(self) -> str:
        misses = []
        if self.kind == "page" and self.app.p95_ms >= PAGE_P95_TARGET_MS:
            misses.append("p95")
        if self.throughput_ratio < THROUGHPUT_TARGET:
            misses.append("throughput")
        if self.app.errors:
            misses.append(f"{self.app.errors} errors")
        return "met" if not misses else "missed: " + ", ".join(misses)


def machine() -> str:
    return f"{cpu_model()}, {os.cpu_count()} cores"


def render(cases: list[Case], *, workers: int, seconds: float, warmup: float, note: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {now} on {machine()} (the load generator shares them), "
        f"PostgreSQL {note}, Python {platform.python_version()}.",
        f"Command: `python -m benchmarks.load --workers {workers} --seconds {seconds:g}`. "
        f"{USERS} concurrent connections; service: `urbanchallenge serve --workers {workers}` "
        "(uvicorn, DEBUG=false, access log on) on the demo data; bare: a Starlette endpoint "
        f"under uvicorn with {workers} worker(s) answering the same bytes from memory.",
        f"Pages: `wrk -t2 -c{USERS}`, {warmup:g} s warm-up then {seconds:g} s measured. "
        "Score submissions: an asyncio HTTP/1.1 keep-alive client, each of the "
        f"{USERS} users submitting its own proposals one after another (the first few "
        "of each user not measured).",
        "",
        "| case | service req/s | bare req/s | ratio | service p50 / p95 / p99 ms "
        "| bare p50 / p95 / p99 ms | p95 ratio | errors | target "
        "| CPU ms a request: service + PostgreSQL / bare | most the cores allow |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in cases:
        a, b = c.app, c.bare
        lines.append(
            f"| {c.name} | {a.rps:,.0f} | {b.rps:,.0f} | {c.throughput_ratio:.2f} "
            f"| {a.p50_ms:.1f} / {a.p95_ms:.1f} / {a.p99_ms:.1f} "
            f"| {b.p50_ms:.1f} / {b.p95_ms:.1f} / {b.p99_ms:.1f} | {c.p95_ratio:.1f} "
            f"| {a.errors} | {c.verdict} | {cpu_cells(c)} |"
        )
    paced = [c for c in cases if c.paced is not None]
    if paced:
        lines += [
            "",
            f"The same pages with {USERS} users who each pause {PAUSE[0]:g}-{PAUSE[1]:g} s "
            f"(uniformly) between an answer and their next request, for {seconds:g} s "
            "(an asyncio keep-alive client; the verdict above stays the one for back-to-back "
            "requests):",
            "",
            "| case | requests | req/s | p50 / p95 / p99 ms | errors | p95 under "
            f"{PAGE_P95_TARGET_MS:g} ms |",
            "|---|---|---|---|---|---|",
        ]
        for c in paced:
            f = c.paced
            assert f is not None
            ok = "yes" if f.p95_ms < PAGE_P95_TARGET_MS and not f.errors else "no"
            lines.append(
                f"| {c.name} | {f.requests:,} | {f.rps:,.0f} "
                f"| {f.p50_ms:.1f} / {f.p95_ms:.1f} / {f.p99_ms:.1f} | {f.errors} | {ok} |"
            )
    lines += [
        "",
        f"Targets: p95 under {PAGE_P95_TARGET_MS:g} ms for pages, and at least "
        f"{THROUGHPUT_TARGET:g} x the bare endpoint's requests per second (ratio column).",
        "",
        "CPU: user and system time of the server's processes and of all PostgreSQL's "
        "(the bare endpoint uses none), read from /proc over the measured period (score "
        "submissions: over all of them, warm-up included) and divided by the requests "
        f"answered. The {os.cpu_count()} cores can answer at most {os.cpu_count()} x 1000 "
        "divided by that figure a second even with a load generator costing nothing; the "
        "last column gives that bound and its ratio to the bare endpoint's measured rate.",
        "",
    ]
    return "\n".join(lines)


def cpu_cells(case: Case) -> str:
    """The CPU cells of a case's row: per-request costs, and the rate the cores allow."""
    served, bare = case.app.cpu_ms, case.bare.cpu_ms
    if served is None or bare is None:
        return "not measured | not measured"
    total = served[0] + served[1]
    cost = f"{served[0]:.2f} + {served[1]:.2f} / {bare[0]:.2f}"
    if total <= 0:
        return f"{cost} | not measured"
    most = (os.cpu_count() or 1) * 1000 / total
    return f"{cost} | {most:,.0f} a second ({most / case.bare.rps:.2f} x bare)"


def write_block(body: str, path: Path = DOC) -> None:
    """Replace only what is between the load markers (the matcher's block is another's)."""
    block = f"{START}\n{body}{END}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in old and END in old:
        head, rest = old.split(START, 1)
        new = head + block + rest.split(END, 1)[1]
    else:
        new = old.rstrip() + "\n\n## Load\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")


async def run(args: argparse.Namespace) -> list[Case]:
    workdir = Path(tempfile.mkdtemp(prefix="uc-load-"))
    url = await server.create_postgres_database()
    app: server.Server | None = None
    bare = None
    try:
        env = {**server.app_env(url), "DEBUG": "false"}
        print("Preparing the demo database (migrate, demo data, match scores)", flush=True)
        await server.prepare(env)
        await server.run_cli(env, "reindex")
        app = server.Server(env, workdir / "app.log", serve_args=("--workers", str(args.workers)))
        await app.start()
        version = (await _sql(url, "SHOW server_version"))[0][0]
        top = await _sql(
            url,
            "SELECT c.id, min(u.email) AS email, count(p.id) AS n FROM challenge c "
            "JOIN user_account u ON u.organisation_id = c.organisation_id "
            "AND u.role = 'council_officer' "
            "JOIN proposal p ON p.challenge_id = c.id AND p.submitted_at IS NOT NULL "
            "GROUP BY c.id ORDER BY n DESC, c.id LIMIT 1",
        )
        ranked_id, officer_email, proposal_count = top[0]["id"], top[0]["email"], top[0]["n"]
        cookie = await officer_session(app.base_url, officer_email)
        print("Preparing score submissions", flush=True)
        plans, spare = await scoring_plans(
            app.base_url, env, reviewers=USERS, proposals=args.submissions + args.warmup_submissions
        )

        ranked_path = f"/matches/challenges/{ranked_id}"
        search_path = "/challenges/?q=" + SEARCH.replace(" ", "+")
        pages = [
            (f"officer's ranked list ({proposal_count} proposals)", ranked_path, cookie, False),
            ("public challenge list (visitors not signed in)", "/challenges/", None, False),
            (f"challenge list, search q='{SEARCH}', the same each time", search_path, None, False),
            (
                f"challenge list, search q='{SEARCH} <a new word each time>'",
                search_path,
                None,
                True,
            ),
        ]
        recorded: dict[str, dict[str, str]] = {}
        async with httpx.AsyncClient(base_url=app.base_url, timeout=30) as http:
            for _, path, session, _unique in pages:
                response = await http.get(path, headers={"Cookie": session} if session else {})
                assert response.status_code == 200, (path, response.status_code)
                recorded[path] = {
                    "type": response.headers["content-type"],
                    "body": base64.b64encode(response.content).decode(),
                }
            token, path, body = spare
            put = await http.put(
                path,
                content=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            assert put.status_code == 200, put.text
            recorded["PUT"] = {
                "type": put.headers["content-type"],
                "body": base64.b64encode(put.content).decode(),
            }
        bodies = workdir / "bodies.json"
        bodies.write_text(json.dumps(recorded), encoding="utf-8")
        bare, bare_url = await start_bare(bodies, args.workers, workdir / "bare.log")
        same = workdir / "percentiles.lua"
        same.write_text(WRK_SCRIPT, encoding="utf-8")
        unique_script = workdir / "unique.lua"
        unique_script.write_text(UNIQUE_REQUESTS + WRK_SCRIPT, encoding="utf-8")

        await matching_settled(url)
        cases = []
        for name, path, session, unique in pages:
            if args.only and args.only not in name:
                continue
            headers = {"Cookie": session} if session else {}
            script = unique_script if unique else same
            figures = []
            for base, pid in ((app.base_url, app.pid), (bare_url, bare.pid)):
                print(f"Measuring {name} on {base}", flush=True)
                await wrk(base + path, seconds=args.warmup, headers=headers, script=script)
                meter = Meter(pid, database=base == app.base_url)
                meter.start()
                measured = await wrk(
                    base + path, seconds=args.seconds, headers=headers, script=script
                )
                meter.stop()
                figures.append(replace(measured, cpu_ms=meter.per_request_ms(measured.requests)))
            print(f"Measuring {name} with {USERS} paced users", flush=True)
            paced = await paced_users(
                app.base_url, path, headers, seconds=args.seconds, unique=unique
            )
            cases.append(Case(name, "page", figures[0], figures[1], paced))

        name = "score submission (API PUT, submit)"
        if not args.only or args.only in name:
            print("Measuring score submissions", flush=True)
            meter = Meter(app.pid, database=True)
            meter.start()
            served = await submissions(app.base_url, plans, warmup=args.warmup_submissions)
            meter.stop()
            # CPU is read over every submission, warm-up included: counted per submission sent
            sent = sum(len(plan) for plan in plans)
            served = replace(served, cpu_ms=meter.per_request_ms(sent))
            meter = Meter(bare.pid, database=False)
            meter.start()
            from_memory = await submissions(bare_url, plans, warmup=args.warmup_submissions)
            meter.stop()
            from_memory = replace(from_memory, cpu_ms=meter.per_request_ms(sent))
            cases.append(Case(name, "api", served, from_memory))
        body_text = render(
            cases,
            workers=args.workers,
            seconds=args.seconds,
            warmup=args.warmup,
            note=str(version).split()[0],
        )
        print()
        print(body_text)
        if args.write:
            write_block(body_text)
            print(f"Written to {DOC.relative_to(ROOT)}")
        return cases
    except Exception:
        log = workdir / "app.log"
        if log.exists():
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
            print("The service's log ended with:", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        if bare is not None:
            bare.terminate()
            await bare.wait()
        if app is not None:
            await app.stop()
        await server.drop_postgres_database(url)
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--seconds", type=float, default=15, help="measured time per page case")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up time per page case")
    parser.add_argument("--submissions", type=int, default=20, help="measured per user")
    parser.add_argument("--warmup-submissions", type=int, default=3, help="per user")
    parser.add_argument(
        "--only", default="", help="measure only the cases whose name holds this text"
    )
    parser.add_argument(
        "--no-write", dest="write", action="store_false", help="print, do not write the doc"
    )
    args = parser.parse_args(argv)
    if args.only:
        args.write = False  # the doc shows whole runs only
    if shutil.which("wrk") is None:
        parser.error("wrk is needed for the page cases: apt-get install wrk")
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
