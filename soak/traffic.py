"""The load: people browsing, searching, registering, proposing, shortlisting and scoring.

Every request is counted by what came back (a status, or the kind of connection
failure); every write is kept in the ledger with what it should have stored, so the
checks afterwards can tell an acknowledged write (a 2xx the client saw) from one
that never answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from soak.server import run_cli

PASSWORD = "a soak test passphrase of some length"  # noqa: S105 - throwaway accounts
SEARCHES = (
    "bus punctuality",
    "missed bin collections",
    "damp and mould",
    "hospital discharge",
    "court hearings",
    "potholes",
    "social care",
    "air quality",
)
UNAVAILABLE_PAGE = "Sorry, the service is unavailable"
FULL_PAGE = "Sorry, the service cannot save anything at the moment"

# Outcome names for the table.
OK = "2xx/3xx"
REFUSED = "409/422 refused"
UNAVAILABLE = "503 unavailable (clear)"
FULL = "507 full (clear)"
UNCLEAR = "503/507 without the clear answer"
SERVER_ERROR = "500 server error"
REFUSED_CONNECTION = "connection refused"
RESET = "connection reset"
TIMEOUT = "timeout"


def pick(options: list[Any] | tuple[Any, ...]) -> Any:
    return options[secrets.randbelow(len(options))]


def chance(percent: int) -> bool:
    return secrets.randbelow(100) < percent


@dataclass
class Write:
    """One write request and what it should leave in the database if acknowledged."""

    kind: str  # account, proposal, submit, score, shortlist
    facts: dict[str, Any]
    outcome: str = ""
    status: int | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Ledger:
    outcomes: Counter[str] = field(default_factory=Counter)
    writes: list[Write] = field(default_factory=list)
    sent: int = 0
    in_flight_writes: int = 0
    budget: int = 60_000  # a hard cap on requests per leg

    def exhausted(self) -> bool:
        return self.sent >= self.budget


def classify(response: httpx.Response) -> str:
    status = response.status_code
    if status < 400:
        return OK
    if status in {503, 507}:
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("application/json"):  # /_status
            clear = response.json().get("status") == "unavailable"
        elif content_type.startswith("application/problem+json"):
            clear = response.json().get("status") == status and "saved" in response.text
        else:
            clear = (UNAVAILABLE_PAGE if status == 503 else FULL_PAGE) in response.text
            clear = clear and "Traceback" not in response.text
        if status == 503:
            clear = clear and response.headers.get("retry-after", "").isdigit()
        if not clear:
            return UNCLEAR
        return UNAVAILABLE if status == 503 else FULL
    if status >= 500:
        return SERVER_ERROR if status == 500 else f"{status} server error"
    if status in {409, 422}:
        return REFUSED
    return str(status)


class Client:
    """One person's HTTP client over loopback, counting into the ledger."""

    def __init__(self, base_url: str, ledger: Ledger, token: str | None = None) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=15)
        self.ledger = ledger
        self.token = token

    async def close(self) -> None:
        await self.http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        write: Write | None = None,
        json: Any = None,
        data: dict[str, str] | None = None,
    ) -> httpx.Response | None:
        self.ledger.sent += 1
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        if write is not None:
            self.ledger.writes.append(write)
            self.ledger.in_flight_writes += 1
        response: httpx.Response | None = None
        try:
            response = await self.http.request(method, path, json=json, data=data, headers=headers)
            outcome = classify(response)
        except httpx.ConnectError:
            outcome = REFUSED_CONNECTION
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
            outcome = RESET
        except httpx.TimeoutException:
            outcome = TIMEOUT
        finally:
            if write is not None:
                self.ledger.in_flight_writes -= 1
        self.ledger.outcomes[outcome] += 1
        if outcome == REFUSED_CONNECTION:
            await asyncio.sleep(0.1)  # the server is down: a person would not hammer it
        if write is not None:
            write.outcome = outcome
            write.status = response.status_code if response is not None else None
        return response

    async def api(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        return await self.request(method, "/api/v1" + path, json=body, **kw)

    async def sign_in_form(self, email: str, password: str) -> bool:
        await self.request("GET", "/sign-in")
        token = self.http.cookies.get("csrftoken")
        if not token:
            return False
        response = await self.request(
            "POST", "/sign-in", data={"email": email, "password": password, "csrftoken": token}
        )
        return response is not None and response.status_code == 303


# ------------------------------------------------------------------ setting up through the API


async def must(response: httpx.Response | None, *statuses: int) -> Any:
    if response is None or response.status_code not in statuses:
        text = "no answer" if response is None else f"{response.status_code} {response.text}"
        raise RuntimeError(f"setting up the soak data failed: {text}")
    return response.json() if response.content else None


async def register(
    base_url: str, ledger: Ledger, role: str, *, record: bool = False
) -> tuple[Client, str] | None:
    """A new account (and organisation) through the API, and a client holding its token."""
    tag = secrets.token_hex(4)
    email = f"soak.{role}.{tag}@soak.example"
    body: dict[str, Any] = {
        "email": email,
        "password": PASSWORD,
        "name": f"Soak {role}",
        "role": role,
    }
    if role != "reviewer":
        kind = "public_body" if role == "council_officer" else "startup"
        body["organisation"] = {"name": f"Soak {kind} {tag}", "kind": kind}
    client = Client(base_url, ledger)
    write = Write("account", {"email": email}) if record else None
    created = await client.api("POST", "/accounts", body, write=write)
    if created is None or created.status_code != 201:
        await client.close()
        if record:
            return None
        await must(created, 201)
    token = await client.api("POST", "/tokens", {"email": email, "password": PASSWORD})
    if token is None or token.status_code != 201:
        await client.close()
        if record:
            return None
        await must(token, 201)
    assert token is not None
    client.token = token.json()["token"]
    return client, email


async def verified_officer(
    base_url: str, ledger: Ledger, env: dict[str, str]
) -> tuple[Client, str]:
    """A public body's officer registered through the API, whose body the service team then
    verifies with ``urbanchallenge verify-body`` (a body that registered itself cannot
    publish before): a client holding the officer's token, and the officer's email."""
    made = await register(base_url, ledger, "council_officer")
    assert made is not None
    me = await must(await made[0].api("GET", "/me"), 200)
    await run_cli(env, "verify-body", str(me["organisation"]["id"]))
    return made


def challenge_body(title: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "title": title,
        "summary": "Residents report missed bin collections from tower blocks every week.",
        "problem": "Collections from high-rise blocks are missed because bin stores are blocked.",
        "outcomes": "Fewer missed collections and fewer complaints from residents.",
        "service_area": "waste",
        "location": "Soak Borough",
        "budget_gbp": 80_000,
        "opens_at": (now + timedelta(days=1)).isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
        "criteria": [
            {"name": "Understanding of the problem", "description": "", "weight": 40},
            {"name": "Method", "description": "", "weight": 35},
            {"name": "Value for money", "description": "", "weight": 25},
        ],
        "eligibility": [
            {"question": "Are you registered as a company in the UK?", "knockout_answer": False},
            {"question": "Have you been debarred from public contracts?", "knockout_answer": True},
        ],
    }


def proposal_body(challenge: dict[str, Any], title: str) -> dict[str, Any]:
    return {
        "title": title,
        "summary": "Fill sensors in bin stores tell crews which stores are blocked.",
        "approach": "Sensors report blocked bin stores to crews before they set off. " * 3,
        "impact": "A pilot in Leeds halved missed collections in six months.",
        "team": "An engineer, a data analyst and a former waste operations manager.",
        "cost_gbp": 40_000 + secrets.randbelow(20_000),
        "timeline": "Six months: two to install, four to run and report.",
        "eligibility_answers": [not q["knockout_answer"] for q in challenge["eligibility"]],
    }


@dataclass
class Arena:
    """What the load works on: open challenges, a panel to score, a shortlist to edit."""

    open_challenges: list[dict[str, Any]]
    officer: Client
    officer_email: str
    scoring_challenge: int
    scoring_proposals: list[int]
    criteria: list[str]
    reviewers: list[tuple[Client, str]]  # with each one's email
    shortlist_challenge: int
    shortlist_proposals: list[int]


async def _shortlisting_challenge(
    base_url: str, ledger: Ledger, officer: Client, startups: list[Client], title: str
) -> tuple[dict[str, Any], list[int]]:
    created = await must(await officer.api("POST", "/challenges", challenge_body(title)), 201)
    cid = created["id"]
    await must(await officer.api("POST", f"/challenges/{cid}/transitions", {"to": "open"}), 200)
    challenge = await must(await officer.api("GET", f"/challenges/{cid}"), 200)
    ids = []
    for n, startup in enumerate(startups):
        body = proposal_body(challenge, f"Bin store sensors {n} for {title}")
        proposal = await must(await startup.api("POST", f"/challenges/{cid}/proposals", body), 201)
        await must(await startup.api("POST", f"/proposals/{proposal['id']}/submit", {}), 200)
        ids.append(proposal["id"])
    for to in ("closed", "shortlisting"):
        await must(await officer.api("POST", f"/challenges/{cid}/transitions", {"to": to}), 200)
    return challenge, ids


async def build_arena(
    base_url: str, ledger: Ledger, env: dict[str, str], *, startups: int, reviewers: int
) -> Arena:
    officer, officer_email = await verified_officer(base_url, ledger, env)
    companies = []
    for _ in range(startups):
        company = await register(base_url, ledger, "startup_member")
        assert company is not None
        companies.append(company[0])
    scoring, scoring_ids = await _shortlisting_challenge(
        base_url, ledger, officer, companies, f"Soak scoring {secrets.token_hex(3)}"
    )
    shortlisting, shortlist_ids = await _shortlisting_challenge(
        base_url, ledger, officer, companies, f"Soak shortlist {secrets.token_hex(3)}"
    )
    panel = []
    for _ in range(reviewers):
        reviewer = await register(base_url, ledger, "reviewer")
        assert reviewer is not None
        client, email = reviewer
        await must(
            await officer.api("POST", f"/challenges/{scoring['id']}/panel", {"email": email}), 201
        )
        panel.append((client, email))
    await must(
        await officer.api(
            "PUT", f"/challenges/{scoring['id']}/shortlist", {"proposal_ids": scoring_ids}
        ),
        200,
    )
    for client, _ in panel:
        for pid in scoring_ids:
            await must(await client.api("PUT", f"/reviews/{pid}", {"conflict": False}), 200)
    for company in companies:
        await company.close()
    listed = await must(await officer.api("GET", "/challenges?per_page=100"), 200)
    return Arena(
        open_challenges=listed,
        officer=officer,
        officer_email=officer_email,
        scoring_challenge=scoring["id"],
        scoring_proposals=scoring_ids,
        criteria=[c["name"] for c in scoring["criteria"]],
        reviewers=panel,
        shortlist_challenge=shortlisting["id"],
        shortlist_proposals=shortlist_ids,
    )


# ------------------------------------------------------------------ the people


Stop = asyncio.Event


async def _pause(stop: Stop, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def browser(base_url: str, ledger: Ledger, arena: Arena, stop: Stop) -> None:
    """An anonymous visitor: the start page, the challenge list, searches, challenges."""
    client = Client(base_url, ledger)
    ids = [c["id"] for c in arena.open_challenges] or [arena.scoring_challenge]
    try:
        while not stop.is_set() and not ledger.exhausted():
            path = pick(
                [
                    "/",
                    "/challenges/",
                    f"/challenges/?q={pick(SEARCHES).replace(' ', '+')}",
                    f"/challenges/{pick(ids)}",
                    f"/api/v1/challenges?q={pick(SEARCHES).replace(' ', '+')}",
                    "/_status",
                ]
            )
            await client.request("GET", path)
            await _pause(stop, 0.02)
    finally:
        await client.close()


async def officer_browser(base_url: str, ledger: Ledger, arena: Arena, stop: Stop) -> None:
    """The officer reading the ranked list and the panel's results (signed in by form)."""
    client = Client(base_url, ledger)
    try:
        while not stop.is_set() and not await client.sign_in_form(arena.officer_email, PASSWORD):
            await _pause(stop, 0.5)
        pages = [
            f"/matches/challenges/{arena.scoring_challenge}",
            f"/panels/{arena.scoring_challenge}/results",
            f"/panels/{arena.shortlist_challenge}/shortlist",
        ]
        while not stop.is_set() and not ledger.exhausted():
            await client.request("GET", pick(pages))
            await _pause(stop, 0.05)
    finally:
        await client.close()


async def proposer(base_url: str, ledger: Ledger, arena: Arena, stop: Stop) -> None:
    """A start-up registers, proposes to open challenges and submits some proposals;
    then another start-up does the same."""
    while not stop.is_set() and not ledger.exhausted():
        made = await register(base_url, ledger, "startup_member", record=True)
        if made is None:
            await _pause(stop, 0.3)
            continue
        client, _ = made
        try:
            order = list(arena.open_challenges)
            for _ in range(len(order)):
                if stop.is_set() or ledger.exhausted():
                    break
                challenge = order.pop(secrets.randbelow(len(order)))
                title = f"Soak proposal {secrets.token_hex(4)}"
                body = proposal_body(challenge, title)
                write = Write(
                    "proposal",
                    {"title": title, "answers": len(body["eligibility_answers"])},
                )
                created = await client.api(
                    "POST", f"/challenges/{challenge['id']}/proposals", body, write=write
                )
                if created is not None and created.status_code == 201:
                    write.facts["id"] = created.json()["id"]
                    if chance(60):
                        pid = write.facts["id"]
                        await client.api(
                            "POST",
                            f"/proposals/{pid}/submit",
                            {},
                            write=Write("submit", {"id": pid}),
                        )
                await _pause(stop, 0.03)
        finally:
            await client.close()


async def scorer(
    ledger: Ledger, arena: Arena, reviewer: tuple[Client, str], stop: Stop, seconds: float
) -> None:
    """A panel member saving drafts and submitting each proposal's scores, spread over
    the leg; a submission that got no answer is tried again (a 409 then says it had
    been saved)."""
    client, email = reviewer
    queue = list(arena.scoring_proposals)
    pace = seconds / (len(queue) + 1)
    loop = asyncio.get_running_loop()
    tries: Counter[int] = Counter()
    while queue and not stop.is_set() and not ledger.exhausted():
        pid = queue.pop(0)
        due = loop.time() + pace
        while loop.time() < due and not stop.is_set():
            draft = [
                {"criterion": name, "score": secrets.randbelow(11), "comment": f"Draft on {name}."}
                for name in arena.criteria[: 1 + secrets.randbelow(len(arena.criteria))]
            ]
            await client.api("PUT", f"/reviews/{pid}", {"conflict": False, "scores": draft})
            await _pause(stop, 0.1)
        final = [
            {"criterion": name, "score": secrets.randbelow(11), "comment": f"Final on {name}."}
            for name in arena.criteria
        ]
        write = Write("score", {"proposal": pid, "email": email})
        response = await client.api(
            "PUT",
            f"/reviews/{pid}",
            {"conflict": False, "scores": final, "submit": True},
            write=write,
        )
        tries[pid] += 1
        if (response is None or response.status_code >= 500) and tries[pid] < 5:
            queue.append(pid)


async def shortlister(base_url: str, ledger: Ledger, arena: Arena, stop: Stop) -> None:
    """The officer changing the shortlist of the second challenge, again and again."""
    while not stop.is_set() and not ledger.exhausted():
        chosen = [p for p in arena.shortlist_proposals if chance(50)] or arena.shortlist_proposals[
            :1
        ]
        await arena.officer.api(
            "PUT",
            f"/challenges/{arena.shortlist_challenge}/shortlist",
            {"proposal_ids": chosen},
            write=Write("shortlist", {"challenge": arena.shortlist_challenge, "ids": chosen}),
        )
        await _pause(stop, 0.1)


async def run_people(
    base_url: str,
    ledger: Ledger,
    arena: Arena,
    stop: Stop,
    *,
    seconds: float,
    browsers: int,
    proposers: int,
    scoring: bool = True,
) -> list[asyncio.Task[None]]:
    """Start everyone; they run until ``stop`` is set."""
    jobs: list[Callable[[], Awaitable[None]]] = []
    jobs += [lambda: browser(base_url, ledger, arena, stop) for _ in range(browsers)]
    jobs += [lambda: proposer(base_url, ledger, arena, stop) for _ in range(proposers)]
    if scoring:
        jobs.append(lambda: officer_browser(base_url, ledger, arena, stop))
        jobs.append(lambda: shortlister(base_url, ledger, arena, stop))
        jobs += [
            (lambda r=r: scorer(ledger, arena, r, stop, seconds))  # type: ignore[misc]
            for r in arena.reviewers
        ]
    return [asyncio.create_task(job()) for job in jobs]
