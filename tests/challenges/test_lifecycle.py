"""The lifecycle, driven by random sequences of moves and clock changes on in-memory challenges.

Whatever happens, only the moves in ``ALLOWED`` succeed, a refused move changes
nothing, the status read from the timestamps is the one just moved to, and the
timestamps never describe an impossible history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.lifecycle import ALLOWED, Status
from urbanchallenge.challenges.models import Challenge, Outcome
from urbanchallenge.domain import Conflict

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
STAMPS = ("published_at", "shortlisting_at", "decided_at", "withdrawn_at", "outcome")


def fresh(opens_in: timedelta, open_for: timedelta) -> Challenge:
    """An unsaved draft: no database is needed to read or move its state."""
    return Challenge(
        title="Bus punctuality",
        opens_at=START + opens_in,
        closes_at=START + opens_in + open_for,
    )


@dataclass(frozen=True)
class Move:
    to: Status
    outcome: Outcome | None


@dataclass(frozen=True)
class Wait:
    by: timedelta


steps = st.lists(
    st.one_of(
        st.builds(
            Move,
            to=st.sampled_from(list(Status)),
            outcome=st.one_of(st.none(), st.sampled_from(list(Outcome))),
        ),
        st.builds(Wait, by=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))),
    ),
    max_size=12,
)


def snapshot(challenge: Challenge) -> dict[str, object]:
    return {name: getattr(challenge, name) for name in (*STAMPS, "opens_at", "closes_at")}


def assert_possible_history(challenge: Challenge, now: datetime) -> None:
    """Timestamps that only legal moves could have produced."""
    published, shortlisted = challenge.published_at, challenge.shortlisting_at
    decided, withdrawn = challenge.decided_at, challenge.withdrawn_at
    assert not (decided is not None and withdrawn is not None)
    if shortlisted is not None:
        assert published is not None and published <= shortlisted
        # Shortlisting starts only once the challenge has closed.
        assert challenge.closes_at <= shortlisted
    if decided is not None:
        assert shortlisted is not None and shortlisted <= decided
        assert challenge.outcome is not None
    else:
        assert challenge.outcome is None
    if published is not None:
        assert challenge.opens_at <= published
    for stamp in (published, shortlisted, decided, withdrawn):
        assert stamp is None or stamp <= now


@settings(max_examples=300, deadline=None)
@given(
    opens_in=st.timedeltas(min_value=timedelta(days=-5), max_value=timedelta(days=10)),
    open_for=st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=60)),
    plan=steps,
)
def test_random_moves_and_clock_changes_never_reach_an_impossible_state(
    opens_in: timedelta, open_for: timedelta, plan: list[Move | Wait]
) -> None:
    challenge = fresh(opens_in, open_for)
    now = START
    for step in plan:
        if isinstance(step, Wait):
            before = lifecycle.status_of(challenge, now)
            now += step.by
            after = lifecycle.status_of(challenge, now)
            # Time alone only ever closes an open challenge.
            assert after is before or (before, after) == (Status.OPEN, Status.CLOSED)
            continue
        current = lifecycle.status_of(challenge, now)
        legal = step.to in ALLOWED[current]
        needs_future_close = step.to is Status.OPEN and challenge.closes_at <= now
        needs_outcome = step.to is Status.DECIDED and step.outcome is None
        before = snapshot(challenge)
        try:
            changed = lifecycle.transition(challenge, step.to, now=now, outcome=step.outcome)
        except Conflict as refused:
            assert not legal or needs_future_close or needs_outcome
            assert refused.detail
            assert snapshot(challenge) == before, "a refused move must change nothing"
        else:
            assert legal and not needs_future_close and not needs_outcome
            assert lifecycle.status_of(challenge, now) is step.to
            after = snapshot(challenge)
            assert {k for k in after if after[k] != before[k]} <= set(changed)
        assert_possible_history(challenge, now)


@settings(max_examples=100, deadline=None)
@given(
    opens_in=st.timedeltas(min_value=timedelta(days=-5), max_value=timedelta(days=10)),
    open_for=st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=60)),
    published=st.booleans(),
    shortlisted=st.booleans(),
    decided=st.booleans(),
    withdrawn=st.booleans(),
    at=st.timedeltas(min_value=timedelta(days=-10), max_value=timedelta(days=90)),
)
def test_the_status_always_matches_the_timestamps(
    opens_in: timedelta,
    open_for: timedelta,
    published: bool,
    shortlisted: bool,
    decided: bool,
    withdrawn: bool,
    at: timedelta,
) -> None:
    challenge = fresh(opens_in, open_for)
    if published:
        challenge.published_at = START
    if shortlisted:
        challenge.shortlisting_at = START
    if decided:
        challenge.decided_at = START
    if withdrawn:
        challenge.withdrawn_at = START
    now = START + at

    status = lifecycle.status_of(challenge, now)

    if withdrawn:
        assert status is Status.WITHDRAWN
    elif decided:
        assert status is Status.DECIDED
    elif shortlisted:
        assert status is Status.SHORTLISTING
    elif not published:
        assert status is Status.DRAFT
    else:
        assert status is (Status.OPEN if now < challenge.closes_at else Status.CLOSED)
    assert lifecycle.is_open(challenge, now) is (status is Status.OPEN)


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("to", list(Status))
def test_check_allows_exactly_the_allowed_moves(current: Status, to: Status) -> None:
    challenge = in_state(current)
    now = START + timedelta(days=1)
    if to in ALLOWED[current]:
        assert lifecycle.check(challenge, to, now) is current
    else:
        with pytest.raises(Conflict):
            lifecycle.check(challenge, to, now)


def in_state(status: Status) -> Challenge:
    """A challenge in ``status`` one day after START."""
    challenge = fresh(timedelta(0), timedelta(days=10))
    if status is Status.DRAFT:
        return challenge
    challenge.published_at = START
    if status is Status.CLOSED:
        challenge.closes_at = START + timedelta(hours=1)
    if status in {Status.SHORTLISTING, Status.DECIDED}:
        challenge.closes_at = START + timedelta(hours=1)
        challenge.shortlisting_at = START + timedelta(hours=2)
    if status is Status.DECIDED:
        challenge.decided_at = START + timedelta(hours=3)
        challenge.outcome = Outcome.NOT_AWARDED
    if status is Status.WITHDRAWN:
        challenge.withdrawn_at = START + timedelta(hours=3)
    assert lifecycle.status_of(challenge, START + timedelta(days=1)) is status
    return challenge


def test_an_illegal_move_says_why_in_plain_english() -> None:
    with pytest.raises(Conflict, match="Close the challenge before shortlisting"):
        lifecycle.transition(in_state(Status.OPEN), Status.SHORTLISTING, now=START)
    with pytest.raises(Conflict, match="cannot change any more"):
        lifecycle.transition(in_state(Status.DECIDED), Status.WITHDRAWN, now=START)


def test_publishing_early_opens_now_and_closing_early_closes_now() -> None:
    challenge = fresh(timedelta(days=3), timedelta(days=10))
    moment = START + timedelta(hours=1)

    assert set(lifecycle.transition(challenge, Status.OPEN, now=moment)) == {
        "published_at",
        "opens_at",
    }
    assert challenge.opens_at == moment
    later = moment + timedelta(days=2)
    assert lifecycle.transition(challenge, Status.CLOSED, now=later) == ["closes_at"]
    assert challenge.closes_at == later
    assert lifecycle.status_of(challenge, later) is Status.CLOSED
