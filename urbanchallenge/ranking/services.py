"""Read stored match scores for pages and the API, with the ownership checks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.challenges.lifecycle import Status, status_of
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.domain import NotFound
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking.models import MatchJob, MatchScore, StartupFit
from urbanchallenge.ranking.worker import open_challenges


async def owned_challenge(user: User, challenge_id: int) -> Challenge:
    """The challenge, if the user is an officer of the body that owns it; NotFound otherwise."""
    challenge = await Challenge.get_or_none(id=challenge_id)
    if (
        challenge is None
        or user.role is not Role.COUNCIL_OFFICER
        or challenge.organisation_id != user.organisation_id
    ):
        raise NotFound("Challenge not found")
    return challenge


@dataclass
class RankedProposal:
    proposal: Proposal
    organisation: Organisation
    score: float
    rank: int
    terms: list[dict[str, Any]]
    duplicate_of: Proposal | None
    duplicate_score: float | None
    eligible: bool
    forms: list[str] = field(default_factory=list)


@dataclass
class RankedList:
    challenge: Challenge
    items: list[RankedProposal]
    unranked: list[Proposal]
    pending: bool
    model_version: str


async def _ineligible_ids(proposal_ids: Iterable[int]) -> set[int]:
    answers = await EligibilityAnswer.filter(proposal_id__in=list(proposal_ids)).prefetch_related(
        "question"
    )
    return {a.proposal_id for a in answers if a.answer == a.question.knockout_answer}


async def ranked_list(user: User, challenge_id: int) -> RankedList:
    """The submitted proposals of an owned challenge in the matcher's order, with reasons."""
    challenge = await owned_challenge(user, challenge_id)
    submitted = await Proposal.filter(
        challenge_id=challenge.id, submitted_at__isnull=False, withdrawn_at__isnull=True
    ).order_by("id")
    by_id = {p.id: p for p in submitted}
    organisations = {
        o.id: o for o in await Organisation.filter(id__in=[p.organisation_id for p in submitted])
    }
    scores = await MatchScore.filter(challenge_id=challenge.id).order_by("rank")
    ineligible = await _ineligible_ids(by_id)
    items: list[RankedProposal] = []
    for s in scores:
        proposal = by_id.get(s.proposal_id)
        if proposal is None:  # withdrawn since it was scored
            continue
        items.append(
            RankedProposal(
                proposal=proposal,
                organisation=organisations[proposal.organisation_id],
                score=s.score,
                rank=len(items) + 1,
                terms=s.terms,
                duplicate_of=by_id.get(s.duplicate_of_id) if s.duplicate_of_id else None,
                duplicate_score=s.duplicate_score,
                eligible=proposal.id not in ineligible,
                forms=sorted(
                    {f for t in s.terms for f in t.get("forms", [])}, key=len, reverse=True
                ),
            )
        )
    ranked_ids = {i.proposal.id for i in items}
    return RankedList(
        challenge=challenge,
        items=items,
        unranked=[p for p in submitted if p.id not in ranked_ids],
        pending=await MatchJob.exists(kind="challenge", target_id=challenge.id),
        model_version=scores[0].model_version if scores else "",
    )


@dataclass
class Fit:
    challenge: Challenge
    organisation: Organisation
    score: float
    rank: int
    terms: list[dict[str, Any]]


async def fits_for(user: User) -> tuple[list[Fit], bool]:
    """Open challenges ranked for the user's start-up, and whether a refresh is pending."""
    if user.role is not Role.STARTUP_MEMBER or user.organisation_id is None:
        raise NotFound("Only start-ups have matches")
    organisation = await Organisation.get(id=user.organisation_id)
    if organisation.kind is not OrganisationKind.STARTUP:
        raise NotFound("Only start-ups have matches")
    open_now = {c.id: c for c in await open_challenges()}
    stored = await StartupFit.filter(organisation_id=organisation.id).order_by("rank")
    bodies = {
        o.id: o
        for o in await Organisation.filter(id__in=[c.organisation_id for c in open_now.values()])
    }
    fits: list[Fit] = []
    for s in stored:
        challenge = open_now.get(s.challenge_id)
        if challenge is None or status_of(challenge) is not Status.OPEN:
            continue  # closed since the fit was computed
        fits.append(
            Fit(challenge, bodies[challenge.organisation_id], s.score, len(fits) + 1, s.terms)
        )
    pending = (
        await MatchJob.filter(kind__in=["startup", "all_startups"])
        .filter(target_id__in=[organisation.id, 0])
        .exists()
    )
    return fits, pending


def highlight(text: str, forms: Iterable[str]) -> Markup:
    """Escape ``text`` and wrap each matched word or phrase in ``<mark class="app-match-term">``.

    Matching is case-insensitive on whole words; longer phrases win over the words in them.
    """
    words = sorted({f for f in forms if f.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")(?!\w)",
        re.IGNORECASE,
    )
    out: list[str] = []
    last = 0
    for found in pattern.finditer(text):
        out.append(str(escape(text[last : found.start()])))
        out.append(f'<mark class="app-match-term">{escape(found.group(0))}</mark>')
        last = found.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))  # noqa: S704 - every piece of text above was escaped
