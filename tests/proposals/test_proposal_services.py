"""Proposal rules that live in the services: answers, knock-outs, timing and visibility."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.challenges.helpers import officer, opened
from tests.conftest import make_user
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.challenges import services as challenges
from urbanchallenge.challenges.models import Challenge, EligibilityQuestion
from urbanchallenge.domain import Conflict, NotFound, PermissionDenied
from urbanchallenge.proposals import services
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.validation import Errors, ValidationFailed

COMPLETE = {
    "title": "Corridor delay analytics",
    "summary": "S",
    "approach": "A",
    "impact": "I",
    "team": "T",
    "cost_gbp": 95000,
    "timeline": "L",
    "eligibility_answers": [True, False],
}


def questions() -> list[EligibilityQuestion]:
    """Two in-memory questions: "no" rules out the first, "yes" the second."""
    return [
        EligibilityQuestion(id=11, question="UK company?", knockout_answer=False, position=0),
        EligibilityQuestion(id=12, question="Debarred?", knockout_answer=True, position=1),
    ]


@pytest.mark.parametrize(
    ("raw", "answers"),
    [
        ([True, False], {11: True, 12: False}),
        ([{"question_id": 12, "answer": True}], {12: True}),
        ({0: "yes", 1: ""}, {11: True, 12: None}),
        ({0: "no", 1: "yes"}, {11: False, 12: True}),
        (None, {}),
    ],
)
def test_answers_are_read_in_each_accepted_shape(
    raw: object, answers: dict[int, bool | None]
) -> None:
    errors = Errors()
    assert services.read_answers(errors, raw, questions()) == answers
    assert errors.errors == {}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([True], "eligibility_answers"),
        ([True, False, True], "eligibility_answers"),
        ([{"question_id": 99, "answer": True}], "eligibility_answers.0.question_id"),
        (
            [{"question_id": 11, "answer": True}, {"question_id": 11, "answer": False}],
            "eligibility_answers.1.question_id",
        ),
        ([True, {"question_id": 11, "answer": True}], "eligibility_answers.0"),
        ("yes", "eligibility_answers"),
    ],
)
def test_bad_answers_name_the_field(raw: object, field: str) -> None:
    errors = Errors()
    services.read_answers(errors, raw, questions())
    assert field in errors.errors


def test_an_answer_equal_to_the_knock_out_answer_rules_the_proposal_out() -> None:
    qs = questions()
    assert services.knocked_out(qs, {11: True, 12: False}) == []
    assert services.knocked_out(qs, {11: False, 12: True}) == qs
    assert services.knocked_out(qs, {12: True}) == [qs[1]]
    assert services.knocked_out(qs, {}) == []


async def startup() -> User:
    return await make_user(Role.STARTUP_MEMBER)


async def test_a_blank_radio_removes_a_saved_answer(db: str) -> None:
    challenge = await opened(await officer())
    user = await startup()
    proposal = await services.start(user, challenge.id, {"title": "T", **COMPLETE})

    await services.update(
        user, proposal.id, {"eligibility_answers": {0: "yes", 1: ""}}, complete=False
    )

    answers = await EligibilityAnswer.filter(proposal_id=proposal.id)
    assert [(a.question_id, a.answer) for a in answers] == [
        ((await EligibilityQuestion.get(challenge_id=challenge.id, position=0)).id, True)
    ]


async def test_submitting_at_the_closing_instant_is_too_late(db: str) -> None:
    challenge = await opened(await officer())
    user = await startup()
    proposal = await services.start(user, challenge.id, COMPLETE)
    closes = (await Challenge.get(id=challenge.id)).closes_at

    with pytest.raises(Conflict, match="closed on"):
        await services.submit(user, proposal.id, now=closes)
    submitted = await services.submit(user, proposal.id, now=closes - timedelta(seconds=1))

    assert submitted.submitted_at == closes - timedelta(seconds=1)


async def test_a_withdrawn_draft_was_never_seen_by_the_body(db: str) -> None:
    body_officer = await officer()
    challenge = await opened(body_officer)
    user = await startup()
    proposal = await services.start(user, challenge.id, COMPLETE)

    await services.withdraw(user, proposal.id)

    with pytest.raises(NotFound):
        await services.view(body_officer, proposal.id)
    assert await services.visible_to_body(body_officer, challenge.id) == []


async def test_a_submit_and_a_withdraw_racing_leave_a_consistent_proposal(db: str) -> None:
    challenge = await opened(await officer())
    user = await startup()
    proposal = await services.start(user, challenge.id, COMPLETE)

    await asyncio.gather(
        services.submit(user, proposal.id),
        services.withdraw(user, proposal.id),
        return_exceptions=True,
    )

    stored = await Proposal.get(id=proposal.id)
    # Whichever ran first, the proposal ends withdrawn: never submitted after withdrawing.
    assert services.status_of(stored) is services.ProposalStatus.WITHDRAWN


async def test_only_start_up_members_start_proposals(db: str) -> None:
    challenge = await opened(await officer())
    with pytest.raises(PermissionDenied):
        await services.start(await officer(), challenge.id, COMPLETE)


async def test_a_challenge_withdrawn_while_open_freezes_its_proposals(db: str) -> None:
    body_officer = await officer()
    challenge = await opened(body_officer)
    user = await startup()
    proposal = await services.start(user, challenge.id, COMPLETE)
    await challenges.withdraw(body_officer, challenge.id, "Cancelled")

    with pytest.raises(Conflict, match="withdrawn"):
        await services.submit(user, proposal.id)
    with pytest.raises(Conflict, match="withdrawn"):
        await services.update(user, proposal.id, {"title": "New"})


async def test_a_submitted_proposal_cannot_be_edited_into_an_incomplete_one(db: str) -> None:
    challenge = await opened(await officer())
    user = await startup()
    proposal = await services.start(user, challenge.id, COMPLETE)
    await services.submit(user, proposal.id)
    first = await EligibilityQuestion.get(challenge_id=challenge.id, position=0)

    with pytest.raises(ValidationFailed) as refused:
        await services.update(user, proposal.id, {"eligibility_answers": {0: "", 1: "no"}})

    assert list(refused.value.errors) == ["eligibility_answers.0"]
    assert await EligibilityAnswer.exists(proposal_id=proposal.id, question_id=first.id)
    assert (await Proposal.get(id=proposal.id)).submitted_at is not None
