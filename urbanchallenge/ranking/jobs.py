"""Requests to recompute match scores, written in the same transaction as the change.

A state change that affects matching (a proposal submitted or withdrawn, a challenge
published, edited, clarified, closed or withdrawn, a start-up's profile edited) calls
one of the ``request_*`` functions inside its transaction. The row is the durable
promise that the scores will be recomputed; the worker in ``ranking.worker`` does it
outside any request. A second request for the same target while one is pending
adds nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from urbanchallenge.ranking.models import MatchJob

CHALLENGE = "challenge"
STARTUP = "startup"
ALL_STARTUPS = "all_startups"


async def _request(kind: str, target_id: int) -> None:
    if await MatchJob.exists(kind=kind, target_id=target_id, started_at__isnull=True):
        return
    try:
        # A savepoint, so a lost race for the unique (kind, target) row does not
        # abort the caller's transaction.
        async with in_transaction():
            await MatchJob.create(kind=kind, target_id=target_id, requested_at=datetime.now(UTC))
    except IntegrityError:
        # Already requested (or running): the pending row will pick up this change.
        await MatchJob.filter(kind=kind, target_id=target_id).update(requested_at=datetime.now(UTC))


async def request_challenge_rescore(challenge_id: int) -> None:
    """Rank this challenge's submitted proposals again (and refresh its duplicate flags)."""
    await _request(CHALLENGE, challenge_id)


async def request_startup_refit(organisation_id: int) -> None:
    """Rank the open challenges for this start-up again."""
    await _request(STARTUP, organisation_id)


async def request_all_startups_refit() -> None:
    """The set of open challenges changed: every start-up's fits need recomputing."""
    await _request(ALL_STARTUPS, 0)
