"""The fault suite's own verdict: it finds a lost write and a half-written change.

`make soak` passes only if these checks find nothing after the faults, so they must
be able to find something: each test hands them a database snapshot with one fault.
"""

from __future__ import annotations

from typing import Any

from soak.checks import Snapshot, check
from soak.traffic import Ledger, Write

T = "2026-01-01 10:00:00"


def consistent() -> dict[str, list[dict[str, Any]]]:
    """A start-up that proposed and submitted, and a member who scored it, all audited."""
    return {
        "organisation": [{"id": 1, "name": "Soak startup a1"}],
        "user_account": [
            {"id": 1, "email": "a@soak.example", "role": "startup_member", "organisation_id": 1},
            {"id": 2, "email": "r@soak.example", "role": "reviewer", "organisation_id": None},
        ],
        "challenge": [{"id": 5}],
        "eligibility_question": [{"id": 1, "challenge_id": 5}, {"id": 2, "challenge_id": 5}],
        "criterion": [{"id": 1, "challenge_id": 5}, {"id": 2, "challenge_id": 5}],
        "proposal": [
            {
                "id": 9,
                "challenge_id": 5,
                "organisation_id": 1,
                "title": "Sensors",
                "submitted_at": T,
                "withdrawn_at": None,
            }
        ],
        "eligibility_answer": [
            {"proposal_id": 9, "question_id": 1},
            {"proposal_id": 9, "question_id": 2},
        ],
        "score": [
            {"proposal_id": 9, "member_id": 2, "criterion_id": 1, "submitted_at": T},
            {"proposal_id": 9, "member_id": 2, "criterion_id": 2, "submitted_at": T},
        ],
        "shortlist_entry": [{"challenge_id": 5, "proposal_id": 9}],
        "audit_event": [
            {"id": 1, "action": "proposal.created", "actor_id": 1, "subject_id": 9},
            {"id": 2, "action": "proposal.submitted", "actor_id": 1, "subject_id": 9},
            {"id": 3, "action": "score.submitted", "actor_id": 2, "subject_id": 9},
            {
                "id": 4,
                "action": "shortlist.updated",
                "actor_id": 3,
                "subject_id": 5,
                "details": '{"proposal_ids": [9]}',
            },
        ],
    }


def ledger() -> Ledger:
    done = Ledger()
    done.writes = [
        Write("account", {"email": "a@soak.example"}, status=201),
        Write("proposal", {"id": 9, "title": "Sensors", "answers": 2}, status=201),
        Write("submit", {"id": 9}, status=200),
        Write("score", {"proposal": 9, "email": "r@soak.example"}, status=200),
        Write("shortlist", {"challenge": 5, "ids": [9]}, status=200),
    ]
    return done


def findings(rows: dict[str, list[dict[str, Any]]], writes: Ledger | None = None) -> Any:
    for event in rows["audit_event"]:
        event.setdefault("challenge_id", 5)
        event.setdefault("details", "{}")
    return check(Snapshot(rows), writes or ledger())


def test_a_consistent_database_passes() -> None:
    found = findings(consistent())

    assert found.lost == [] and found.half_written == []


def test_an_acknowledged_proposal_that_is_missing_is_lost() -> None:
    rows = consistent()
    rows["proposal"] = []
    rows["eligibility_answer"] = []

    assert "proposal 9 (Sensors)" in findings(rows).lost


def test_an_acknowledged_submission_that_is_still_a_draft_is_lost() -> None:
    rows = consistent()
    rows["proposal"][0]["submitted_at"] = None

    assert findings(rows).lost == ["submission of proposal 9"]


def test_a_write_without_an_answer_may_be_missing() -> None:
    rows = consistent()
    rows["proposal"][0]["submitted_at"] = None
    writes = ledger()
    writes.writes[2].status = None  # the connection broke before the answer

    assert findings(rows, writes).lost == []


def test_a_proposal_without_all_its_answers_is_half_written() -> None:
    rows = consistent()
    rows["eligibility_answer"].pop()

    assert findings(rows).half_written == ["proposal 9 has 1 of 2 eligibility answers"]


def test_a_score_set_missing_a_criterion_is_half_written() -> None:
    rows = consistent()
    rows["score"].pop()

    assert any("1 submitted of 1 scores" in x for x in findings(rows).half_written)


def test_a_partly_submitted_score_set_is_half_written() -> None:
    rows = consistent()
    rows["score"][1]["submitted_at"] = None

    assert any("1 submitted of 2" in x for x in findings(rows).half_written)


def test_a_submission_without_its_audit_event_is_half_written() -> None:
    rows = consistent()
    rows["audit_event"] = [e for e in rows["audit_event"] if e["action"] != "score.submitted"]

    assert any("no audit event" in x for x in findings(rows).half_written)


def test_a_shortlist_that_disagrees_with_its_audit_event_is_half_written() -> None:
    rows = consistent()
    rows["shortlist_entry"].append({"challenge_id": 5, "proposal_id": 10})
    writes = ledger()
    writes.writes.append(Write("shortlist", {"challenge": 5, "ids": [9, 10]}, status=None))

    found = findings(rows, writes)

    assert found.lost == []  # an unanswered later request may have been saved
    assert any("differs from its last audit event" in x for x in found.half_written)


def test_an_organisation_without_its_user_is_half_written() -> None:
    rows = consistent()
    rows["organisation"].append({"id": 2, "name": "Soak startup b2"})

    assert findings(rows).half_written == ["organisation 2 has no user"]


def test_a_broken_sqlite_file_fails() -> None:
    rows = consistent()
    for event in rows["audit_event"]:
        event.setdefault("challenge_id", 5)
        event.setdefault("details", "{}")

    found = check(Snapshot(rows, "corrupt page 4"), ledger())

    assert found.half_written == ["PRAGMA integrity_check: corrupt page 4"]
