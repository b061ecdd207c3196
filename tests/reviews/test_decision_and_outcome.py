"""The officer decides; every start-up sees its outcome and a feedback letter."""

from __future__ import annotations

import httpx

from tests.conftest import csrf_token, make_user, post_form, sign_in_as
from tests.reviews.conftest import (
    Scene,
    api_as,
    make_challenge,
    make_proposal,
    make_scene,
    score_directly,
)
from tests.reviews.test_results_pages import CONFLICT_REASON, scored_scene
from urbanchallenge.accounts.models import Role
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import Challenge, Outcome
from urbanchallenge.proposals.models import Proposal

REASON = "The sensor pilot offered the clearest evidence at the lowest cost."


async def test_the_officer_decides_through_the_form_a_check_page_and_a_confirmation(
    client: httpx.AsyncClient,
) -> None:
    scene = await scored_scene()
    winner = scene.proposals[2]
    await sign_in_as(client, scene.officer)
    path = f"/panels/{scene.challenge.id}/decision"

    empty = await post_form(client, path, {})
    assert empty.status_code == 400
    assert 'href="#awarded"' in empty.text and 'href="#reason"' in empty.text
    both = await post_form(client, path, {"awarded": "none", "reason": REASON})
    await client.get(path)
    token = csrf_token(client)
    both = await client.post(
        path, data={"csrftoken": token, "awarded": [str(winner.id), "none"], "reason": REASON}
    )
    assert both.status_code == 400 and "not both" in both.text
    assert REASON in both.text  # what was typed is kept

    check = await client.post(
        path, data={"csrftoken": token, "awarded": [str(winner.id)], "reason": REASON}
    )
    assert check.status_code == 200
    assert "Check your decision" in check.text and winner.title in check.text
    assert lifecycle.status_of(await Challenge.get(id=scene.challenge.id)) is Status.SHORTLISTING
    change = await client.post(
        path,
        data={"csrftoken": token, "awarded": [str(winner.id)], "reason": REASON, "change": "1"},
    )
    assert change.status_code == 200 and "Reason for your decision" in change.text
    assert REASON in change.text

    confirmed = await client.post(
        f"{path}/confirm", data={"csrftoken": token, "awarded": [str(winner.id)], "reason": REASON}
    )
    assert confirmed.status_code == 303
    done = await client.get(confirmed.headers["location"])
    assert "Decision recorded" in done.text and REASON in done.text

    challenge = await Challenge.get(id=scene.challenge.id)
    assert lifecycle.status_of(challenge) is Status.DECIDED
    assert challenge.outcome is Outcome.AWARDED and challenge.decision_reason == REASON
    awarded = await Proposal.filter(challenge=challenge, awarded_at__isnull=False)
    assert [p.id for p in awarded] == [winner.id]
    event = await AuditEvent.get(action="challenge.decided")
    assert event.details == {"outcome": "awarded", "awarded": [winner.id]}
    assert event.actor_id == scene.officer.id


async def test_bad_decisions_are_refused_with_nothing_saved(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=2)
    outsider, _ = await make_proposal(scene.challenge, title="Not on the shortlist")
    api = await api_as(client, scene.officer)
    path = f"/challenges/{scene.challenge.id}/decision"

    for body, field, message in [
        ({"awarded": [], "reason": "   "}, "reason", "Enter the reason"),
        ({"awarded": [outsider.id], "reason": REASON}, "awarded", "Not on the shortlist"),
        ({"awarded": [987_654], "reason": REASON}, "awarded", "not on the shortlist"),
        ({"awarded": [scene.proposals[0].id]}, "reason", "required"),
        ({"awarded": "all", "reason": REASON}, "awarded", "array"),
    ]:
        response = await api.post(path, body)
        assert response.status_code == 422, body
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert message in errors[field], errors
    challenge = await Challenge.get(id=scene.challenge.id)
    assert challenge.decided_at is None and challenge.outcome is None
    assert not await Proposal.filter(awarded_at__isnull=False).exists()
    assert not await AuditEvent.filter(action="challenge.decided").exists()


async def test_deciding_to_award_nothing_and_deciding_twice(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=2)
    api = await api_as(client, scene.officer)
    path = f"/challenges/{scene.challenge.id}/decision"

    none = await api.post(path, {"awarded": [], "reason": "None met the brief on cost."})
    again = await api.post(path, {"awarded": [scene.proposals[0].id], "reason": REASON})

    assert none.status_code == 200
    assert none.json()["outcome"] == "not_awarded" and none.json()["awarded"] == []
    assert none.json()["status"] == "decided" and none.json()["decided_at"]
    assert again.status_code == 409
    assert (await Challenge.get(id=scene.challenge.id)).outcome is Outcome.NOT_AWARDED


async def test_only_a_shortlisting_challenge_can_be_decided(client: httpx.AsyncClient) -> None:
    officer = await make_user(Role.COUNCIL_OFFICER)
    api = await api_as(client, officer)
    for stage in (Status.OPEN, Status.CLOSED, Status.WITHDRAWN):
        challenge = await make_challenge(officer, stage=stage)
        response = await api.post(
            f"/challenges/{challenge.id}/decision", {"awarded": [], "reason": REASON}
        )
        assert response.status_code == 409, stage


async def decided_scene(client: httpx.AsyncClient) -> tuple[Scene, Proposal, Proposal]:
    """Scored, with proposal 2 awarded, plus one submitted proposal never shortlisted."""
    scene = await scored_scene()
    extra, member = await make_proposal(scene.challenge, title="Never shortlisted")
    scene.startups.append(member)
    api = await api_as(client, scene.officer)
    response = await api.post(
        f"/challenges/{scene.challenge.id}/decision",
        {"awarded": [scene.proposals[2].id], "reason": REASON},
    )
    assert response.status_code == 200, response.text
    return scene, scene.proposals[2], extra


async def test_outcomes_are_pending_until_the_decision(client: httpx.AsyncClient) -> None:
    scene = await scored_scene()
    api = await api_as(client, scene.startups[0])
    response = await api.get(f"/proposals/{scene.proposals[0].id}/outcome")
    assert response.status_code == 200
    assert response.json()["outcome"] == "pending" and response.json()["feedback"] is None
    assert response.json()["criteria"] == []
    await sign_in_as(client, scene.startups[0])
    page = await client.get(f"/reviews/outcome/{scene.proposals[0].id}")
    assert "Decision pending" in page.text and "has not decided yet" in page.text


async def test_the_awarded_start_up_gets_a_letter_built_from_the_panels_comments(
    client: httpx.AsyncClient,
) -> None:
    scene, winner, _ = await decided_scene(client)
    api = await api_as(client, scene.startups[2])

    body = (await api.get(f"/proposals/{winner.id}/outcome")).json()

    assert body["outcome"] == "awarded" and body["reason"] == "awarded"
    assert body["decision_reason"] == REASON
    letter = body["feedback"]
    assert "decided to award your proposal" in letter and REASON in letter
    first = scene.criteria[0]
    # Scores 9, 6 and 8 on the first criterion: average 7.7 out of 10.
    assert body["criteria"][0]["criterion"] == first.name
    assert body["criteria"][0]["average_score"] == 7.7
    assert len(body["criteria"][0]["comments"]) == 3
    assert f"{first.name} (40% of the total): average score 7.7 out of 10" in letter
    # 81.5, 51.5 and 80 average 71.
    assert body["overall_score"] == 71.0
    for reviewer in scene.reviewers:
        assert reviewer.name not in letter and reviewer.email not in letter
    assert "Reviewer" not in letter and "Member 1" not in letter


async def test_a_shortlisted_start_up_that_lost_never_sees_conflicted_members_comments(
    client: httpx.AsyncClient,
) -> None:
    scene, _, _ = await decided_scene(client)
    api = await api_as(client, scene.startups[0])

    body = (await api.get(f"/proposals/{scene.proposals[0].id}/outcome")).json()

    assert body["outcome"] == "not_awarded" and body["reason"] == "not_awarded"
    assert "decided not to award it" in body["feedback"]
    assert "2 panel members scored your proposal" in body["feedback"]
    assert "Stray comment" not in body["feedback"] and CONFLICT_REASON not in body["feedback"]
    assert all("Stray" not in c for crit in body["criteria"] for c in crit["comments"])
    await sign_in_as(client, scene.startups[0])
    page = await client.get(f"/reviews/outcome/{scene.proposals[0].id}")
    assert "Not awarded" in page.text and "Stray comment" not in page.text
    assert "Reviewer 3" not in page.text


async def test_a_proposal_never_shortlisted_gets_a_not_shortlisted_letter(
    client: httpx.AsyncClient,
) -> None:
    scene, _, extra = await decided_scene(client)
    api = await api_as(client, scene.startups[-1])

    body = (await api.get(f"/proposals/{extra.id}/outcome")).json()

    assert body["outcome"] == "not_awarded" and body["reason"] == "not_shortlisted"
    assert body["shortlisted"] is False and body["criteria"] == []
    assert "was not shortlisted" in body["feedback"] and REASON in body["feedback"]


async def test_withdrawn_proposals_and_withdrawn_challenges_say_so(
    client: httpx.AsyncClient,
) -> None:
    officer = await make_user(Role.COUNCIL_OFFICER)
    open_challenge = await make_challenge(officer, stage=Status.OPEN)
    gone, startup = await make_proposal(open_challenge, withdrawn=True)
    api = await api_as(client, startup)
    body = (await api.get(f"/proposals/{gone.id}/outcome")).json()
    assert body["outcome"] == "not_awarded" and body["reason"] == "withdrawn"
    assert "You withdrew this proposal" in body["feedback"]

    pulled = await make_challenge(officer, stage=Status.OPEN)
    kept, other = await make_proposal(pulled)
    changed = lifecycle.transition(pulled, Status.WITHDRAWN)
    await pulled.save(update_fields=changed)
    body = (await (await api_as(client, other)).get(f"/proposals/{kept.id}/outcome")).json()
    assert body["reason"] == "challenge_withdrawn" and "withdrew this challenge" in body["feedback"]


async def test_outcomes_belong_to_the_start_up_that_wrote_the_proposal(
    client: httpx.AsyncClient,
) -> None:
    scene, winner, _ = await decided_scene(client)
    rival = await api_as(client, scene.startups[0])
    officer = await api_as(client, scene.officer)
    reviewer = await api_as(client, scene.reviewers[0])

    assert (await rival.get(f"/proposals/{winner.id}/outcome")).status_code == 404
    assert (await rival.get("/proposals/999999/outcome")).status_code == 404
    assert (await officer.get(f"/proposals/{winner.id}/outcome")).status_code == 403
    assert (await reviewer.get(f"/proposals/{winner.id}/outcome")).status_code == 403
    await sign_in_as(client, scene.startups[0])
    assert (await client.get(f"/reviews/outcome/{winner.id}")).status_code == 404


async def test_the_awarded_start_ups_page_shows_the_confirmation_and_scores(
    client: httpx.AsyncClient,
) -> None:
    scene, winner, _ = await decided_scene(client)
    await sign_in_as(client, scene.startups[2])
    page = await client.get(f"/reviews/outcome/{winner.id}")
    assert page.status_code == 200
    assert "Proposal awarded" in page.text and "Your feedback letter" in page.text
    assert "average weighted total was 71 out of 100" in page.text


async def test_scores_directly_helper_matches_the_service_totals(db: str) -> None:
    # Guard for the helpers above: a score set stored directly is complete and submitted.
    scene = await make_scene(proposals=1, reviewers=1)
    await score_directly(scene, scene.reviewers[0], scene.proposals[0], [1, 2, 3])
    from urbanchallenge.reviews.decisions import submitted_reviews

    reviews = await submitted_reviews(scene.challenge.id, [scene.proposals[0].id])
    assert [r.total for r in reviews] == [(1 * 40 + 2 * 35 + 3 * 25) / 10]
