"""The panel's results: weighted totals, agreement and calibration. Pure: no ORM, no web.

A member's *weighted total* for a proposal is ``sum(score x weight) / 10`` over the
challenge's criteria: scores are 0-10 and weights sum to 100, so totals run 0-100.

Per proposal the results give the mean, median and spread (highest minus lowest)
of the members' totals, and flag *disagreement* when the spread is
``DISAGREEMENT_SPREAD`` points or more (30 points is three marks out of ten on
every criterion: more than a difference of taste).

*Calibration* corrects for harsh and generous markers. Each member who submitted
scores for at least ``MIN_REVIEWS_TO_CALIBRATE`` proposals of the challenge is a
*calibrated member*; their totals become z-scores against their own mean and
standard deviation. A proposal's calibrated total is the grand mean plus the grand
standard deviation times the mean of its calibrated members' z-scores, where the
grand mean and standard deviation are those of every calibrated member's totals.
Members with fewer reviews are left out of calibration (their totals still count in
the raw figures), and a proposal no calibrated member scored has no calibrated
total. Standard deviations are of the population (a member's reviews are all of
them, not a sample). A member who gave every proposal the same total says nothing
about their relative preferences, so their z-scores are 0. Calibrated totals are
kept within 0-100.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_REVIEWS_TO_CALIBRATE = 3
DISAGREEMENT_SPREAD = 30.0


def weighted_total(scores: Mapping[int, int], weights: Mapping[int, int]) -> float:
    """The 0-100 total of one member's scores (criterion id -> 0-10) under ``weights``.

    >>> weighted_total({1: 8, 2: 5}, {1: 60, 2: 40})
    68.0
    """
    return sum(scores[criterion] * weight for criterion, weight in weights.items()) / 10


@dataclass(frozen=True)
class Review:
    """One member's submitted total for one proposal."""

    member: int
    proposal: int
    total: float


@dataclass(frozen=True)
class ProposalResult:
    proposal: int
    # Every submitted total, highest first: who gave which is deliberately not kept.
    totals: tuple[float, ...]
    mean: float | None
    median: float | None
    spread: float | None
    disagreement: bool
    calibrated_total: float | None
    calibrated_reviews: int

    @property
    def reviews(self) -> int:
        return len(self.totals)

    @property
    def raw_total(self) -> float | None:
        """The panel's raw total: the mean of the members' weighted totals."""
        return self.mean


def _z_scores(reviews: Sequence[Review], minimum: int) -> dict[tuple[int, int], float]:
    """(member, proposal) -> z-score, for members with at least ``minimum`` reviews."""
    by_member: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        by_member[review.member].append(review)
    found: dict[tuple[int, int], float] = {}
    for member, own in by_member.items():
        if len(own) < minimum:
            continue
        totals = [r.total for r in own]
        mean = statistics.fmean(totals)
        deviation = statistics.pstdev(totals)
        for review in own:
            z = 0.0 if deviation == 0 else (review.total - mean) / deviation
            found[(member, review.proposal)] = z
    return found


def compute(
    reviews: Iterable[Review],
    proposals: Sequence[int],
    *,
    min_reviews_to_calibrate: int = MIN_REVIEWS_TO_CALIBRATE,
    disagreement_spread: float = DISAGREEMENT_SPREAD,
) -> list[ProposalResult]:
    """Results for each of ``proposals`` (in that order) from the submitted ``reviews``.

    Raises ValueError if a member reviewed a proposal twice: the caller's data is
    wrong, and counting it twice would be worse.
    """
    reviews = list(reviews)
    seen: set[tuple[int, int]] = set()
    for review in reviews:
        key = (review.member, review.proposal)
        if key in seen:
            raise ValueError(f"member {review.member} reviewed proposal {review.proposal} twice")
        seen.add(key)

    z = _z_scores(reviews, min_reviews_to_calibrate)
    calibrated_totals = [r.total for r in reviews if (r.member, r.proposal) in z]
    grand_mean = statistics.fmean(calibrated_totals) if calibrated_totals else 0.0
    grand_deviation = statistics.pstdev(calibrated_totals) if calibrated_totals else 0.0

    by_proposal: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        by_proposal[review.proposal].append(review)

    results = []
    for proposal in proposals:
        own = by_proposal.get(proposal, [])
        totals = sorted((r.total for r in own), reverse=True)
        zs = [z[(r.member, proposal)] for r in own if (r.member, proposal) in z]
        calibrated = None
        if zs:
            value = grand_mean + grand_deviation * statistics.fmean(zs)
            calibrated = min(100.0, max(0.0, value))
        spread = (max(totals) - min(totals)) if totals else None
        results.append(
            ProposalResult(
                proposal=proposal,
                totals=tuple(totals),
                mean=statistics.fmean(totals) if totals else None,
                median=statistics.median(totals) if totals else None,
                spread=spread,
                disagreement=spread is not None
                and len(totals) > 1
                and spread >= disagreement_spread,
                calibrated_total=calibrated,
                calibrated_reviews=len(zs),
            )
        )
    return results


def calibrated_members(
    reviews: Iterable[Review], minimum: int = MIN_REVIEWS_TO_CALIBRATE
) -> set[int]:
    """The members whose totals take part in calibration."""
    counts: dict[int, int] = defaultdict(int)
    for review in reviews:
        counts[review.member] += 1
    return {member for member, count in counts.items() if count >= minimum}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula.

    Text starting with = + - @ (or a tab or carriage return) is prefixed with a
    single quote, as OWASP advises; numbers are written as numbers.

    >>> csv_cell("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> csv_cell(-2.5)
    '-2.5'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
