"""A failure in the middle of a change saves none of it.

Each test lets a real change run until a later step inside its transaction, makes
that step fail (as a lost connection, a full disk or a bug would), and then checks
every row the change had already written is gone. They run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tortoise.exceptions import IntegrityError

from tests.challenges.helpers import challenge_data, draft, officer, opened
from tests.conftest import PASSWORD, make_user, post_form
from tests.reviews.conftest import Scene, api_as, make_scene, score_directly
from urbanchallenge.accounts import services as accounts
from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges import services as challenges
from urbanchallenge.challenges.lifecycle import Status, status_of
from urbanchallenge.challenges.models import Challenge, Criterion, EligibilityQuestion
from urbanchallenge.proposals import services as proposals
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking.models import MatchJob
from urbanchallenge.reviews import decisions, scoring
from urbanchallenge.reviews import services as reviews
from urbanchallenge.reviews.models import (
    ConflictDeclaration,
    PanelInvitation,
    PanelMember,
    Score,
)

COMPLETE = {
    "summary": "We join AVL, signal and roadworks data to find where buses lose time.",
    "approach": "Segment-level running time analysis over 12 months of AVL data.",
    "impact": "On the A38 we cut 90th percentile journey times by 12%.",
    "team": "Two data scientists and a former bus operations manager.",
    "cost_gbp": 95000,
    "timeline": "Twelve weeks: four of data work, six of analysis, two to hand over.",
    "eligibility_answers": [True, False],
}


class Injected(RuntimeError):
    """The failure a test makes happen half-way through a change."""


def fail_on_call(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, *, after: int = 0) -> None:
    """Make ``owner.name`` raise :class:`Injected` on its call number ``after + 1``; the
    calls before it run for real."""
    real: Callable[..., Any] = getattr(owner, name)
    calls = 0

    async def failing(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > after:
            raise Injected(f"{name} failed on call {calls}")
        return await real(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


async def audit_actions() -> list[str]:
    return sorted(e.action for e in await AuditEvent.all())


def score_entries(scene: Scene, value: int = 7) -> list[scoring.ScoreInput]:
    return [
        scoring.ScoreInput(
            criterion=c.name, score=value, comment=f"Clear on {c.name}.", key=f"scores.{i}"
        )
        for i, c in enumerate(scene.criteria)
    ]


# ------------------------------------------------------------------ scores


async def declared_member() -> tuple[Scene, User, Proposal]:
    """A one-proposal panel whose one member has declared no conflict."""
    scene = await make_scene(proposals=1, reviewers=1)
    member, proposal = scene.reviewers[0], scene.proposals[0]
    await scoring.declare(member, proposal.id, False)
    return scene, member, proposal


async def test_a_score_set_that_fails_after_its_new_scores_went_in_saves_no_score(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene, member, proposal = await declared_member()
    real = scoring._add_scores

    async def inserted_then_failed(*args: Any) -> None:
        await real(*args)
        assert await Score.filter(proposal=proposal).count() == len(scene.criteria)
        raise Injected("after the insert")

    monkeypatch.setattr(scoring, "_add_scores", inserted_then_failed)

    with pytest.raises(Injected):
        await scoring.save_scores(member, proposal.id, score_entries(scene), submit=True)

    assert not await Score.exists(proposal=proposal)
    assert "score.submitted" not in await audit_actions()


def lose_the_insert_race(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the one-statement insert of new scores fail as if another request's row with
    the same criterion had gone in first."""

    async def clashing(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Score, "bulk_create", clashing)


async def test_a_score_set_that_lost_the_insert_race_saves_each_score_on_its_own(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene, member, proposal = await declared_member()
    lose_the_insert_race(monkeypatch)

    found = await scoring.save_scores(member, proposal.id, score_entries(scene), submit=True)

    stored = await Score.filter(proposal=proposal)
    assert len(stored) == len(scene.criteria)
    assert all(s.score == 7 and s.submitted_at is not None for s in stored)
    assert found.status is scoring.ReviewStatus.SUBMITTED


async def test_a_score_set_that_lost_the_insert_race_and_fails_half_way_saves_no_score(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene, member, proposal = await declared_member()
    lose_the_insert_race(monkeypatch)
    fail_on_call(monkeypatch, scoring, "_put_score", after=1)

    with pytest.raises(Injected):
        await scoring.save_scores(member, proposal.id, score_entries(scene), submit=True)

    assert not await Score.exists(proposal=proposal)
    assert "score.submitted" not in await audit_actions()


async def test_a_submission_that_fails_at_its_audit_event_leaves_the_drafts_as_they_were(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    member, proposal = scene.reviewers[0], scene.proposals[0]
    await score_directly(scene, member, proposal, [3, 4, 5], submitted=False)
    fail_on_call(monkeypatch, scoring, "record")

    with pytest.raises(Injected):
        await scoring.save_scores(member, proposal.id, score_entries(scene, 9), submit=True)

    stored = await Score.filter(proposal=proposal).order_by("criterion_id")
    assert [s.score for s in stored] == [3, 4, 5]
    assert all(s.submitted_at is None for s in stored)
    assert (await scoring.assignment(member, proposal.id)).status is scoring.ReviewStatus.DRAFT


async def test_a_conflict_that_fails_half_way_keeps_the_drafts_and_the_old_declaration(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    member, proposal = scene.reviewers[0], scene.proposals[0]
    await score_directly(scene, member, proposal, [6, 6, 6], submitted=False)
    fail_on_call(monkeypatch, scoring, "record")

    with pytest.raises(Injected):
        await scoring.declare(member, proposal.id, True, "I advised them last year.")

    declaration = await ConflictDeclaration.get(proposal=proposal, member=member)
    assert declaration.has_conflict is False and declaration.reason == ""
    assert await Score.filter(proposal=proposal, member=member).count() == 3


async def test_a_first_declaration_that_fails_at_its_audit_event_is_not_saved(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    fail_on_call(monkeypatch, scoring, "record")

    with pytest.raises(Injected):
        await scoring.declare(scene.reviewers[0], scene.proposals[0].id, False)

    assert not await ConflictDeclaration.exists()


# ------------------------------------------------------------------ proposals


async def test_a_new_proposal_that_fails_after_its_answers_leaves_no_proposal(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = await opened(await officer())
    member = await make_user(Role.STARTUP_MEMBER)
    fail_on_call(monkeypatch, proposals, "record")

    with pytest.raises(Injected):
        await proposals.start(member, challenge.id, {"title": "Corridor analytics", **COMPLETE})

    assert not await Proposal.exists()
    assert not await EligibilityAnswer.exists()
    # The start-up can start again: nothing half-made blocks it.
    monkeypatch.undo()
    again = await proposals.start(member, challenge.id, {"title": "Corridor analytics", **COMPLETE})
    assert await EligibilityAnswer.filter(proposal=again).count() == 2


async def test_a_submission_that_fails_after_asking_for_matching_stays_a_draft(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = await opened(await officer())
    member = await make_user(Role.STARTUP_MEMBER)
    proposal = await proposals.start(member, challenge.id, {"title": "Analytics", **COMPLETE})
    await MatchJob.all().delete()
    before = await audit_actions()
    # The challenge's rescore is requested (its own savepoint) before the start-up's refit.
    fail_on_call(monkeypatch, proposals.jobs, "request_startup_refit")

    with pytest.raises(Injected):
        await proposals.submit(member, proposal.id)

    stored = await Proposal.get(id=proposal.id)
    assert stored.submitted_at is None
    assert await audit_actions() == before
    assert not await MatchJob.exists()


async def test_a_change_to_a_submitted_proposal_that_fails_keeps_the_old_text_and_answers(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = await opened(await officer())
    member = await make_user(Role.STARTUP_MEMBER)
    proposal = await proposals.start(member, challenge.id, {"title": "Analytics", **COMPLETE})
    await proposals.submit(member, proposal.id)
    fail_on_call(monkeypatch, proposals, "_request_matching")

    with pytest.raises(Injected):
        await proposals.update(
            member,
            proposal.id,
            {"summary": "A different summary.", "eligibility_answers": [False, True]},
        )

    stored = await Proposal.get(id=proposal.id)
    assert stored.summary == COMPLETE["summary"]
    answers = await EligibilityAnswer.filter(proposal=proposal).order_by("question_id")
    assert [a.answer for a in answers] == [True, False]


async def test_a_withdrawal_that_fails_at_its_audit_event_leaves_the_proposal_submitted(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = await opened(await officer())
    member = await make_user(Role.STARTUP_MEMBER)
    proposal = await proposals.start(member, challenge.id, {"title": "Analytics", **COMPLETE})
    await proposals.submit(member, proposal.id)
    fail_on_call(monkeypatch, proposals, "record")

    with pytest.raises(Injected):
        await proposals.withdraw(member, proposal.id)

    assert proposals.status_of(await Proposal.get(id=proposal.id)) is (
        proposals.ProposalStatus.SUBMITTED
    )


# ------------------------------------------------------------------ shortlist and decision


async def test_a_shortlist_change_that_fails_at_its_audit_event_keeps_the_old_shortlist(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(proposals=3, reviewers=1, shortlist=False)
    first, second, third = scene.proposals
    await reviews.set_shortlist(scene.officer, scene.challenge.id, [first.id, second.id])
    fail_on_call(monkeypatch, reviews, "record")

    with pytest.raises(Injected):
        # Removes one entry and adds another before the audit event fails.
        await reviews.set_shortlist(scene.officer, scene.challenge.id, [first.id, third.id])

    assert await reviews.shortlisted_ids(scene.challenge.id) == [first.id, second.id]
    assert await AuditEvent.filter(action="shortlist.updated").count() == 1


async def test_a_decision_that_fails_at_its_audit_event_awards_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(proposals=2, reviewers=1)
    fail_on_call(monkeypatch, decisions, "record")

    with pytest.raises(Injected):
        await decisions.decide(
            scene.officer, scene.challenge.id, [scene.proposals[0].id], "Best value for money."
        )

    challenge = await Challenge.get(id=scene.challenge.id)
    assert status_of(challenge) is Status.SHORTLISTING
    assert challenge.outcome is None and challenge.decision_reason == ""
    assert not await Proposal.exists(awarded_at__isnull=False)


# ------------------------------------------------------------------ panels


async def test_adding_a_member_that_fails_at_its_audit_event_keeps_the_invitation_and_no_member(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(proposals=1, reviewers=0, stage=Status.OPEN, shortlist=False)
    await reviews.add_member(
        scene.officer, scene.challenge.id, "grace@example.org", base_url="https://testserver"
    )
    grace = await make_user(Role.REVIEWER, email="grace@example.org")
    fail_on_call(monkeypatch, reviews, "record")

    with pytest.raises(Injected):
        # Creates the membership and deletes the invitation before the audit event fails.
        await reviews.add_member(
            scene.officer, scene.challenge.id, grace.email, base_url="https://testserver"
        )

    assert not await PanelMember.exists(user=grace)
    assert await PanelInvitation.filter(email=grace.email).count() == 1


async def test_accepting_an_invitation_with_a_new_account_that_fails_creates_no_account(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(proposals=1, reviewers=0, stage=Status.OPEN, shortlist=False)
    added = await reviews.add_member(
        scene.officer, scene.challenge.id, "grace@example.org", base_url="https://testserver"
    )
    assert added.invitation_url is not None
    token = added.invitation_url.rsplit("/", 1)[1]
    fail_on_call(monkeypatch, reviews, "record")

    with pytest.raises(Injected):
        await reviews.accept_with_new_account(token, "Grace Adeyemi", PASSWORD)

    assert not await User.exists(email="grace@example.org")
    assert not await PanelMember.exists()
    invitation = await PanelInvitation.get(email="grace@example.org")
    assert invitation.accepted_at is None
    monkeypatch.undo()
    user = await reviews.accept_with_new_account(token, "Grace Adeyemi", PASSWORD)
    assert await PanelMember.exists(user=user)


# ------------------------------------------------------------------ accounts and challenges


async def test_a_registration_that_fails_creating_the_user_leaves_no_organisation(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_call(monkeypatch, User, "create")

    with pytest.raises(Injected):
        await accounts.register(
            OrganisationKind.STARTUP,
            {
                "name": "Priya Shah",
                "email": "priya@kerbside.example",
                "password": PASSWORD,
                "organisation_name": "Kerbside Ltd",
                "region": "London",
                "website": "",
            },
        )

    assert not await Organisation.exists()


async def test_an_api_account_that_fails_creating_the_user_leaves_no_organisation(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_call(monkeypatch, User, "create")

    with pytest.raises(Injected):
        await accounts.create_account(
            email="nadia@council.example",
            password=PASSWORD,
            name="Nadia Rahman",
            role=Role.COUNCIL_OFFICER,
            organisation_name="Dudley Council",
            organisation_kind=OrganisationKind.PUBLIC_BODY,
        )

    assert not await Organisation.exists()


async def test_a_new_challenge_that_fails_after_its_criteria_leaves_no_draft(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await officer()
    fail_on_call(monkeypatch, challenges, "record")

    with pytest.raises(Injected):
        await challenges.create_draft(user, challenge_data())

    assert not await Challenge.exists()
    assert not await Criterion.exists() and not await EligibilityQuestion.exists()


async def test_publishing_that_fails_after_its_audit_event_leaves_a_draft(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await officer()
    challenge = await draft(user)
    await MatchJob.all().delete()
    fail_on_call(monkeypatch, challenges.jobs, "request_all_startups_refit")

    with pytest.raises(Injected):
        await challenges.publish(user, challenge.id)

    stored = await Challenge.get(id=challenge.id)
    assert status_of(stored, datetime.now(UTC)) is Status.DRAFT and stored.published_at is None
    assert "challenge.opened" not in await audit_actions()
    assert not await MatchJob.exists()


# ------------------------------------------------------------------ a lost connection, end to end


async def test_a_connection_lost_during_a_score_submission_answers_503_and_saves_nothing(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    path = f"/reviews/{scene.proposals[0].id}"
    assert (await api.put(path, {"conflict": False})).status_code == 200

    async def connection_lost(*args: object, **kwargs: object) -> None:
        raise ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr(scoring, "record", connection_lost)
    body = {
        "conflict": False,
        "submit": True,
        "scores": [
            {"criterion": c.name, "score": 8, "comment": f"Good on {c.name}."}
            for c in scene.criteria
        ],
    }
    response = await api.put(path, body)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"].isdigit()
    assert "Nothing you sent in this request was saved" in response.json()["detail"]
    assert not await Score.exists()
    monkeypatch.undo()
    assert (await api.put(path, body)).status_code == 200
    assert await Score.filter(submitted_at__isnull=False).count() == len(scene.criteria)


async def test_a_connection_lost_during_registration_shows_the_unavailable_page(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def connection_lost(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError(111, "Connect call failed")

    monkeypatch.setattr(User, "create", connection_lost)
    form = {
        "name": "Priya Shah",
        "email": "priya@kerbside.example",
        "password": PASSWORD,
        "organisation_name": "Kerbside Ltd",
        "region": "London",
        "website": "",
    }
    response = await post_form(client, "/register/start-up", form)

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.text
    assert "it was not saved" in response.text
    assert "Connect call failed" not in response.text and "Traceback" not in response.text
    assert response.headers["retry-after"].isdigit()
    assert not await Organisation.exists()
    monkeypatch.undo()
    assert (await post_form(client, "/register/start-up", form)).status_code == 303
