"""Every challenge and proposal endpoint answers exactly what the OpenAPI document says."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.api.conftest import ApiClient
from tests.challenges.helpers import api_body, api_client, officer
from tests.conftest import make_user
from urbanchallenge.accounts.models import Role
from urbanchallenge.api.core import Operation, schema_errors
from urbanchallenge.api.schema import PROBLEM
from urbanchallenge.challenges.api import api as challenges_api
from urbanchallenge.proposals.api import api as proposals_api

OPERATIONS: list[Operation] = [*challenges_api.operations, *proposals_api.operations]


def check(method: str, path: str, response: httpx.Response) -> Any:
    """The body must match the schema declared for its status (or be a problem)."""
    bare = path.split("?", 1)[0]
    for op in OPERATIONS:
        pattern = "^" + re.sub(r"\{\w+:int\}", r"\\d+", op.path) + "$"
        if op.method == method and re.match(pattern, bare):
            body = response.json()
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
                assert schema_errors(PROBLEM, body) == [], body
                return body
            assert response.status_code in op.responses, (method, path, response.text)
            schema = op.responses[response.status_code][1]
            assert schema is not None
            assert schema_errors(schema, body) == [], (method, path, body)
            return body
    raise AssertionError(f"no operation for {method} {path}")


async def send(api: ApiClient, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    response = await api.request(method, path, json=body)
    assert response.status_code == status, (method, path, response.text)
    return check(method, path, response)


async def test_a_whole_journey_matches_the_documented_schemas(client: httpx.AsyncClient) -> None:
    body = await api_client(client, await officer())
    startup = await api_client(client, await make_user(Role.STARTUP_MEMBER))
    anonymous = ApiClient(client)

    created = await send(body, "POST", "/challenges", api_body(), 201)
    cid = created["id"]
    await send(body, "PATCH", f"/challenges/{cid}", {"location": "Birmingham"})
    await send(body, "GET", "/challenges?status=draft")
    await send(body, "POST", f"/challenges/{cid}/transitions", {"to": "closed"}, 409)
    await send(body, "POST", f"/challenges/{cid}/transitions", {"to": "open"})
    await send(anonymous, "GET", f"/challenges/{cid}")
    await send(anonymous, "GET", "/challenges?q=bus&service_area=transport&closing_soon=false")
    await send(body, "POST", f"/challenges/{cid}/clarifications", {"text": "More data."}, 201)

    proposal = await send(startup, "POST", f"/challenges/{cid}/proposals", {"title": "Idea"}, 201)
    pid = proposal["id"]
    await send(startup, "POST", f"/proposals/{pid}/submit", None, 422)
    await send(
        startup,
        "PATCH",
        f"/proposals/{pid}",
        {
            "summary": "S",
            "approach": "A",
            "impact": "I",
            "team": "T",
            "cost_gbp": 5000,
            "timeline": "L",
            "eligibility_answers": [True, True],
        },
    )
    submitted = await send(startup, "POST", f"/proposals/{pid}/submit")
    assert submitted["eligible"] is False
    await send(startup, "GET", "/proposals")
    await send(body, "GET", f"/proposals/{pid}")
    await send(body, "GET", f"/challenges/{cid}/proposals")
    await send(startup, "POST", f"/proposals/{pid}/withdraw")
    await send(startup, "POST", f"/proposals/{pid}/reopen")

    await send(body, "POST", f"/challenges/{cid}/transitions", {"to": "closed"})
    await send(body, "POST", f"/challenges/{cid}/transitions", {"to": "shortlisting"})
    await send(body, "POST", f"/challenges/{cid}/transitions", {"to": "withdrawn"})
    final = await send(anonymous, "GET", f"/challenges/{cid}")
    assert final["status"] == "withdrawn"


async def test_the_openapi_document_lists_every_challenge_and_proposal_endpoint(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/api/openapi.json")).json()

    for op in OPERATIONS:
        path = "/api/v1" + op.openapi_path
        assert op.method.lower() in document["paths"][path], (op.method, path)
    listing = document["paths"]["/api/v1/challenges"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"status", "service_area", "q"}
    assert "security" in listing  # a token is optional here, for officers' own drafts
