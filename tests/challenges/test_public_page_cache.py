"""The challenge list kept a few seconds for visitors who are not signed in (pagecache)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.challenges.helpers import officer, opened
from tests.conftest import make_user, post_form, sign_in_as
from tests.security.test_headers import check_inline_scripts
from urbanchallenge.accounts.models import Role
from urbanchallenge.app import create_app
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.pagecache import PublicPages
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
    app = create_app(make_settings(public_page_cache_seconds=5.0), manage_database=False)
    pages = app.state.public_pages
    assert isinstance(pages, PublicPages)
    pages.clock = clock
    return app


@pytest.fixture
async def visitor(cached_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=cached_app), base_url="https://testserver"
    ) as c:
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
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=cached_app), base_url="https://testserver"
    ) as member:
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
    assert all(key[2] == "/challenges/" for key in cached_app.state.public_pages._pages)


def test_the_setting_is_on_for_five_seconds_unless_the_environment_says() -> None:
    base = {"SECRET_KEY": "k" * 40, "URBANCHALLENGE_ENV_FILE": "/dev/null"}
    assert load_settings(base).public_page_cache_seconds == 5.0
    off = load_settings({**base, "PUBLIC_PAGE_CACHE_SECONDS": "0"})
    assert off.public_page_cache_seconds == 0
    assert create_app(off, manage_database=False).state.public_pages is None
    assert Settings().public_page_cache_seconds == 0


def test_a_kept_page_written_after_a_change_began_is_not_used() -> None:
    clock = Clock()
    pages = PublicPages(5, clock=clock)
    key = ("https", "testserver", "/challenges/", "")
    generation, began = pages.generation, clock()
    pages.changed()  # a change landed while that page was being rendered
    pages.put(key, b"old nonce-abc", "abc", generation=generation, began=began)

    assert pages.get(key, "xyz") is None


def test_the_oldest_page_goes_when_there_are_too_many() -> None:
    pages = PublicPages(5, size=2, clock=Clock())
    for n in range(3):
        pages.put(("https", "h", f"/{n}", ""), b"page", "n", generation=0, began=1000.0)

    assert pages.get(("https", "h", "/0", ""), "n") is None
    assert pages.get(("https", "h", "/2", ""), "n") == b"page"
