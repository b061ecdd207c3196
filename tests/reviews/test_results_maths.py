"""The results calculation, checked against examples worked out by hand."""

from __future__ import annotations

import math

import pytest

from urbanchallenge.reviews.results import (
    ProposalResult,
    Review,
    calibrated_members,
    compute,
    csv_cell,
    weighted_total,
)


def test_a_weighted_total_is_score_times_weight_over_ten() -> None:
    # 8 x 40 + 5 x 35 + 10 x 25 = 320 + 175 + 250 = 745, over 10.
    assert weighted_total({1: 8, 2: 5, 3: 10}, {1: 40, 2: 35, 3: 25}) == 74.5
    assert weighted_total({1: 10, 2: 10}, {1: 70, 2: 30}) == 100
    assert weighted_total({1: 0, 2: 0}, {1: 70, 2: 30}) == 0


# Member 1 marks generously, member 2 harshly, member 3 reviewed only two proposals.
REVIEWS = [
    Review(member=1, proposal=10, total=80),
    Review(member=1, proposal=20, total=60),
    Review(member=1, proposal=30, total=70),
    Review(member=2, proposal=10, total=50),
    Review(member=2, proposal=20, total=30),
    Review(member=2, proposal=30, total=40),
    Review(member=3, proposal=10, total=100),
    Review(member=3, proposal=40, total=20),
]


def by_proposal() -> dict[int, ProposalResult]:
    return {r.proposal: r for r in compute(REVIEWS, [10, 20, 30, 40, 50])}


def test_mean_median_and_spread_use_every_submitted_total() -> None:
    results = by_proposal()
    first = results[10]
    assert first.totals == (100, 80, 50)
    assert first.reviews == 3
    assert first.mean == pytest.approx(230 / 3)
    assert first.raw_total == first.mean
    assert first.median == 80
    assert first.spread == 50
    third = results[30]
    assert third.totals == (70, 40)
    assert third.median == 55
    assert third.spread == 30


def test_a_spread_of_thirty_points_or_more_is_disagreement() -> None:
    results = by_proposal()
    assert results[10].disagreement  # spread 50
    assert results[30].disagreement  # spread exactly 30
    relaxed = compute(REVIEWS, [30], disagreement_spread=31)[0]
    assert not relaxed.disagreement
    # One review cannot disagree with itself.
    assert not results[40].disagreement


def test_calibration_uses_only_members_with_three_reviews() -> None:
    assert calibrated_members(REVIEWS) == {1, 2}
    results = by_proposal()
    # Members 1 and 2 each have mean m and population sd sqrt(200/3) = 8.165:
    # z-scores are +1.2247 for proposal 10, -1.2247 for 20 and 0 for 30.
    # Their six totals have grand mean 55 and population sd sqrt(1750/6) = 17.078.
    grand_sd = math.sqrt(1750 / 6)
    z = 10 / math.sqrt(200 / 3)
    assert results[10].calibrated_total == pytest.approx(55 + grand_sd * z)
    assert results[10].calibrated_total == pytest.approx(75.92, abs=0.01)
    assert results[20].calibrated_total == pytest.approx(34.08, abs=0.01)
    assert results[30].calibrated_total == pytest.approx(55)
    assert results[10].calibrated_reviews == 2


def test_a_proposal_no_calibrated_member_scored_has_no_calibrated_total() -> None:
    results = by_proposal()
    assert results[40].totals == (20,)
    assert results[40].calibrated_total is None
    assert results[40].raw_total == 20


def test_a_proposal_nobody_scored_has_no_figures() -> None:
    empty = by_proposal()[50]
    assert empty.reviews == 0
    assert empty.mean is None and empty.median is None and empty.spread is None
    assert empty.calibrated_total is None and not empty.disagreement


def test_a_member_who_gives_everything_the_same_total_pulls_towards_the_grand_mean() -> None:
    flat = [Review(member=1, proposal=p, total=60) for p in (1, 2, 3)]
    results = compute(flat, [1, 2, 3])
    assert [r.calibrated_total for r in results] == [60, 60, 60]


def test_calibrated_totals_stay_between_0_and_100() -> None:
    reviews = [Review(member=1, proposal=p, total=t) for p, t in ((1, 100), (2, 0), (3, 0))]
    reviews += [Review(member=2, proposal=p, total=t) for p, t in ((1, 100), (2, 0), (3, 0))]
    results = compute(reviews, [1, 2, 3])
    assert all(0 <= (r.calibrated_total or 0) <= 100 for r in results)


def test_a_member_reviewing_a_proposal_twice_is_refused_not_counted() -> None:
    with pytest.raises(ValueError, match="twice"):
        compute([Review(1, 1, 50), Review(1, 1, 60)], [1])


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 121", "'+44 121"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Bin sensors", "Bin sensors"),
        (-2.5, "-2.5"),
        (None, ""),
        (True, "yes"),
    ],
)
def test_csv_cells_cannot_start_a_formula(value: object, cell: str) -> None:
    assert csv_cell(value) == cell
