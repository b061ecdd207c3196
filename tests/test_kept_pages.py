"""Pages kept a few seconds (pagecache): the challenge list for visitors who are not signed
in, and an officer's ranked list for that officer's session alone."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tests.challenges.helpers import officer, opened
from tests.conftest import csrf_token, make_user, post_form, sign_in_as
from tests.ranking.factories import public_body
from tests.ranking.test_pages_and_api import scored_challenge
from tests.security.test_headers import check_inline_scripts
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.app import create_app
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.pagecache import KeptPages, kept_page
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.ranking import jobs, worker
from urbanchallenge.settings import Settings, load_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cached_app(make_settings, clock: Clock) -> Starlette:  # type: ignore[no-untyped-def]
    app = create_app(make_settings(page_cache_seconds=5.0), manage_database=False)
    pages = app.state.kept_pages
    assert isinstance(pages, KeptPages)
    pages.clock = clock
    return app


def browser(app: Starlette) -> httpx.AsyncClient:
    """A client of its own (cookies apart from every other) over HTTPS."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")


@pytest.fixture
async def visitor(cached_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(cached_app) as c:
        yield c


async def rename(challenge: Challenge, title: str) -> None:
    """Change the list behind the app's back, as another process would."""
    await Challenge.filter(id=challenge.id).update(title=title)


def nonce_of(response: httpx.Response) -> str:
    found = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])
    assert found
    return found.group(1)


async def test_a_visitor_gets_the_kept_page_until_its_seconds_run_out(
    visitor: httpx.AsyncClient, clock: Clock
) -> None:
    challenge = await opened(await officer(), title="Bus stop accessibility audit")
    first = await visitor.get("/challenges/")
    await rename(challenge, "Renamed by another process")

    clock.now += 4.9
    kept = await visitor.get("/challenges/")
    clock.now += 0.2
    fresh = await visitor.get("/challenges/")

    assert "Bus stop accessibility audit" in first.text
    assert kept.status_code == 200 and "Bus stop accessibility audit" in kept.text
    assert "Renamed by another process" in fresh.text


async def test_every_answer_has_its_own_nonce_in_its_header_and_its_scripts(
    visitor: httpx.AsyncClient,
) -> None:
    await opened(await officer())
    answers = [await visitor.get("/challenges/") for _ in range(3)]

    assert len({nonce_of(a) for a in answers}) == 3
    for answer in answers:
        check_inline_scripts(answer)
        assert f'nonce="{nonce_of(answer)}"' in answer.text


async def test_a_change_made_through_this_process_shows_at_once(
    visitor: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer(), title="Damp and mould reporting")
    assert "Damp and mould reporting" in (await visitor.get("/challenges/")).text
    await rename(challenge, "Mould, renamed")

    # Any request that may change something, here a refused sign-in.
    refused = await post_form(visitor, "/sign-in", {"email": "nobody@example.org", "password": "x"})

    assert refused.status_code != 303
    assert "Mould, renamed" in (await visitor.get("/challenges/")).text


async def test_signed_in_people_never_get_a_kept_page(
    cached_app: Starlette, visitor: httpx.AsyncClient
) -> None:
    challenge = await opened(await officer(), title="Fly-tipping hotspots")
    await visitor.get("/challenges/")  # kept for visitors
    await rename(challenge, "Fly-tipping, renamed")
    async with browser(cached_app) as member:
        # Signing in is a change, so sign in first and rename afterwards.
        await sign_in_as(member, await make_user(Role.STARTUP_MEMBER))
        await visitor.get("/challenges/")
        await rename(challenge, "Fly-tipping, renamed again")
        page = await member.get("/challenges/")

    assert "Fly-tipping, renamed again" in page.text
    assert "Your account" in page.text
    assert "Fly-tipping, renamed" in (await visitor.get("/challenges/")).text


async def test_each_address_is_kept_apart(visitor: httpx.AsyncClient) -> None:
    await opened(await officer(), title="Bus punctuality on the A38")
    await opened(await officer(), title="Home adaptations for older people")

    bus = await visitor.get("/challenges/?q=bus")
    homes = await visitor.get("/challenges/?q=adaptations")

    assert "Bus punctuality on the A38" in bus.text
    assert "Home adaptations" not in bus.text
    assert "Home adaptations for older people" in homes.text


async def test_errors_are_not_kept(visitor: httpx.AsyncClient, cached_app: Starlette) -> None:
    await visitor.get("/challenges/?page=abc")
    assert (await visitor.get("/challenges/nope")).status_code == 404
    assert all(key[2] == "/challenges/" for key in cached_app.state.kept_pages._pages)


def test_the_setting_is_on_for_five_seconds_unless_the_environment_says() -> None:
    base = {"SECRET_KEY": "k" * 40, "URBANCHALLENGE_ENV_FILE": "/dev/null"}
    assert load_settings(base).page_cache_seconds == 5.0
    off = load_settings({**base, "PAGE_CACHE_SECONDS": "0"})
    assert off.page_cache_seconds == 0
    assert create_app(off, manage_database=False).state.kept_pages is None
    assert Settings().page_cache_seconds == 0


def test_a_kept_page_written_after_a_change_began_is_not_used() -> None:
    clock = Clock()
    pages = KeptPages(5, clock=clock)
    key = ("https", "testserver", "/challenges/", "", "")
    generation, began = pages.generation, clock()
    pages.changed()  # a change landed while that page was being rendered
    pages.put(key, b"old nonce-abc", "abc", generation=generation, began=began)

    assert pages.get(key, "xyz") is None


def test_the_oldest_page_goes_when_there_are_too_many() -> None:
    pages = KeptPages(5, size=2, clock=Clock())
    for n in range(3):
        pages.put(("https", "h", f"/{n}", "", ""), b"page", "n", generation=0, began=1000.0)

    assert pages.get(("https", "h", "/0", "", ""), "n") is None
    assert pages.get(("https", "h", "/2", "", ""), "n") == b"page"


# ---------------------------------------------------------------- an officer's ranked list


def hidden_csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert found, "the page has no sign-out form"
    return found.group(1)


@pytest.fixture
async def ranked(cached_app: Starlette) -> AsyncIterator[tuple[str, httpx.AsyncClient, User]]:
    """A scored challenge's ranked list, and its officer signed in on the kept-pages app."""
    challenge, _good, _poor, owner = await scored_challenge()
    async with browser(cached_app) as client:
        await sign_in_as(client, owner)
        yield f"/matches/challenges/{challenge.id}", client, owner


async def rename_proposal(title: str, new: str) -> None:
    assert await Proposal.filter(title=title).update(title=new) == 1


async def test_an_officer_gets_their_kept_ranked_list_until_its_seconds_run_out(
    ranked: tuple[str, httpx.AsyncClient, User], clock: Clock
) -> None:
    path, officer_client, _ = ranked
    first = await officer_client.get(path)
    await rename_proposal("Resident chatbot", "Renamed by another process")
    clock.now += 4.9
    kept = await officer_client.get(path)
    clock.now += 0.2
    fresh = await officer_client.get(path)

    assert "Resident chatbot" in first.text
    assert kept.status_code == 200 and "Resident chatbot" in kept.text
    assert kept.headers["cache-control"] == "no-store"
    assert "Renamed by another process" in fresh.text


async def test_a_kept_ranked_list_is_never_given_to_another_session(
    ranked: tuple[str, httpx.AsyncClient, User], cached_app: Starlette
) -> None:
    path, officer_client, owner = ranked
    await officer_client.get(path)  # kept for this session
    colleague = await make_user(Role.COUNCIL_OFFICER, organisation=await owner.organisation)
    _, stranger = await public_body()
    async with (
        browser(cached_app) as same_body,
        browser(cached_app) as other_body,
        browser(cached_app) as visitor,
    ):
        await sign_in_as(same_body, colleague)
        await sign_in_as(other_body, stranger)
        await officer_client.get(path)  # kept again after those sign-ins
        await rename_proposal("Resident chatbot", "Renamed since it was kept")

        colleagues_page = await same_body.get(path)
        strangers_page = await other_body.get(path)
        visitors_page = await visitor.get(path)
        officers_page = await officer_client.get(path)

    assert "Renamed since it was kept" in colleagues_page.text  # rendered for them
    assert strangers_page.status_code == 404
    assert "Resident chatbot" not in strangers_page.text
    assert visitors_page.status_code == 303 and "/sign-in" in visitors_page.headers["location"]
    assert "Resident chatbot" in officers_page.text  # their own kept copy


async def test_a_kept_ranked_list_carries_this_answers_nonce_and_the_sessions_csrf_token(
    ranked: tuple[str, httpx.AsyncClient, User],
) -> None:
    path, officer_client, _ = ranked
    rendered = await officer_client.get(path)
    kept = await officer_client.get(path)
    token_before = csrf_token(officer_client)
    # The CSRF cookie is lost (cookies expire apart) while the session lives on: the kept
    # page must carry the new token the app sets, or signing out would fail.
    for name in ("__Host-csrftoken", "csrftoken"):
        officer_client.cookies.delete(name)
    after_loss = await officer_client.get(path)

    assert nonce_of(rendered) != nonce_of(kept) != nonce_of(after_loss)
    for answer in (rendered, kept, after_loss):
        check_inline_scripts(answer)
        assert f'nonce="{nonce_of(answer)}"' in answer.text
    assert hidden_csrf(kept) == hidden_csrf(rendered) == token_before
    assert hidden_csrf(after_loss) != hidden_csrf(rendered)
    assert hidden_csrf(after_loss) == csrf_token(officer_client)
    signed_out = await officer_client.post("/sign-out", data={"csrftoken": hidden_csrf(after_loss)})
    assert signed_out.status_code == 303


async def test_signing_out_or_losing_the_account_ends_a_kept_ranked_list_at_once(
    ranked: tuple[str, httpx.AsyncClient, User], cached_app: Starlette
) -> None:
    path, officer_client, owner = ranked
    assert (await officer_client.get(path)).status_code == 200  # kept
    async with browser(cached_app) as second:
        await sign_in_as(second, owner)
        assert (await second.get(path)).status_code == 200  # kept for this session too
        # The account is switched off behind the app's back (nothing through this process).
        await User.filter(id=owner.id).update(is_active=False)
        refused = await second.get(path)
    signed_out = await officer_client.get(path)

    assert refused.status_code == 303 and "/sign-in" in refused.headers["location"]
    assert signed_out.status_code == 303


async def test_the_matching_worker_drops_kept_pages_when_it_stores_new_scores(
    ranked: tuple[str, httpx.AsyncClient, User], cached_app: Starlette
) -> None:
    path, officer_client, _ = ranked
    before = await officer_client.get(path)
    await rename_proposal("Resident chatbot", "Renamed, then rescored")
    pages = cached_app.state.kept_pages
    background = worker.Worker(poll_interval=0.05, on_change=pages.changed)
    generation = pages.generation
    await jobs.request_challenge_rescore(int(path.rsplit("/", 1)[1]))
    background.start()
    try:
        for _ in range(200):
            if pages.generation != generation:
                break
            await asyncio.sleep(0.05)
    finally:
        await background.stop()
    after = await officer_client.get(path)

    assert "Resident chatbot" in before.text
    assert pages.generation != generation
    assert "Renamed, then rescored" in after.text


# ---------------------------------------------------------------- one render at a time


class Renders:
    """A page build that waits to be let go, counting how often it ran."""

    def __init__(self) -> None:
        self.count = 0
        self.go = asyncio.Event()
        self.text = "first"

    async def __call__(self) -> Response:
        self.count += 1
        text = self.text
        await self.go.wait()
        return HTMLResponse(f'<p>{text}</p><script nonce="{NONCE}"></script>')


NONCE = "nonce-of-the-render"


def visitor_request(pages: KeptPages, nonce: str) -> Request:
    app = Starlette()
    app.state.kept_pages = pages
    scope = {
        "type": "http",
        "app": app,
        "method": "GET",
        "scheme": "https",
        "server": ("testserver", 443),
        "path": "/challenges/",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "state": {"csp_nonce": nonce},
    }
    return Request(scope)


async def kept(pages: KeptPages, build: Renders, nonce: str = NONCE) -> str:
    response = await kept_page(visitor_request(pages, nonce), build)
    return bytes(response.body).decode()


async def test_a_rush_for_a_page_that_ran_out_gets_the_old_copy_while_one_renders_it(
    clock: Clock,
) -> None:
    pages, build = KeptPages(5, clock=clock), Renders()
    build.go.set()
    assert "first" in await kept(pages, build)
    clock.now += 5.5
    build.go.clear()
    build.text = "second"

    renderer = asyncio.create_task(kept(pages, build))
    await asyncio.sleep(0)  # it starts rendering
    waiting = [asyncio.create_task(kept(pages, build, nonce=f"n{i}")) for i in range(5)]
    await asyncio.sleep(0.01)
    answered_meanwhile = all(task.done() for task in waiting)
    build.go.set()
    fresh = await renderer
    rush = [await task for task in waiting]

    assert answered_meanwhile
    assert build.count == 2
    assert all("first" in page for page in rush)
    assert [f'nonce="n{i}"' in page for i, page in enumerate(rush)] == [True] * 5
    assert "second" in fresh
    assert "second" in await kept(pages, build)


async def test_after_a_change_the_rush_waits_for_the_new_page_instead(clock: Clock) -> None:
    pages, build = KeptPages(5, clock=clock), Renders()
    build.go.set()
    await kept(pages, build)
    pages.changed()
    build.go.clear()
    build.text = "after the change"

    renderer = asyncio.create_task(kept(pages, build))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(kept(pages, build, nonce=f"n{i}")) for i in range(5)]
    await asyncio.sleep(0.01)
    assert not any(task.done() for task in waiting)
    build.go.set()
    pages_seen = [await renderer, *[await task for task in waiting]]

    assert build.count == 2  # the first render and the one after the change
    assert all("after the change" in page for page in pages_seen)


async def test_a_copy_older_than_twice_its_seconds_is_never_given(clock: Clock) -> None:
    pages, build = KeptPages(5, clock=clock), Renders()
    build.go.set()
    await kept(pages, build)
    clock.now += 10.0
    build.go.clear()
    build.text = "new"

    renderer = asyncio.create_task(kept(pages, build))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(kept(pages, build, nonce="late"))
    await asyncio.sleep(0.01)
    assert not waiter.done()
    build.go.set()

    assert "new" in await renderer and "new" in await waiter
    assert build.count == 2


async def test_a_worker_run_that_fails_part_way_still_drops_kept_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Some jobs may have stored their scores before the failure."""
    changes: list[int] = []

    async def fails(limit: int | None = None) -> int:
        raise OSError("the database went away after the first job")

    monkeypatch.setattr(worker, "run_pending", fails)
    background = worker.Worker(poll_interval=0.05, on_change=lambda: changes.append(1))
    background.start()
    try:
        for _ in range(100):
            if changes:
                break
            await asyncio.sleep(0.01)
    finally:
        await background.stop()

    assert changes
