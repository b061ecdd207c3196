"""The proposals API driven as an external client: draft, change, submit, withdraw, reopen."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import ApiClient
from tests.challenges.helpers import api_client, closed, now, officer, opened
from tests.challenges.helpers import draft as draft_challenge
from tests.conftest import make_user
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.api.core import schema_errors
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges.models import Challenge, EligibilityQuestion
from urbanchallenge.proposals import services
from urbanchallenge.proposals.api import PROPOSAL
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking.models import MatchJob

COMPLETE = {
    "title": "Corridor delay analytics",
    "summary": "We join AVL, signal and roadworks data to find where buses lose time.",
    "approach": "Segment-level running time analysis over 12 months of AVL data.",
    "impact": "On the A38 we cut 90th percentile journey times by 12%.",
    "team": "Two data scientists and a former bus operations manager.",
    "cost_gbp": 95000,
    "timeline": "Twelve weeks: four of data work, six of analysis, two to hand over.",
    # UK company: yes (knock-out is no); debarred: no (knock-out is yes).
    "eligibility_answers": [True, False],
}


async def startup() -> User:
    return await make_user(Role.STARTUP_MEMBER)


async def test_a_start_up_drafts_submits_and_the_body_sees_it(client: httpx.AsyncClient) -> None:
    body_officer = await officer()
    challenge = await opened(body_officer)
    member = await startup()
    api = await api_client(client, member)

    created = await api.post(f"/challenges/{challenge.id}/proposals", COMPLETE)

    assert created.status_code == 201, created.text
    draft = created.json()
    assert schema_errors(PROPOSAL, draft) == []
    assert draft["status"] == "draft" and draft["submitted_at"] is None
    assert draft["eligible"] is True and draft["knocked_out"] == []
    assert [a["answer"] for a in draft["eligibility_answers"]] == [True, False]
    officer_api = await api_client(client, body_officer)
    assert (await officer_api.get(f"/proposals/{draft['id']}")).status_code == 404

    submitted = await api.post(f"/proposals/{draft['id']}/submit")

    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] is not None
    seen = await officer_api.get(f"/proposals/{draft['id']}")
    assert seen.status_code == 200
    assert seen.json()["organisation"]["id"] == member.organisation_id
    listed = await officer_api.get(f"/challenges/{challenge.id}/proposals")
    assert [p["id"] for p in listed.json()] == [draft["id"]]
    actions = [e.action for e in await AuditEvent.filter(subject_type="proposal").order_by("id")]
    assert actions == ["proposal.created", "proposal.submitted"]
    jobs = {(j.kind, j.target_id) for j in await MatchJob.all()}
    assert ("challenge", challenge.id) in jobs and ("startup", member.organisation_id) in jobs


async def test_answers_can_be_sent_as_question_ids(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    questions = await EligibilityQuestion.filter(challenge_id=challenge.id).order_by("position")
    api = await api_client(client, await startup())

    created = await api.post(
        f"/challenges/{challenge.id}/proposals",
        {
            "title": "Partial",
            "eligibility_answers": [{"question_id": questions[1].id, "answer": True}],
        },
    )

    assert created.status_code == 201, created.text
    assert created.json()["eligibility_answers"] == [
        {"question_id": questions[1].id, "question": questions[1].question, "answer": True}
    ]
    assert created.json()["knocked_out"] == [questions[1].id]
    assert created.json()["eligible"] is False


async def test_a_draft_needs_only_a_title_but_submitting_needs_everything(
    client: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer())
    api = await api_client(client, await startup())
    created = await api.post(f"/challenges/{challenge.id}/proposals", {"title": "Just an idea"})
    assert created.status_code == 201
    assert created.json()["cost_gbp"] is None

    refused = await api.post(f"/proposals/{created.json()['id']}/submit")

    assert refused.status_code == 422
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields == [
        "summary",
        "approach",
        "impact",
        "team",
        "timeline",
        "cost_gbp",
        "eligibility_answers.0",
        "eligibility_answers.1",
    ]
    assert (await Proposal.get(id=created.json()["id"])).submitted_at is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"cost_gbp": 0}, "cost_gbp"),
        ({"cost_gbp": "a lot"}, "cost_gbp"),
        ({"summary": "x" * 601}, "summary"),
        ({"eligibility_answers": [True]}, "eligibility_answers"),
        (
            {"eligibility_answers": [{"question_id": 999999, "answer": True}]},
            "eligibility_answers.0.question_id",
        ),
        ({"eligibility_answers": ["yes"]}, "eligibility_answers.0"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_a_bad_proposal_gets_a_422_and_nothing_is_saved(
    client: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    challenge = await opened(await officer())
    api = await api_client(client, await startup())

    response = await api.post(f"/challenges/{challenge.id}/proposals", {**COMPLETE, **changes})

    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await Proposal.all().count() == 0
    assert await EligibilityAnswer.all().count() == 0


async def test_a_second_proposal_to_the_same_challenge_points_to_the_first(
    client: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer())
    member = await startup()
    colleague = await make_user(Role.STARTUP_MEMBER, organisation=await member.organisation)
    first = await (await api_client(client, member)).post(
        f"/challenges/{challenge.id}/proposals", COMPLETE
    )

    second = await (await api_client(client, colleague)).post(
        f"/challenges/{challenge.id}/proposals", COMPLETE
    )

    assert second.status_code == 409
    assert f"/proposals/{first.json()['id']}" in second.json()["detail"]
    assert await Proposal.all().count() == 1


async def test_two_creates_at_once_leave_one_proposal(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    member = await startup()

    results = await asyncio.gather(
        services.start(member, challenge.id, {"title": "First"}),
        services.start(member, challenge.id, {"title": "Second"}),
        return_exceptions=True,
    )

    created = [r for r in results if isinstance(r, Proposal)]
    refused = [r for r in results if isinstance(r, services.AlreadyProposed)]
    assert len(created) == 1 and len(refused) == 1
    assert refused[0].proposal_id == created[0].id
    assert await Proposal.all().count() == 1


async def test_a_closed_or_draft_challenge_takes_no_proposals(client: httpx.AsyncClient) -> None:
    body_officer = await officer()
    gone = await closed(body_officer)
    draft = await draft_challenge(body_officer, title="Unpublished")
    api = await api_client(client, await startup())

    on_closed = await api.post(f"/challenges/{gone.id}/proposals", COMPLETE)
    on_draft = await api.post(f"/challenges/{draft.id}/proposals", COMPLETE)

    assert on_closed.status_code == 409 and "closed on" in on_closed.json()["detail"]
    assert on_draft.status_code == 404


async def test_nothing_changes_after_closing(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    api = await api_client(client, await startup())
    draft = (await api.post(f"/challenges/{challenge.id}/proposals", COMPLETE)).json()
    await Challenge.filter(id=challenge.id).update(closes_at=now() - timedelta(seconds=1))
    path = f"/proposals/{draft['id']}"

    for response in [
        await api.patch(path, {"title": "Late change"}),
        await api.post(f"{path}/submit"),
        await api.post(f"{path}/withdraw"),
    ]:
        assert response.status_code == 409, response.text
        assert "closed on" in response.json()["detail"]
    assert (await Proposal.get(id=draft["id"])).title == COMPLETE["title"]


async def test_a_submitted_proposal_can_change_until_closing_but_must_stay_complete(
    client: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer())
    api = await api_client(client, await startup())
    created = (await api.post(f"/challenges/{challenge.id}/proposals", COMPLETE)).json()
    await api.post(f"/proposals/{created['id']}/submit")
    await MatchJob.all().delete()

    changed = await api.patch(f"/proposals/{created['id']}", {"cost_gbp": 90000})
    emptied = await api.patch(f"/proposals/{created['id']}", {"team": ""})

    assert changed.status_code == 200
    assert changed.json()["status"] == "submitted" and changed.json()["cost_gbp"] == 90000
    assert emptied.status_code == 422
    assert [e["field"] for e in emptied.json()["errors"]] == ["team"]
    assert (await Proposal.get(id=created["id"])).team == COMPLETE["team"]
    assert await AuditEvent.exists(action="proposal.updated", subject_id=created["id"])
    assert await MatchJob.exists(kind="challenge", target_id=challenge.id)


async def test_withdraw_then_reopen_then_submit_again(client: httpx.AsyncClient) -> None:
    body_officer = await officer()
    challenge = await opened(body_officer)
    api = await api_client(client, await startup())
    created = (await api.post(f"/challenges/{challenge.id}/proposals", COMPLETE)).json()
    path = f"/proposals/{created['id']}"
    await api.post(f"{path}/submit")

    withdrawn = await api.post(f"{path}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    officer_view = await (await api_client(client, body_officer)).get(path)
    assert officer_view.json()["status"] == "withdrawn"
    assert (await api.patch(path, {"title": "Changed"})).status_code == 409
    assert (await api.post(f"{path}/submit")).status_code == 409
    assert (await api.post(f"{path}/withdraw")).status_code == 409

    assert (await api.post(f"{path}/reopen", {"why": "because"})).status_code == 422
    reopened = await api.post(f"{path}/reopen", {})
    assert reopened.json()["status"] == "draft"
    assert (await (await api_client(client, body_officer)).get(path)).status_code == 404
    again = await api.post(f"{path}/submit")
    assert again.json()["status"] == "submitted"
    actions = [e.action for e in await AuditEvent.filter(subject_type="proposal").order_by("id")]
    assert actions == [
        "proposal.created",
        "proposal.submitted",
        "proposal.withdrawn",
        "proposal.reopened",
        "proposal.submitted",
    ]


async def test_a_knocked_out_proposal_can_be_submitted_and_is_flagged(
    client: httpx.AsyncClient,
) -> None:
    body_officer = await officer()
    challenge = await opened(body_officer)
    api = await api_client(client, await startup())
    answers = {"eligibility_answers": [False, False]}  # not a UK company: knocked out
    created = await api.post(f"/challenges/{challenge.id}/proposals", {**COMPLETE, **answers})
    proposal_id = created.json()["id"]

    submitted = await api.post(f"/proposals/{proposal_id}/submit")

    assert submitted.status_code == 200
    assert submitted.json()["eligible"] is False
    first_question = await EligibilityQuestion.get(challenge_id=challenge.id, position=0)
    assert submitted.json()["knocked_out"] == [first_question.id]
    seen = await (await api_client(client, body_officer)).get(f"/proposals/{proposal_id}")
    assert seen.json()["eligible"] is False
    event = await AuditEvent.get(action="proposal.submitted")
    assert event.details == {"eligible": False, "knocked_out": [first_question.id]}


async def test_a_start_up_lists_only_its_own_proposals(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    mine = await api_client(client, await startup())
    theirs = await api_client(client, await startup())
    own = (await mine.post(f"/challenges/{challenge.id}/proposals", COMPLETE)).json()
    other = (await theirs.post(f"/challenges/{challenge.id}/proposals", COMPLETE)).json()

    listed = await mine.get("/proposals")

    assert [p["id"] for p in listed.json()] == [own["id"]]
    assert (await mine.get(f"/proposals/{other['id']}")).status_code == 404
    assert (await mine.patch(f"/proposals/{other['id']}", {"title": "Mine now"})).status_code == 404
    assert (await mine.post(f"/proposals/{other['id']}/withdraw")).status_code == 404


async def test_another_body_never_sees_a_proposal(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    api = await api_client(client, await startup())
    created = (await api.post(f"/challenges/{challenge.id}/proposals", COMPLETE)).json()
    await api.post(f"/proposals/{created['id']}/submit")
    stranger = await api_client(client, await officer())

    assert (await stranger.get(f"/proposals/{created['id']}")).status_code == 404
    assert (await stranger.get(f"/challenges/{challenge.id}/proposals")).status_code == 404


async def test_anonymous_and_reviewers_cannot_reach_proposals(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    api = await api_client(client, await startup())
    created = (await api.post(f"/challenges/{challenge.id}/proposals", COMPLETE)).json()
    reviewer = await api_client(client, await make_user(Role.REVIEWER))

    assert (await ApiClient(client).get(f"/proposals/{created['id']}")).status_code == 401
    assert (await reviewer.get(f"/proposals/{created['id']}")).status_code == 403
