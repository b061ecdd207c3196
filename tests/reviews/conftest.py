"""Builders for the review journey: a challenge with criteria, submitted proposals, a panel."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.api.conftest import ApiClient
from tests.conftest import make_user
from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.accounts.tokens import issue_token
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import (
    Challenge,
    Criterion,
    EligibilityQuestion,
    ServiceArea,
)
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.reviews.models import ConflictDeclaration, PanelMember, Score, ShortlistEntry

CRITERIA = (("Understanding of the problem", 40), ("Method", 35), ("Value for money", 25))


async def move(challenge: Challenge, to: Status) -> None:
    changed = lifecycle.transition(challenge, to)
    await challenge.save(update_fields=changed)


async def make_challenge(
    officer: User,
    *,
    title: str = "Cut missed bin collections",
    criteria: tuple[tuple[str, int], ...] = CRITERIA,
    stage: Status = Status.SHORTLISTING,
    blind: bool = False,
) -> Challenge:
    """A challenge of the officer's body, moved through the lifecycle to ``stage``."""
    now = datetime.now(UTC)
    assert officer.organisation_id is not None
    challenge = await Challenge.create(
        organisation_id=officer.organisation_id,
        created_by=officer,
        title=f"{title} {secrets.token_hex(2)}",
        summary="Residents in tower blocks report missed collections every week.",
        problem="Collections from high-rise blocks are missed because bin stores are blocked.",
        outcomes="Fewer missed collections and fewer complaints.",
        service_area=ServiceArea.WASTE,
        location="Sandwell",
        budget_gbp=50_000,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=10),
        blind_panel=blind,
    )
    for position, (name, weight) in enumerate(criteria):
        await Criterion.create(
            challenge=challenge, name=name, weight=weight, position=position, description=""
        )
    await EligibilityQuestion.create(
        challenge=challenge,
        question="Are you registered in the UK?",
        knockout_answer=False,
        position=0,
    )
    steps = {
        Status.DRAFT: [],
        Status.OPEN: [Status.OPEN],
        Status.CLOSED: [Status.OPEN, Status.CLOSED],
        Status.SHORTLISTING: [Status.OPEN, Status.CLOSED, Status.SHORTLISTING],
        Status.WITHDRAWN: [Status.OPEN, Status.WITHDRAWN],
    }[stage]
    for step in steps:
        await move(challenge, step)
    return challenge


async def make_proposal(
    challenge: Challenge,
    *,
    title: str | None = None,
    submitted: bool = True,
    eligible: bool = True,
    withdrawn: bool = False,
    startup_name: str | None = None,
    website: str = "",
) -> tuple[Proposal, User]:
    """A proposal from a new start-up (with one member), answering the eligibility question."""
    name = startup_name or f"Startup {secrets.token_hex(3)} Ltd"
    org = await Organisation.create(
        name=name, name_key=name.lower(), kind=OrganisationKind.STARTUP, website=website
    )
    member = await make_user(Role.STARTUP_MEMBER, organisation=org)
    now = datetime.now(UTC)
    proposal = await Proposal.create(
        challenge=challenge,
        organisation=org,
        created_by=member,
        title=title or f"Bin store sensors {secrets.token_hex(2)}",
        summary=f"{name} puts fill sensors in bin stores.",
        approach="Sensors report blocked bin stores to crews before they set off.",
        impact="A pilot in Leeds halved missed collections.",
        team="Asha Verma (engineer) and Tom Reed (operations).",
        cost_gbp=40_000,
        timeline="Six months.",
        submitted_at=now - timedelta(days=12) if submitted else None,
        withdrawn_at=now - timedelta(days=11) if withdrawn else None,
    )
    question = await EligibilityQuestion.get(challenge=challenge)
    await EligibilityAnswer.create(proposal=proposal, question=question, answer=eligible)
    return proposal, member


@dataclass
class Scene:
    officer: User
    challenge: Challenge
    criteria: list[Criterion]
    proposals: list[Proposal]
    startups: list[User]
    reviewers: list[User] = field(default_factory=list)

    @property
    def weights(self) -> dict[str, int]:
        return {c.name: c.weight for c in self.criteria}


async def make_scene(
    *,
    proposals: int = 3,
    reviewers: int = 3,
    shortlist: bool = True,
    stage: Status = Status.SHORTLISTING,
    blind: bool = False,
) -> Scene:
    """An officer's challenge with submitted proposals, a panel and (optionally) a shortlist."""
    officer = await make_user(Role.COUNCIL_OFFICER, name="Olivia Officer")
    challenge = await make_challenge(officer, stage=Status.OPEN, blind=blind)
    made = [await make_proposal(challenge) for _ in range(proposals)]
    for step in {
        Status.OPEN: [],
        Status.CLOSED: [Status.CLOSED],
        Status.SHORTLISTING: [Status.CLOSED, Status.SHORTLISTING],
    }[stage]:
        await move(challenge, step)
    scene = Scene(
        officer=officer,
        challenge=challenge,
        criteria=list(await Criterion.filter(challenge=challenge).order_by("position")),
        proposals=[p for p, _ in made],
        startups=[u for _, u in made],
    )
    for number in range(reviewers):
        reviewer = await make_user(Role.REVIEWER, name=f"Reviewer {number + 1}")
        await PanelMember.create(
            challenge=challenge, user=reviewer, added_by=officer, created_at=datetime.now(UTC)
        )
        scene.reviewers.append(reviewer)
    if shortlist:
        for proposal in scene.proposals:
            await ShortlistEntry.create(
                challenge=challenge, proposal=proposal, created_at=datetime.now(UTC)
            )
    return scene


async def score_directly(
    scene: Scene,
    reviewer: User,
    proposal: Proposal,
    scores: list[int],
    *,
    submitted: bool = True,
) -> None:
    """Store a member's declaration and scores without going through the service."""
    now = datetime.now(UTC)
    await ConflictDeclaration.get_or_create(
        proposal=proposal,
        member=reviewer,
        defaults={"has_conflict": False, "declared_at": now},
    )
    for criterion, value in zip(scene.criteria, scores, strict=True):
        await Score.create(
            proposal=proposal,
            member=reviewer,
            criterion=criterion,
            score=value,
            comment=f"Comment on {criterion.name} scoring {value}.",
            updated_at=now,
            submitted_at=now if submitted else None,
        )


async def api_as(http: httpx.AsyncClient, user: User) -> ApiClient:
    token, _ = await issue_token(user)
    return ApiClient(http, token)


@pytest.fixture
async def scene(db: str) -> Scene:
    return await make_scene()
