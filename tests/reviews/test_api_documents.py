"""Every reviews endpoint answers exactly what the OpenAPI document says it does."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.api.conftest import ApiClient
from tests.conftest import make_user
from tests.reviews.conftest import api_as, make_scene
from urbanchallenge.accounts.models import Role
from urbanchallenge.api.core import schema_errors
from urbanchallenge.reviews.api import api as reviews_api


def check(method: str, path: str, response: httpx.Response) -> Any:
    """Validate the body against the declared response schema of the matching operation."""
    for op in reviews_api.operations:
        pattern = "^" + re.sub(r"\{\w+:int\}", r"\\d+", op.path) + "$"
        if op.method == method and re.match(pattern, path):
            assert response.status_code in op.responses, (method, path, response.text)
            schema = op.responses[response.status_code][1]
            if schema is None:
                assert response.content == b""
                return None
            body = response.json()
            assert schema_errors(schema, body) == [], (method, path, body)
            return body
    raise AssertionError(f"no operation for {method} {path}")


async def send(api: ApiClient, method: str, path: str, body: Any = None) -> Any:
    response = await api.request(method, path, json=body)
    return check(method, path, response)


async def test_a_whole_review_matches_the_documented_schemas(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=3, reviewers=0, shortlist=False)
    officer = await api_as(client, scene.officer)
    reviewers = [await make_user(Role.REVIEWER) for _ in range(3)]
    cid = scene.challenge.id
    ids = [p.id for p in scene.proposals]

    for reviewer in reviewers:
        await send(officer, "POST", f"/challenges/{cid}/panel", {"email": reviewer.email})
    await send(officer, "POST", f"/challenges/{cid}/panel", {"email": "new@example.org"})
    await send(officer, "PATCH", f"/challenges/{cid}/panel", {"blind_panel": True})
    panel = await send(officer, "GET", f"/challenges/{cid}/panel")
    assert len(panel["members"]) == 3 and len(panel["invitations"]) == 1
    await send(officer, "PUT", f"/challenges/{cid}/shortlist", {"proposal_ids": ids})
    await send(officer, "GET", f"/challenges/{cid}/shortlist")

    for number, reviewer in enumerate(reviewers):
        member = await api_as(client, reviewer)
        listing = await send(member, "GET", "/reviews")
        assert len(listing) == 3
        for offset, pid in enumerate(ids):
            if number == 2 and offset == 0:
                await send(
                    member,
                    "PUT",
                    f"/reviews/{pid}",
                    {"conflict": True, "conflict_reason": "Ex-employer."},
                )
                continue
            scores = [
                {"criterion": c.name, "score": (number + offset * 3) % 11, "comment": "Reasoned."}
                for c in scene.criteria
            ]
            await send(member, "PUT", f"/reviews/{pid}", {"conflict": False, "scores": scores})
            await send(member, "GET", f"/reviews/{pid}")
            await send(member, "PUT", f"/reviews/{pid}", {"conflict": False, "submit": True})
        await send(member, "GET", "/reviews")

    results = await send(officer, "GET", f"/challenges/{cid}/results")
    assert [r["reviews"] for r in results] == [2, 3, 3]
    await send(
        officer, "POST", f"/challenges/{cid}/decision", {"awarded": ids[1:2], "reason": "Best."}
    )
    await send(officer, "GET", f"/challenges/{cid}/audit")
    for startup, pid in zip(scene.startups, ids, strict=True):
        await send(await api_as(client, startup), "GET", f"/proposals/{pid}/outcome")
    spare = await make_scene(proposals=1, reviewers=1)
    member_id = (
        await send(
            await api_as(client, spare.officer), "GET", f"/challenges/{spare.challenge.id}/panel"
        )
    )["members"][0]["member_id"]
    await send(
        await api_as(client, spare.officer),
        "DELETE",
        f"/challenges/{spare.challenge.id}/panel/{member_id}",
    )


async def test_the_openapi_document_lists_every_reviews_endpoint(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/openapi.json")).json()
    paths = document["paths"]
    for path, methods in {
        "/challenges/{id}/panel": {"get", "post", "patch"},
        "/challenges/{id}/panel/{member_id}": {"delete"},
        "/challenges/{id}/shortlist": {"get", "put"},
        "/reviews": {"get"},
        "/reviews/{proposal_id}": {"get", "put"},
        "/challenges/{id}/results": {"get"},
        "/challenges/{id}/decision": {"post"},
        "/proposals/{id}/outcome": {"get"},
        "/challenges/{id}/audit": {"get"},
    }.items():
        assert methods <= set(paths["/api/v1" + path]), path
