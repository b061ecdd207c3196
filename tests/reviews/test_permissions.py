"""Who may use each endpoint and page of the reviews area: every role against own and other
organisation's challenges, other panels and conflicted members."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from tests.api.conftest import ApiClient
from tests.conftest import make_user, sign_in_as
from tests.reviews.conftest import Scene, api_as, make_scene
from urbanchallenge.accounts.models import Role
from urbanchallenge.reviews.models import ConflictDeclaration, PanelMember


def officer_endpoints(scene: Scene, spare_member_id: int) -> list[tuple[str, str, Any, int]]:
    """(method, path, body, status for an officer of the owning body)."""
    cid = scene.challenge.id
    ids = [p.id for p in scene.proposals]
    return [
        ("GET", f"/challenges/{cid}/panel", None, 200),
        ("POST", f"/challenges/{cid}/panel", {"email": "new.person@example.org"}, 201),
        ("PATCH", f"/challenges/{cid}/panel", {"blind_panel": False}, 200),
        ("GET", f"/challenges/{cid}/shortlist", None, 200),
        ("PUT", f"/challenges/{cid}/shortlist", {"proposal_ids": ids}, 200),
        ("GET", f"/challenges/{cid}/results", None, 200),
        # An empty reason: refused on its merits, so the caller got past the checks.
        ("POST", f"/challenges/{cid}/decision", {"awarded": [], "reason": ""}, 422),
        ("GET", f"/challenges/{cid}/audit", None, 200),
        ("DELETE", f"/challenges/{cid}/panel/{spare_member_id}", None, 204),
    ]


async def call(api: ApiClient, method: str, path: str, body: Any) -> int:
    return (await api.request(method, path, json=body)).status_code


async def test_officer_endpoints_answer_only_the_owning_bodys_officers(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=2, reviewers=1)
    spare = await make_user(Role.REVIEWER)
    spare_member = await PanelMember.create(
        challenge=scene.challenge, user=spare, created_at=datetime.now(UTC)
    )
    endpoints = officer_endpoints(scene, spare_member.id)
    owner = await api_as(client, scene.officer)
    colleague = await api_as(
        client, await make_user(Role.COUNCIL_OFFICER, organisation=await scene.officer.organisation)
    )
    other_body = await api_as(client, await make_user(Role.COUNCIL_OFFICER))
    startup = await api_as(client, scene.startups[0])
    panel_member = await api_as(client, scene.reviewers[0])
    anonymous = ApiClient(client)

    for method, path, body, _ in endpoints:
        assert await call(other_body, method, path, body) == 404, (method, path)
        assert await call(startup, method, path, body) == 403, (method, path)
        assert await call(panel_member, method, path, body) == 403, (method, path)
        assert await call(anonymous, method, path, body) == 401, (method, path)
    for number, (method, path, body, expected) in enumerate(endpoints):
        # Any officer of the owning body, not only the one who created the challenge.
        caller = owner if number % 2 else colleague
        assert await call(caller, method, path, body) == expected, (method, path)


async def test_review_endpoints_answer_only_members_of_that_panel(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=2, reviewers=2)
    other = await make_scene(proposals=1, reviewers=1)
    conflicted_member = scene.reviewers[1]
    await ConflictDeclaration.create(
        proposal=scene.proposals[0],
        member=conflicted_member,
        has_conflict=True,
        reason="Former employer.",
        declared_at=datetime.now(UTC),
    )
    pid = scene.proposals[0].id
    member = await api_as(client, scene.reviewers[0])
    conflicted = await api_as(client, conflicted_member)
    other_panel = await api_as(client, other.reviewers[0])
    officer = await api_as(client, scene.officer)
    startup = await api_as(client, scene.startups[0])
    anonymous = ApiClient(client)
    put_body = {"conflict": False, "scores": [{"criterion": scene.criteria[0].name, "score": 5}]}

    assert (await member.get(f"/reviews/{pid}")).status_code == 200
    assert (await member.put(f"/reviews/{pid}", put_body)).status_code == 200
    assert (await other_panel.get(f"/reviews/{pid}")).status_code == 404
    assert (await other_panel.put(f"/reviews/{pid}", put_body)).status_code == 404
    assert pid not in [a["proposal_id"] for a in (await other_panel.get("/reviews")).json()]
    assert (await conflicted.get(f"/reviews/{pid}")).status_code == 403
    assert (await conflicted.put(f"/reviews/{pid}", put_body)).status_code == 403
    for api in (officer, startup):
        assert (await api.get("/reviews")).status_code == 403
        assert (await api.get(f"/reviews/{pid}")).status_code == 403
        assert (await api.put(f"/reviews/{pid}", put_body)).status_code == 403
    assert (await anonymous.get("/reviews")).status_code == 401


async def test_outcome_endpoint_answers_only_the_proposals_start_up(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=2, reviewers=1)
    pid = scene.proposals[0].id
    path = f"/proposals/{pid}/outcome"
    assert (await (await api_as(client, scene.startups[0])).get(path)).status_code == 200
    assert (await (await api_as(client, scene.startups[1])).get(path)).status_code == 404
    assert (await (await api_as(client, scene.officer)).get(path)).status_code == 403
    assert (await (await api_as(client, scene.reviewers[0])).get(path)).status_code == 403
    assert (await ApiClient(client).get(path)).status_code == 401


def officer_pages(scene: Scene) -> list[str]:
    cid = scene.challenge.id
    return [
        f"/panels/{cid}",
        f"/panels/{cid}/shortlist",
        f"/panels/{cid}/results",
        f"/panels/{cid}/results.csv",
        f"/panels/{cid}/decision",
        f"/panels/{cid}/audit",
    ]


async def test_officer_pages_open_only_for_the_owning_body(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    pages = officer_pages(scene)
    for page in [*pages, "/panels/"]:
        response = await client.get(page)
        assert response.status_code == 303 and "/sign-in?next=" in response.headers["location"]
    for user, expected in [
        (await make_user(Role.COUNCIL_OFFICER), 404),
        (scene.startups[0], 403),
        (scene.reviewers[0], 403),
        (scene.officer, 200),
    ]:
        await sign_in_as(client, user)
        for page in pages:
            assert (await client.get(page)).status_code == expected, (user.role, page)
    index = await client.get("/panels/")
    assert scene.challenge.title in index.text


async def test_member_and_outcome_pages_follow_the_same_rules(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    other = await make_scene(proposals=1, reviewers=1)
    pid = scene.proposals[0].id
    member_pages = [f"/reviews/proposals/{pid}/conflict"]
    await sign_in_as(client, other.reviewers[0])
    for page in member_pages:
        assert (await client.get(page)).status_code == 404
    await sign_in_as(client, scene.officer)
    assert (await client.get("/reviews/")).status_code == 403
    assert (await client.get(f"/reviews/outcome/{pid}")).status_code == 403
    await sign_in_as(client, scene.reviewers[0])
    for page in member_pages:
        assert (await client.get(page)).status_code == 200
    assert (await client.get(f"/reviews/outcome/{pid}")).status_code == 403
    await sign_in_as(client, scene.startups[0])
    assert (await client.get(f"/reviews/outcome/{pid}")).status_code == 200
    assert (await client.get(f"/reviews/outcome/{other.proposals[0].id}")).status_code == 404
    assert (await client.get("/reviews/")).status_code == 403
