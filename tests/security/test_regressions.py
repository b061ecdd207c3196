"""Bugs the security suite found, each pinned by the smallest test that shows it fixed."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import csrf_token, make_user, sign_in_as
from tests.reviews.conftest import api_as, make_scene
from urbanchallenge.accounts.models import Role
from urbanchallenge.api.openapi import build_document
from urbanchallenge.api.routes import AREAS

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
