"""Who may do what: every role, for their own organisation's objects and another's.

One world per case: a public body with an open challenge and a draft, a start-up with
a submitted proposal to the open challenge, and one of everyone else. Another
organisation's object is 404 (it is never confirmed to exist); a wrong role is 403;
no token is 401 in the API and a trip to sign in on pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from tests.api.conftest import ApiClient
from tests.challenges.helpers import api_client, draft, officer, opened
from tests.conftest import make_user, sign_in_as
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.proposals import services as proposals

ACTORS = [
    "anonymous",
    "officer_own",
    "officer_other",
    "startup_own",
    "startup_other",
    "reviewer",
    "admin",
]


@dataclass
class World:
    users: dict[str, User]
    open_id: int
    draft_id: int
    proposal_id: int


async def build_world() -> World:
    owner = await officer()
    startup = await make_user(Role.STARTUP_MEMBER)
    challenge = await opened(owner)
    unpublished = await draft(owner, title="Unpublished draft")
    proposal = await proposals.start(
        startup,
        challenge.id,
        {
            "title": "Corridor analytics",
            "summary": "S",
            "approach": "A",
            "impact": "I",
            "team": "T",
            "cost_gbp": 1000,
            "timeline": "L",
            "eligibility_answers": [True, False],
        },
    )
    await proposals.submit(startup, proposal.id)
    users = {
        "officer_own": await make_user(Role.COUNCIL_OFFICER, organisation=await owner.organisation),
        "officer_other": await officer(),
        "startup_own": await make_user(
            Role.STARTUP_MEMBER, organisation=await startup.organisation
        ),
        "startup_other": await make_user(Role.STARTUP_MEMBER),
        "reviewer": await make_user(Role.REVIEWER),
        "admin": await make_user(Role.ADMIN),
    }
    return World(users, challenge.id, unpublished.id, proposal.id)


def expect(default: int, **by_actor: int) -> dict[str, int]:
    return {actor: by_actor.get(actor, default) for actor in ACTORS}


# (method, path, body, expected status by actor). Requests that change things come last.
def api_matrix(w: World) -> list[tuple[str, str, object, dict[str, int]]]:
    c, d, p = w.open_id, w.draft_id, w.proposal_id
    officer_only = {"anonymous": 401, "officer_other": 404}
    return [
        ("GET", "/challenges", None, expect(200)),
        (
            "GET",
            "/challenges?status=draft",
            None,
            expect(403, anonymous=401, officer_own=200, officer_other=200),
        ),
        ("GET", f"/challenges/{c}", None, expect(200)),
        ("GET", f"/challenges/{d}", None, expect(404, officer_own=200)),
        ("GET", f"/challenges/{c}/proposals", None, expect(403, officer_own=200, **officer_only)),
        ("GET", "/proposals", None, expect(403, anonymous=401, startup_own=200, startup_other=200)),
        (
            "GET",
            f"/proposals/{p}",
            None,
            expect(
                403,
                anonymous=401,
                officer_own=200,
                officer_other=404,
                startup_own=200,
                startup_other=404,
            ),
        ),
        (
            "PATCH",
            f"/challenges/{d}",
            {"summary": "Clearer"},
            expect(403, officer_own=200, **officer_only),
        ),
        (
            "PATCH",
            f"/challenges/{c}",
            {"summary": "Clearer"},
            expect(403, officer_own=409, **officer_only),
        ),
        (
            "POST",
            f"/challenges/{d}/transitions",
            {"to": "closed"},
            expect(403, officer_own=409, **officer_only),
        ),
        (
            "POST",
            f"/challenges/{c}/clarifications",
            {"text": "Note"},
            expect(403, officer_own=201, **officer_only),
        ),
        (
            "PATCH",
            f"/proposals/{p}",
            {"cost_gbp": 900},
            expect(403, anonymous=401, startup_own=200, startup_other=404),
        ),
        (
            "POST",
            f"/proposals/{p}/submit",
            None,
            expect(403, anonymous=401, startup_own=409, startup_other=404),
        ),
        (
            "POST",
            f"/challenges/{c}/proposals",
            {"title": "Ours"},
            expect(403, anonymous=401, startup_own=409, startup_other=201),
        ),
        (
            "POST",
            f"/proposals/{p}/withdraw",
            None,
            expect(403, anonymous=401, startup_own=200, startup_other=404),
        ),
        (
            "POST",
            f"/proposals/{p}/reopen",
            None,
            expect(403, anonymous=401, startup_own=200, startup_other=404),
        ),
        (
            "POST",
            "/challenges",
            {"title": "x"},
            expect(403, anonymous=401, officer_own=422, officer_other=422),
        ),
    ]


@pytest.mark.parametrize("actor", ACTORS)
async def test_the_api_permission_matrix(client: httpx.AsyncClient, actor: str) -> None:
    world = await build_world()
    api = (
        ApiClient(client) if actor == "anonymous" else await api_client(client, world.users[actor])
    )

    got, wanted = {}, {}
    for method, path, body, expected in api_matrix(world):
        response = await api.request(method, path, json=body)
        got[f"{method} {path}"] = response.status_code
        wanted[f"{method} {path}"] = expected[actor]

    assert got == wanted


# (path, expected status by actor) for pages; 303 is the trip to sign in.
def page_matrix(w: World) -> list[tuple[str, dict[str, int]]]:
    c, d, p = w.open_id, w.draft_id, w.proposal_id
    officer_page = {"anonymous": 303, "officer_own": 200, "officer_other": 404}
    startup_page = {"anonymous": 303, "startup_own": 200, "startup_other": 404}
    return [
        ("/challenges/", expect(200)),
        (f"/challenges/{c}", expect(200)),
        (f"/challenges/{d}", expect(404, officer_own=200)),
        ("/challenges/yours", expect(403, anonymous=303, officer_own=200, officer_other=200)),
        ("/challenges/new", expect(403, anonymous=303, officer_own=200, officer_other=200)),
        (f"/challenges/{d}/edit", expect(403, **officer_page)),
        (f"/challenges/{d}/publish", expect(403, **officer_page)),
        (f"/challenges/{c}/close", expect(403, **officer_page)),
        (f"/challenges/{c}/withdraw", expect(403, **officer_page)),
        (f"/challenges/{c}/clarifications/new", expect(403, **officer_page)),
        ("/proposals/", expect(403, anonymous=303, startup_own=200, startup_other=200)),
        (
            f"/proposals/new?challenge={c}",
            expect(403, anonymous=303, startup_own=303, startup_other=200),
        ),
        (
            f"/proposals/new?challenge={d}",
            expect(403, anonymous=303, startup_own=404, startup_other=404),
        ),
        (
            f"/proposals/{p}",
            expect(
                403,
                anonymous=303,
                officer_own=200,
                officer_other=404,
                startup_own=200,
                startup_other=404,
            ),
        ),
        (f"/proposals/{p}/edit", expect(403, **startup_page)),
        (f"/proposals/{p}/withdraw", expect(403, **startup_page)),
    ]


@pytest.mark.parametrize("actor", ACTORS)
async def test_the_page_permission_matrix(client: httpx.AsyncClient, actor: str) -> None:
    world = await build_world()
    if actor != "anonymous":
        await sign_in_as(client, world.users[actor])

    got, wanted = {}, {}
    for path, expected in page_matrix(world):
        response = await client.get(path)
        got[path] = response.status_code
        wanted[path] = expected[actor]
        if response.status_code == 303 and actor == "anonymous":
            assert response.headers["location"].startswith("/sign-in?next="), path

    assert got == wanted
