"""The officer picks a shortlist of submitted proposals; the matcher's score is only an aid."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tests.conftest import make_user, post_form, sign_in_as
from tests.reviews.conftest import api_as, make_challenge, make_proposal, make_scene, score_directly
from urbanchallenge.accounts.models import Role
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.ranking.models import MatchScore
from urbanchallenge.reviews.models import ShortlistEntry


async def shortlisted(challenge_id: int) -> set[int]:
    return set(
        await ShortlistEntry.filter(challenge_id=challenge_id).values_list("proposal_id", flat=True)
    )


async def test_the_shortlist_page_lists_submitted_proposals_with_the_matchers_score_as_an_aid(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=3, shortlist=False)
    first, second, unranked = scene.proposals
    for proposal, score, rank in ((second, 0.61, 1), (first, 0.42, 2)):
        await MatchScore.create(
            challenge=scene.challenge,
            proposal=proposal,
            score=score,
            rank=rank,
            terms=[],
            model_version="test",
            computed_at=datetime.now(UTC),
        )
    draft, _ = await make_proposal(scene.challenge, title="Unsubmitted draft idea", submitted=False)
    knocked, _ = await make_proposal(scene.challenge, title="Overseas supplier", eligible=False)
    await sign_in_as(client, scene.officer)

    page = await client.get(f"/panels/{scene.challenge.id}/shortlist")

    html = page.text
    assert page.status_code == 200
    assert "an aid to reading, never the decision" in html
    assert "Match score 0.61, ranked 1 of 2" in html
    assert "Match score 0.42, ranked 2 of 2" in html
    assert "Not ranked yet" in html
    assert html.index(second.title) < html.index(first.title) < html.index(unranked.title)
    assert draft.title not in html
    # Knocked out: listed with the reason, but no checkbox to pick it.
    assert "Overseas supplier" in html and "Are you registered in the UK?" in html
    assert f'value="{knocked.id}"' not in html


async def test_saving_the_shortlist_replaces_it_and_is_audited(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=3, shortlist=False)
    a, b, c = scene.proposals
    await sign_in_as(client, scene.officer)
    path = f"/panels/{scene.challenge.id}/shortlist"

    await client.get(path)
    token = client.cookies.get("__Host-csrftoken") or client.cookies.get("csrftoken")
    first = await client.post(
        path, data={"csrftoken": token, "proposal_ids": [str(a.id), str(b.id)]}
    )
    assert first.status_code == 303
    assert "The shortlist has been saved" in (await client.get(first.headers["location"])).text
    second = await client.post(
        path, data={"csrftoken": token, "proposal_ids": [str(b.id), str(c.id)]}
    )
    assert second.status_code == 303

    assert await shortlisted(scene.challenge.id) == {b.id, c.id}
    events = await AuditEvent.filter(action="shortlist.updated").order_by("id")
    assert [e.details["proposal_ids"] for e in events] == [
        sorted([a.id, b.id]),
        sorted([b.id, c.id]),
    ]
    assert events[1].details["added"] == [c.id] and events[1].details["removed"] == [a.id]
    assert events[1].actor_id == scene.officer.id


async def test_drafts_ineligible_and_other_challenges_proposals_cannot_be_shortlisted(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=2, shortlist=False)
    draft, _ = await make_proposal(scene.challenge, title="Half-written", submitted=False)
    knocked, _ = await make_proposal(scene.challenge, title="Knocked out", eligible=False)
    withdrawn, _ = await make_proposal(scene.challenge, title="Changed our mind", withdrawn=True)
    elsewhere = await make_challenge(scene.officer, title="Another challenge")
    foreign, _ = await make_proposal(elsewhere)
    api = await api_as(client, scene.officer)
    path = f"/challenges/{scene.challenge.id}/shortlist"
    assert (await api.put(path, {"proposal_ids": [scene.proposals[0].id]})).status_code == 200

    for bad, message in [
        (draft.id, "has not been submitted"),
        (knocked.id, "is not eligible: answered"),
        (withdrawn.id, "has been withdrawn"),
        (foreign.id, "is not a proposal to this challenge"),
        (999_999, "is not a proposal to this challenge"),
    ]:
        response = await api.put(path, {"proposal_ids": [scene.proposals[1].id, bad]})
        assert response.status_code == 422, message
        assert response.json()["errors"][0]["field"] == "proposal_ids"
        assert message in response.json()["errors"][0]["message"]
    # Nothing half-saved: the first shortlist stands.
    assert await shortlisted(scene.challenge.id) == {scene.proposals[0].id}
    for body in ({}, {"proposal_ids": "1"}, {"proposal_ids": [0]}):
        assert (await api.put(path, body)).status_code == 422


async def test_the_shortlist_page_shows_errors_and_keeps_the_choice(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=2, shortlist=False)
    draft, _ = await make_proposal(scene.challenge, title="Half-written", submitted=False)
    await sign_in_as(client, scene.officer)

    response = await post_form(
        client, f"/panels/{scene.challenge.id}/shortlist", {"proposal_ids": str(draft.id)}
    )
    nonsense = await post_form(
        client, f"/panels/{scene.challenge.id}/shortlist", {"proposal_ids": "abc"}
    )

    assert response.status_code == 400
    assert "Half-written" in response.text and "has not been submitted" in response.text
    assert 'href="#proposal_ids"' in response.text
    assert nonsense.status_code == 400
    assert await shortlisted(scene.challenge.id) == set()


async def test_a_proposal_with_submitted_scores_stays_on_the_shortlist(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=3)
    scored, drafted, untouched = scene.proposals
    await score_directly(scene, scene.reviewers[0], scored, [5, 6, 7])
    await score_directly(scene, scene.reviewers[0], drafted, [5, 6, 7], submitted=False)
    api = await api_as(client, scene.officer)
    path = f"/challenges/{scene.challenge.id}/shortlist"

    refused = await api.put(path, {"proposal_ids": [drafted.id, untouched.id]})
    allowed = await api.put(path, {"proposal_ids": [scored.id, untouched.id]})

    assert refused.status_code == 409
    assert scored.title in refused.json()["detail"]
    assert allowed.status_code == 200
    assert set(allowed.json()["proposal_ids"]) == {scored.id, untouched.id}
    assert (await api.get(path)).json()["proposal_ids"] == allowed.json()["proposal_ids"]


async def test_the_shortlist_changes_only_while_shortlisting(client: httpx.AsyncClient) -> None:
    officer = await make_user(Role.COUNCIL_OFFICER)
    api = await api_as(client, officer)
    for stage in (Status.OPEN, Status.CLOSED, Status.WITHDRAWN):
        challenge = await make_challenge(officer, stage=stage)
        response = await api.put(f"/challenges/{challenge.id}/shortlist", {"proposal_ids": []})
        assert response.status_code == 409, stage
