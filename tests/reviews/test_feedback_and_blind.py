"""The feedback letter and blind-panel redaction, without a database."""

from __future__ import annotations

from urbanchallenge.reviews.blind import REDACTED, redact
from urbanchallenge.reviews.feedback import Kind, LetterFacts, criterion_feedback, letter, overall


def test_criterion_feedback_averages_scores_and_keeps_every_comment() -> None:
    fb = criterion_feedback("Method", 40, [(8, "Clear plan."), (5, "Thin evidence."), (6, "")])
    assert fb.average == 19 / 3
    assert sorted(fb.comments) == ["Clear plan.", "Thin evidence."]
    assert fb.points == 19 / 3 * 40 / 10


def test_comment_order_does_not_follow_the_member_from_criterion_to_criterion() -> None:
    # Whatever order members are read in, each criterion's comments come out the same.
    a = criterion_feedback("Method", 50, [(8, "First member."), (5, "Second member.")])
    b = criterion_feedback("Method", 50, [(5, "Second member."), (8, "First member.")])
    assert a.comments == b.comments


def test_overall_is_the_sum_of_each_criterions_share() -> None:
    criteria = [
        criterion_feedback("Method", 60, [(8, "x"), (6, "y")]),
        criterion_feedback("Value", 40, [(5, "z")]),
    ]
    assert overall(criteria) == 7 * 6 + 5 * 4
    assert overall([criterion_feedback("Method", 100, [])]) is None


FACTS = LetterFacts(
    kind=Kind.NOT_AWARDED,
    startup="Sortwise Robotics Ltd",
    body="Sandwell Council",
    challenge_title="Missed collections",
    proposal_title="Bin store sensors",
    decision_reason="The panel preferred a cheaper pilot.",
    decided_on="3 March 2027",
    reviews=2,
)


def test_a_letter_to_a_shortlisted_start_up_carries_the_reason_and_comments() -> None:
    criteria = [criterion_feedback("Method", 100, [(8, "Clear plan."), (6, "Needs a DPIA.")])]
    text = letter(FACTS, criteria)
    assert text is not None
    assert "Dear Sortwise Robotics Ltd" in text
    assert "decided not to award it" in text
    assert "The panel preferred a cheaper pilot." in text
    assert "Method (100% of the total): average score 7 out of 10, 70 of 100 points" in text
    assert "- Clear plan." in text and "- Needs a DPIA." in text
    assert "2 panel members scored your proposal" in text


def test_a_pending_outcome_has_no_letter() -> None:
    assert letter(LetterFacts(**{**FACTS.__dict__, "kind": Kind.PENDING}), []) is None


def test_a_not_shortlisted_letter_has_no_panel_comments() -> None:
    facts = LetterFacts(**{**FACTS.__dict__, "kind": Kind.NOT_SHORTLISTED, "shortlist_size": 3})
    text = letter(facts, [criterion_feedback("Method", 100, [(8, "Secret comment.")])])
    assert text is not None
    assert "not shortlisted" in text and "shortlisted 3" in text
    assert "Secret comment." not in text


def test_redaction_removes_the_name_with_and_without_its_legal_suffix() -> None:
    text = "Sortwise Robotics Ltd will deliver. Sortwise Robotics has done this before."
    assert (
        redact(text, "Sortwise Robotics Ltd")
        == f"{REDACTED} will deliver. {REDACTED} has done this before."
    )


def test_redaction_removes_the_web_address_and_the_capitalised_brand() -> None:
    text = "See shiftbus.example: Shiftbus runs dynamic headways."
    out = redact(text, "Shiftbus Ltd", "https://shiftbus.example")
    assert "shiftbus" not in out.lower()


def test_redaction_leaves_everyday_words_that_share_a_brand_alone() -> None:
    text = "We map kerbside loading bays."
    assert redact(text, "Kerbside Analytics Ltd", "https://kerbside.example") == text
