"""The feedback letter a start-up gets once a challenge is decided. Pure: no ORM, no web.

The letter is built from the panel's submitted comments, grouped by criterion, with
the average score on each. It never names or numbers panel members: comments are
not attributed, and within each criterion they are ordered by a hash of the
criterion and the comment, so the order does not follow the member from one
criterion to the next.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Why the outcome is what it is; the API's ``outcome`` is derived from it."""

    PENDING = "pending"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    NOT_SHORTLISTED = "not_shortlisted"
    WITHDRAWN = "withdrawn"
    CHALLENGE_WITHDRAWN = "challenge_withdrawn"
    NOT_SUBMITTED = "not_submitted"

    @property
    def outcome(self) -> str:
        if self is Kind.PENDING:
            return "pending"
        return "awarded" if self is Kind.AWARDED else "not_awarded"


@dataclass(frozen=True)
class CriterionFeedback:
    name: str
    weight: int
    average: float | None  # out of 10
    comments: tuple[str, ...]

    @property
    def points(self) -> float | None:
        """The criterion's share of the 0-100 total: average x weight / 10."""
        return None if self.average is None else self.average * self.weight / 10


def _order(criterion: str, comment: str) -> str:
    return hashlib.sha256(f"{criterion}\n{comment}".encode()).hexdigest()


def criterion_feedback(
    name: str, weight: int, scores: Sequence[tuple[int, str]]
) -> CriterionFeedback:
    """Summarise the (score, comment) pairs the panel gave one criterion."""
    average = statistics.fmean(s for s, _ in scores) if scores else None
    comments = sorted((c for _, c in scores if c.strip()), key=lambda c: _order(name, c))
    return CriterionFeedback(name=name, weight=weight, average=average, comments=tuple(comments))


def overall(criteria: Sequence[CriterionFeedback]) -> float | None:
    """The average weighted total out of 100, if every criterion was scored."""
    if not criteria or any(c.points is None for c in criteria):
        return None
    return sum(c.points or 0.0 for c in criteria)


@dataclass(frozen=True)
class LetterFacts:
    kind: Kind
    startup: str
    body: str
    challenge_title: str
    proposal_title: str
    decision_reason: str = ""
    decided_on: str = ""  # a date already formatted for people
    withdrawn_on: str = ""
    shortlist_size: int = 0
    reviews: int = 0


def quoted(text: str) -> str:
    return f"\u2018{text}\u2019"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def letter(facts: LetterFacts, criteria: Sequence[CriterionFeedback]) -> str | None:
    """The letter as plain text (paragraphs separated by blank lines); None while pending."""
    if facts.kind is Kind.PENDING:
        return None
    opening = (
        f"Dear {facts.startup},\n\nThank you for your proposal {quoted(facts.proposal_title)} "
        f"to the challenge {quoted(facts.challenge_title)} set by {facts.body}."
    )
    parts = [opening]
    kind = facts.kind
    if kind is Kind.AWARDED:
        parts.append(
            f"We are pleased to tell you that {facts.body} has decided to award your proposal"
            f" (decided on {facts.decided_on}). They will contact you about the next steps."
        )
    elif kind is Kind.NOT_AWARDED:
        parts.append(
            f"Your proposal was shortlisted and scored by the review panel, but {facts.body} "
            f"has decided not to award it (decided on {facts.decided_on})."
        )
    elif kind is Kind.NOT_SHORTLISTED:
        parts.append(
            f"Your proposal was not shortlisted for the review panel, so it was not scored. "
            f"{facts.body} shortlisted {facts.shortlist_size} of the eligible proposals "
            f"and decided on {facts.decided_on}."
        )
    elif kind is Kind.WITHDRAWN:
        parts.append(
            f"You withdrew this proposal on {facts.withdrawn_on}, so it was not considered."
        )
    elif kind is Kind.CHALLENGE_WITHDRAWN:
        parts.append(
            f"{facts.body} withdrew this challenge on {facts.withdrawn_on}. No award was made."
        )
    elif kind is Kind.NOT_SUBMITTED:
        parts.append(
            "This proposal was not submitted before the challenge closed, so it was not considered."
        )
    if facts.decision_reason and kind in {Kind.AWARDED, Kind.NOT_AWARDED, Kind.NOT_SHORTLISTED}:
        parts.append(f"The reason for the decision\n\n{facts.decision_reason}")
    scored = [c for c in criteria if c.average is not None]
    if scored and kind in {Kind.AWARDED, Kind.NOT_AWARDED}:
        total = overall(criteria)
        members = "1 panel member" if facts.reviews == 1 else f"{facts.reviews} panel members"
        summary = f"What the panel said\n\n{members} scored your proposal."
        if total is not None:
            summary += f" Its average weighted total was {_number(total)} out of 100."
        parts.append(summary)
        for c in scored:
            assert c.average is not None and c.points is not None
            block = (
                f"{c.name} ({c.weight}% of the total): average score {_number(c.average)} "
                f"out of 10, {_number(c.points)} of {c.weight} points"
            )
            if c.comments:
                block += "\n" + "\n".join(f"- {comment}" for comment in c.comments)
            parts.append(block)
    parts.append(f"Yours sincerely,\n{facts.body}")
    return "\n\n".join(parts)
