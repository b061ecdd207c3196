"""A challenge's lifecycle, derived from its timestamps and guarded in one place.

::

    draft -> open -> closed -> shortlisting -> decided (awarded or not awarded)
      \\________\\________\\___________\\-------> withdrawn (from any state before decided)

``status_of`` reads the state from the timestamps (so a challenge closes by itself
when its closing time passes) and ``transition`` is the only code that moves it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from urbanchallenge.challenges.models import Challenge, Outcome
from urbanchallenge.domain import Conflict


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    SHORTLISTING = "shortlisting"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            Status.DRAFT: "Draft",
            Status.OPEN: "Open",
            Status.CLOSED: "Closed",
            Status.SHORTLISTING: "Shortlisting",
            Status.DECIDED: "Decided",
            Status.WITHDRAWN: "Withdrawn",
        }[self]


ALLOWED: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.WITHDRAWN}),
    Status.OPEN: frozenset({Status.CLOSED, Status.WITHDRAWN}),
    Status.CLOSED: frozenset({Status.SHORTLISTING, Status.WITHDRAWN}),
    Status.SHORTLISTING: frozenset({Status.DECIDED, Status.WITHDRAWN}),
    Status.DECIDED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

_WHY_NOT = {
    (Status.DRAFT, Status.CLOSED): "A draft has not opened, so it cannot close. Publish it first",
    (
        Status.DRAFT,
        Status.SHORTLISTING,
    ): "Publish the challenge and let it close before shortlisting",
    (Status.OPEN, Status.SHORTLISTING): "Close the challenge before shortlisting",
    (Status.OPEN, Status.DECIDED): "Close the challenge and shortlist before deciding",
    (Status.CLOSED, Status.DECIDED): "Start shortlisting and have the panel score before deciding",
    (Status.CLOSED, Status.OPEN): "A closed challenge cannot reopen",
}


def now_utc() -> datetime:
    return datetime.now(UTC)


def status_of(challenge: Challenge, now: datetime | None = None) -> Status:
    moment = now or now_utc()
    if challenge.withdrawn_at is not None:
        return Status.WITHDRAWN
    if challenge.decided_at is not None:
        return Status.DECIDED
    if challenge.shortlisting_at is not None:
        return Status.SHORTLISTING
    if challenge.published_at is None:
        return Status.DRAFT
    if moment < challenge.closes_at:
        return Status.OPEN
    return Status.CLOSED


def is_open(challenge: Challenge, now: datetime | None = None) -> bool:
    return status_of(challenge, now) is Status.OPEN


def check(challenge: Challenge, to: Status, now: datetime | None = None) -> Status:
    """Raise Conflict, saying why, unless ``to`` is a legal next state; return the current one."""
    current = status_of(challenge, now)
    if to not in ALLOWED[current]:
        reason = _WHY_NOT.get((current, to))
        if reason is None:
            if current in {Status.DECIDED, Status.WITHDRAWN}:
                reason = f"This challenge is {current.value}: it cannot change any more"
            else:
                reason = f"A challenge that is {current.value} cannot move to {to.value}"
        raise Conflict(reason)
    return current


def transition(
    challenge: Challenge,
    to: Status,
    *,
    now: datetime | None = None,
    outcome: Outcome | None = None,
) -> list[str]:
    """Move ``challenge`` to ``to`` by setting its timestamps; return the fields changed.

    The caller saves those fields (and records the audit event) in one transaction.
    Opening a draft opens it now, and closing an open challenge early sets its
    closing time to now; deciding needs an ``outcome``.
    """
    moment = now or now_utc()
    check(challenge, to, moment)
    changed: list[str] = []
    if to is Status.OPEN:
        if challenge.closes_at <= moment:
            raise Conflict("The closing date has passed: set a closing date in the future first")
        challenge.published_at = moment
        changed.append("published_at")
        if challenge.opens_at > moment:
            challenge.opens_at = moment
            changed.append("opens_at")
    elif to is Status.CLOSED:
        challenge.closes_at = moment
        changed.append("closes_at")
    elif to is Status.SHORTLISTING:
        challenge.shortlisting_at = moment
        changed.append("shortlisting_at")
    elif to is Status.DECIDED:
        if outcome is None:
            raise Conflict("A decision needs an outcome: awarded or not awarded")
        challenge.decided_at = moment
        challenge.outcome = outcome
        changed += ["decided_at", "outcome"]
    elif to is Status.WITHDRAWN:
        challenge.withdrawn_at = moment
        changed.append("withdrawn_at")
    return changed
