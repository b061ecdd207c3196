"""Bugs the security suite found, each pinned by the smallest test that shows it fixed."""

from __future__ import annotations

import httpx
import pytest

from tests.challenges.helpers import api_body
from tests.challenges.test_challenge_pages import form as challenge_form
from tests.conftest import csrf_token, make_user, post_form, sign_in_as
from tests.reviews.conftest import api_as, make_scene
from urbanchallenge.accounts.models import Role
from urbanchallenge.api.openapi import build_document
from urbanchallenge.api.routes import AREAS
from urbanchallenge.reviews import scoring
from urbanchallenge.validation import whole_number

BEYOND = ["2147483648", "99999999999999999999999999"]


@pytest.mark.parametrize("number", BEYOND)
async def test_an_id_beyond_any_tables_range_is_not_found_rather_than_a_failure(
    client: httpx.AsyncClient, number: str
) -> None:
    """Found by fuzzing: {id:int} matched any digits and the query itself failed (500)."""
    await sign_in_as(client, await make_user(Role.COUNCIL_OFFICER))
    await client.get("/challenges/new")
    token = csrf_token(client)
    for method, path in [
        ("GET", f"/challenges/{number}"),
        ("GET", f"/panels/{number}/results.csv"),
        ("POST", f"/challenges/{number}/close"),
        ("GET", f"/api/v1/challenges/{number}"),
        ("GET", f"/api/v1/challenges/{number}/audit"),
        ("GET", f"/reviews/outcome/{number}"),
    ]:
        data = {"csrftoken": token} if method == "POST" else None
        response = await client.request(method, path, data=data)
        assert response.status_code == 404, (method, path)
    page = await client.get(f"/proposals/{number}")
    assert "Page not found" in page.text
    api = await client.get(f"/api/v1/proposals/{number}")
    assert api.headers["content-type"] == "application/problem+json"


async def test_the_largest_possible_id_is_still_looked_up(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/challenges/2147483647")).status_code == 404
    assert (await client.get("/api/v1/challenges/0")).status_code == 404


def test_the_api_document_says_a_wrong_password_at_tokens_is_401() -> None:
    """Found by fuzzing: POST /tokens answered 401, which its document did not list."""
    responses = build_document(AREAS)["paths"]["/api/v1/tokens"]["post"]["responses"]
    assert responses["401"]["description"] == "The email address or password is not correct"
    assert set(responses) == {"201", "400", "401", "422", "429"}


async def test_an_id_in_a_json_body_beyond_any_tables_range_is_refused_as_invalid(
    client: httpx.AsyncClient,
) -> None:
    """Found by fuzzing: on PostgreSQL such an id failed inside the query (500)."""
    scene = await make_scene(proposals=1, reviewers=1)
    cid, pid = scene.challenge.id, scene.proposals[0].id
    officer = await api_as(client, scene.officer)
    member = await api_as(client, scene.reviewers[0])
    startup = await api_as(client, scene.startups[0])
    huge = 2**31
    for api, method, path, body, field in [
        (
            officer,
            "PUT",
            f"/challenges/{cid}/shortlist",
            {"proposal_ids": [huge]},
            "proposal_ids.0",
        ),
        (
            officer,
            "POST",
            f"/challenges/{cid}/decision",
            {"awarded": [huge], "reason": "Best."},
            "awarded.0",
        ),
        (
            member,
            "PUT",
            f"/reviews/{pid}",
            {"conflict": False, "scores": [{"criterion": huge, "score": 5}]},
            "scores.0.criterion",
        ),
        (
            startup,
            "PATCH",
            f"/proposals/{pid}",
            {"eligibility_answers": [{"question_id": huge, "answer": True}]},
            "eligibility_answers.0",
        ),
    ]:
        response = await api.request(method, path, json=body)
        assert response.status_code == 422, (path, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()


# str.isdigit() says yes to each of these (superscript two, Arabic-Indic three, fullwidth
# one); int() refuses the first and reads the others
LOOKALIKE_DIGITS = ["\u00b2", "\u0663", "\uff11"]
HUGE = "9" * 25


@pytest.mark.parametrize("typed", [*LOOKALIKE_DIGITS, HUGE])
async def test_numbers_typed_in_other_digits_or_past_any_range_get_a_clear_answer(
    client: httpx.AsyncClient, typed: str
) -> None:
    """Found reading the code: several places checked str.isdigit() and then called int()
    (a 500 for '²'), and a date's day or month went to datetime() unbounded (OverflowError)."""
    listing = await client.get("/challenges/", params={"body": typed, "page": typed})
    assert listing.status_code == 200

    await sign_in_as(client, await make_user(Role.STARTUP_MEMBER))
    start = await client.get("/proposals/new", params={"challenge": typed})
    assert start.status_code == 303

    await sign_in_as(client, await make_user(Role.REVIEWER))
    assert (await client.get("/reviews/", params={"joined": typed})).status_code == 200

    officer = await make_user(Role.COUNCIL_OFFICER)
    await sign_in_as(client, officer)
    for changes in (
        {"criteria-0-weight": typed},
        {"opens_at-day": typed},
        {"closes_at-month": typed},
        {"criteria_rows": typed, "action": "add_criterion"},
    ):
        posted = await post_form(client, "/challenges/new", challenge_form(**changes))
        assert posted.status_code in {200, 400}, (changes, posted.status_code)
    api = await api_as(client, officer)
    bad_weight = api_body(criteria=[{"name": "Fit", "weight": typed}])
    created = await api.post("/challenges", bad_weight)
    assert created.status_code == 422, created.text


@pytest.mark.parametrize("typed", LOOKALIKE_DIGITS)
def test_a_score_or_criterion_in_other_digits_is_refused_not_a_failure(typed: str) -> None:
    assert scoring._parse_score(typed) == "must be a whole number from 0 to 10"
    assert scoring._parse_score("-" + typed) == "must be a whole number from 0 to 10"
    assert scoring._find_criterion([], typed) is None


def test_whole_numbers_are_ascii_digits_within_the_length_asked() -> None:
    assert [whole_number(t) for t in ("0", "42", "000000123", "123456789")] == [
        0,
        42,
        123,
        123456789,
    ]
    for text in ("", " 1", "-1", "1.5", "1234567890", *LOOKALIKE_DIGITS):
        assert whole_number(text) is None, text
    assert whole_number("1234", 3) is None and whole_number("123", 3) == 123
