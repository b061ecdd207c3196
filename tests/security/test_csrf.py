"""Every form post on every page needs its CSRF token, and nothing is saved without one.

The state-changing routes come from the app's router (tests/security/routes.py); each
is tried as a user it is meant for, with the body from the access matrix that would
succeed: first with the token (it succeeds, and is rolled back), then without it,
with a wrong one and with an Authorization header in its place - each refused with
403 and not one row changed. The form guard's field limit is checked on each too,
and a signed-out session is checked to open none of the pages it opened before.
"""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import Tortoise

from tests.security.conftest import Caller
from tests.security.routes import page_posts
from tests.security.test_access_matrix import SIGN_IN, TABLE, Case, _app
from tests.security.world import ACTORS, Actor, World
from urbanchallenge.accounts.services import start_session

POSTS = page_posts(_app())
VOLATILE = {"last_seen_at", "last_used_at"}  # touched by reading, at most once a minute


async def fingerprint() -> list[tuple[str, list[str]]]:
    """Every row of every table, as text (minus the timestamps that reading refreshes)."""
    rows = []
    for app in Tortoise.apps.values():
        for name, model in sorted(app.items()):
            values = await model.all().values()
            rows.append(
                (
                    name,
                    sorted(
                        repr(sorted((k, v) for k, v in row.items() if k not in VOLATILE))
                        for row in values
                    ),
                )
            )
    return rows


def _allowed(case: Case) -> tuple[str, int]:
    """An actor this case is meant for, and the status it then gets."""
    for actor in ACTORS:
        wanted = case.expect[actor]
        if not isinstance(wanted, int) or wanted >= 400:
            continue
        # Anonymous only for routes that are the same for everyone (sign-in, register).
        if actor != "anonymous" or all(case.expect[a] == wanted for a in ACTORS):
            return actor, wanted
    raise AssertionError(f"no actor may use {case}")


def _form(world: World, case: Case) -> dict[str, Any]:
    return dict(case.body(world)) if case.body is not None else {}


def test_every_page_post_is_checked() -> None:
    assert len(POSTS) >= 25
    for key in POSTS:
        assert key in TABLE, key


@pytest.mark.parametrize("key", POSTS, ids=lambda k: f"{k[0]} {k[1]}")
async def test_a_post_without_a_valid_token_is_refused_and_saves_nothing(
    caller: Caller, world: World, key: tuple[str, str]
) -> None:
    case = TABLE[key][0]
    actor_name, success = _allowed(case)
    actor = world.actors[actor_name]
    url = case.url(world)
    form = _form(world, case)

    control = await caller.isolated(actor, "POST", url, form=form)
    assert control.status_code == success, control.text[:300]

    before = await fingerprint()
    attempts = {
        "no token": await caller.request(actor, "POST", url, form=form, csrf=False),
        "a wrong token": await caller.request(
            actor, "POST", url, form={**form, "csrftoken": caller.csrf[:-4] + "AAAA"}, csrf=False
        ),
        "a token from another browser": await caller.request(
            actor, "POST", url, form={**form, "csrftoken": "IjEyMyI.forged"}, csrf=False
        ),
    }
    if actor.token:
        headers = caller.headers(actor, url) | {"authorization": f"Bearer {actor.token}"}
        attempts["a Bearer token instead"] = await caller.http.post(url, data=form, headers=headers)
        caller.http.cookies.clear()
    else:
        # Login CSRF: a visitor with no cookies at all is protected too.
        attempts["no cookies at all"] = await caller.http.post(url, data=form)
        caller.http.cookies.clear()
    for what, response in attempts.items():
        assert response.status_code == 403, (what, response.status_code)
        assert "This form has expired or was not sent from this service" in response.text, what
        assert "govuk-template" in response.text, what
    assert await fingerprint() == before


@pytest.mark.parametrize("key", POSTS, ids=lambda k: f"{k[0]} {k[1]}")
async def test_a_form_with_too_many_fields_is_refused_before_anything_reads_it(
    caller: Caller, world: World, key: tuple[str, str]
) -> None:
    case = TABLE[key][0]
    actor_name, _ = _allowed(case)
    form = _form(world, case)
    form.update({f"extra{n}": "x" for n in range(world.settings.max_form_fields + 1)})
    before = await fingerprint()
    response = await caller.request(world.actors[actor_name], "POST", case.url(world), form=form)
    assert response.status_code == 400
    assert "The form had too many fields." in response.text
    assert await fingerprint() == before


async def test_a_signed_out_session_opens_no_page_it_opened_before(
    caller: Caller, world: World
) -> None:
    """Sign-out ends the session on the server: replaying its cookie reaches nothing."""
    for name in ACTORS[1:]:
        user = world.user(name)
        session = await start_session(user, world.settings, "127.0.0.1", "tests")
        holder = Actor(name, user, session)
        pages = [
            case.url(world)
            for (method, path), cases in TABLE.items()
            if method == "GET" and not path.startswith(("/api/", "/assets/"))
            for case in cases
            if case.expect["anonymous"] == SIGN_IN and case.expect[name] == 200
        ]
        assert pages
        for url in pages:
            assert (await caller.request(holder, "GET", url)).status_code == 200, url
        signed_out = await caller.request(holder, "POST", "/sign-out")
        assert signed_out.status_code == 303
        for url in pages:
            response = await caller.request(holder, "GET", url)
            assert response.status_code == 303, url
            assert response.headers["location"].startswith("/sign-in?next="), url
