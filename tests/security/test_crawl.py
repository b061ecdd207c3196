"""Every page and endpoint, as everyone: no leaked proposal, no unescaped markup, the
headers and the form tokens on every response.

Each proposal's text fields carry their own canary word (tests/security/world.py). The
crawl requests every GET route of the router and the API (tests/security/routes.py)
with every object of the world in its path, as every kind of user, and checks every
body - pages, JSON, the CSV export, error pages - for canary words that user may not
see (:func:`may_see`), for a blind panel's start-up name, and for markup that reached
a page unescaped. The searches (the challenge list's ``q`` and the API's ``q``) are
asked for every canary word and must find nothing: search covers challenges only.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest

from tests.security.conftest import Caller
from tests.security.routes import all_routes, params
from tests.security.test_access_matrix import _app
from tests.security.test_headers import (
    check_cookies,
    check_inline_scripts,
    check_security_headers,
)
from tests.security.world import BLIND_IDENTITY, RAW_MARKUP, Actor, World, may_see

STATUSES = ("draft", "open", "closed", "shortlisting", "decided", "withdrawn")
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def _ids_for(path: str, name: str, world: World) -> list[object]:
    challenges = [c.id for c in world.challenges.values()]
    proposals = [i.proposal.id for i in world.items.values()]
    if name == "challenge_id":
        return challenges
    if name == "proposal_id":
        return proposals
    if name == "id":
        if re.match(r"^(/api/v1)?/proposals/", path):
            return proposals
        return challenges
    if name == "token":
        return [world.invitation_token, "not-a-real-invitation"]
    if name == "kind":
        return ["start-up", "public-body", "neither"]
    if name == "path":
        return ["stylesheets/application.css", "manifest.json", "javascripts/application.js"]
    raise AssertionError(f"no values for {{{name}}} in {path}")


def crawl_urls(world: World) -> list[str]:
    """Every GET route with every fitting object of the world in its path."""
    urls: set[str] = set()
    for method, path in sorted(all_routes(_app())):
        if method != "GET":
            continue
        names = params(path)
        if "member_id" in names:
            # Each panel's own members, and every member asked for under another panel.
            for (challenge_key, _actor), member in world.members.items():
                for key in {challenge_key, "a_short", "b_short"}:
                    urls.add(
                        path.replace("{challenge_id:int}", str(world.cid(key))).replace(
                            "{member_id:int}", str(member.id)
                        )
                    )
            continue
        expanded = [path]
        for name in names:
            expanded = [
                re.sub(r"\{" + name + r"(?::\w+)?\}", str(value), url)
                for url in expanded
                for value in _ids_for(path, name, world)
            ]
        urls.update(expanded)
    for challenge in world.challenges.values():
        urls.add(f"/proposals/new?challenge={challenge.id}")
    for status in STATUSES:
        urls.add(f"/api/v1/challenges?status={status}")
    return sorted(urls)


@dataclass
class Report:
    requests: int = 0
    urls: int = 0
    leaks: list[str] = field(default_factory=list)
    identity: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)


def _inspect(
    report: Report, world: World, caller: Caller, viewer: Actor, r: httpx.Response
) -> None:
    where = f"{viewer.name}: GET {r.request.url.raw_path.decode()} -> {r.status_code}"
    report.requests += 1
    report.statuses[r.status_code] += 1
    body = r.text
    if r.status_code >= 500:
        report.errors.append(where)
    for item in world.items.values():
        for field_name, word in item.canaries.items():
            if word not in body:
                continue
            if may_see(world, viewer, item, field_name):
                report.seen.add((item.key, field_name))
            else:
                report.leaks.append(f"{where}: {item.key}.{field_name}")
    if viewer.name == "r_blind":
        report.identity += [f"{where}: {term}" for term in BLIND_IDENTITY if term in body]
    is_html = "text/html" in r.headers.get("content-type", "")
    if is_html:
        report.markup += [f"{where}: {raw}" for raw in RAW_MARKUP if raw in body]
        for form in POST_FORM.findall(body):
            if f'<input type="hidden" name="csrftoken" value="{caller.csrf}">' not in form:
                report.forms.append(where)
    try:
        check_security_headers(r)
        check_inline_scripts(r)
        check_cookies(r, world.settings.session_cookie_name)
    except AssertionError as exc:
        report.headers.append(f"{where}: {exc}")


# Who is shown what is decided by the same ORM filters on both databases, so the
# PostgreSQL leg crawls as the viewers with the most rules around them (another start-up,
# a conflicted member, a blind panel's member), and as everyone with SECURITY_CRAWL_FULL=1
# (make soak). The SQLite leg always crawls as everyone.
POSTGRES_VIEWERS = ("s2", "r_conflicted", "r_blind")


def crawl_viewers(world: World) -> dict[str, Actor]:
    everyone = world.viewers()
    full = os.environ.get("SECURITY_CRAWL_FULL", "") not in {"", "0", "false", "no"}
    if full or world.settings.database_url.startswith("sqlite"):
        return everyone
    return {name: everyone[name] for name in POSTGRES_VIEWERS}


@pytest.fixture(scope="module")
async def report(caller: Caller, world: World) -> Report:
    found = Report()
    urls = crawl_urls(world)
    found.urls = len(urls)
    for viewer in crawl_viewers(world).values():
        for url in urls:
            _inspect(found, world, caller, viewer, await caller.request(viewer, "GET", url))
    return found


def test_the_crawl_reaches_every_object_as_everyone(report: Report, world: World) -> None:
    assert report.urls > 300
    assert report.requests == report.urls * len(crawl_viewers(world))
    # Each kind of answer was met, so each kind of body was searched.
    for status in (200, 303, 308, 403, 404, 409):
        assert report.statuses[status] > 0, (status, report.statuses)


def test_no_proposal_text_reaches_anyone_who_may_not_see_it(report: Report) -> None:
    assert not report.leaks, "\n".join(report.leaks[:40])


def test_the_canaries_are_shown_to_those_who_may_see_them(report: Report, world: World) -> None:
    """Without this the leak check could pass because the words were never rendered."""
    viewers = crawl_viewers(world).values()
    shown = {
        (item.key, f)
        for item in world.items.values()
        for f in item.canaries
        if any(may_see(world, viewer, item, f) for viewer in viewers)
    }
    assert len(shown) >= 30
    assert shown - report.seen == set()


def test_a_blind_panels_member_never_learns_the_start_ups_name(report: Report) -> None:
    assert not report.identity, "\n".join(report.identity[:40])


def test_markup_that_people_typed_reaches_pages_escaped(report: Report) -> None:
    assert not report.markup, "\n".join(report.markup[:40])


def test_every_response_carries_the_security_headers_and_safe_cookies(report: Report) -> None:
    assert not report.headers, "\n".join(report.headers[:20])


def test_every_form_on_every_page_carries_the_csrf_token(report: Report) -> None:
    assert not report.forms, "\n".join(report.forms[:40])


def test_no_page_or_endpoint_fails_for_anyone(report: Report) -> None:
    assert not report.errors, "\n".join(report.errors[:40])


async def test_search_finds_challenges_but_never_reaches_into_proposals(
    caller: Caller, world: World
) -> None:
    """Both searches rank challenges only: a proposal's words find nothing, for anyone."""
    anonymous = world.actors["anonymous"]
    found = await caller.request(anonymous, "GET", "/api/v1/challenges?q=tipton")
    assert [c["id"] for c in found.json()] == [world.cid("a_open")]
    page = await caller.request(anonymous, "GET", "/challenges/?q=Tipton")
    assert "1 open challenge" in page.text
    for item in world.items.values():
        for word in item.canaries.values():
            api = await caller.request(anonymous, "GET", f"/api/v1/challenges?q={word}")
            assert api.status_code == 200 and api.json() == [], word
            assert api.headers["x-total-count"] == "0"
        html = await caller.request(anonymous, "GET", f"/challenges/?q={item.canaries['title']}")
        assert "No open challenges" in html.text, item.key
    # An officer searching their own body's challenges in any status finds none either.
    word = world.items["short_s1"].canaries["approach"]
    for officer in ("officer_a", "officer_b"):
        for status in STATUSES:
            own = await caller.request(
                world.actors[officer], "GET", f"/api/v1/challenges?status={status}&q={word}"
            )
            assert own.status_code == 200 and own.json() == [], (officer, status)
