"""Recompute match scores outside requests: claim a job, compute in a thread, store.

Jobs are rows (``MatchJob``) written by ``ranking.jobs`` in the transaction of the
change that needs them. ``run_pending`` claims one at a time with a conditional
UPDATE, so several workers (or app instances) never run the same job at once; the
matcher runs in a worker thread so the event loop keeps serving requests; results
replace the old rows in one short transaction. A job re-requested while it ran is
run again; a failing job is retried a few times, then left with its error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from starlette.concurrency import run_in_threadpool
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from urbanchallenge.accounts.models import Organisation, OrganisationKind
from urbanchallenge.challenges.lifecycle import Status, status_of
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.ranking import adapter, index
from urbanchallenge.ranking.jobs import ALL_STARTUPS, CHALLENGE, STARTUP, request_startup_refit
from urbanchallenge.ranking.models import MatchJob, MatchScore, StartupFit

log = logging.getLogger("urbanchallenge.ranking")

MAX_ATTEMPTS = 5
# A job claimed longer ago than this is assumed abandoned (its worker died) and reclaimed.
STALE_CLAIM = timedelta(minutes=10)


def now() -> datetime:
    return datetime.now(UTC)


def submitted(query: Q | None = None) -> Q:
    base = Q(submitted_at__isnull=False, withdrawn_at__isnull=True)
    return base & query if query is not None else base


async def rescore_challenge(challenge_id: int) -> None:
    challenge = await Challenge.get_or_none(id=challenge_id)
    if challenge is None:
        return
    own = await Proposal.filter(submitted(Q(challenge_id=challenge_id))).order_by("id")
    others = await Proposal.filter(submitted(~Q(challenge_id=challenge_id))).only(
        "id", "title", "summary", "approach", "impact"
    )
    ranking = await run_in_threadpool(
        adapter.rank_proposals,
        adapter.challenge_document(challenge),
        [adapter.proposal_document(p) for p in own],
        [adapter.proposal_document(p) for p in others],
    )
    moment = now()
    async with in_transaction():
        await MatchScore.filter(challenge_id=challenge_id).delete()
        await MatchScore.bulk_create(
            [
                MatchScore(
                    challenge_id=challenge_id,
                    proposal_id=item.id,
                    score=item.score,
                    rank=item.rank,
                    terms=item.terms,
                    duplicate_of_id=item.duplicate_of,
                    duplicate_score=item.duplicate_score,
                    model_version=ranking.model_version,
                    computed_at=moment,
                )
                for item in ranking.items
            ]
        )


async def open_challenges() -> list[Challenge]:
    moment = now()
    candidates = await Challenge.filter(
        published_at__isnull=False,
        withdrawn_at__isnull=True,
        shortlisting_at__isnull=True,
        decided_at__isnull=True,
        closes_at__gt=moment,
    ).order_by("id")
    return [c for c in candidates if status_of(c, moment) is Status.OPEN]


async def refit_startup(organisation_id: int, challenges: list[Challenge] | None = None) -> None:
    organisation = await Organisation.get_or_none(id=organisation_id, kind=OrganisationKind.STARTUP)
    if organisation is None:
        return
    challenges = await open_challenges() if challenges is None else challenges
    proposals = await Proposal.filter(organisation_id=organisation_id).order_by("id")
    profile = adapter.profile_document(organisation, proposals)
    ranking = await run_in_threadpool(
        adapter.rank_challenges, profile, [adapter.challenge_document(c) for c in challenges]
    )
    moment = now()
    async with in_transaction():
        await StartupFit.filter(organisation_id=organisation_id).delete()
        await StartupFit.bulk_create(
            [
                StartupFit(
                    organisation_id=organisation_id,
                    challenge_id=item.id,
                    score=item.score,
                    rank=item.rank,
                    terms=item.terms,
                    model_version=ranking.model_version,
                    computed_at=moment,
                )
                for item in ranking.items
            ]
        )


async def refit_all_startups() -> None:
    """The open challenges changed: rebuild the shared search index, then queue a refit
    for every start-up (each is its own job)."""
    await index.rebuild(await open_challenges())
    for organisation in await Organisation.filter(kind=OrganisationKind.STARTUP).only("id"):
        await request_startup_refit(organisation.id)


HANDLERS: dict[str, Callable[[int], object]] = {
    CHALLENGE: rescore_challenge,
    STARTUP: refit_startup,
    ALL_STARTUPS: lambda _: refit_all_startups(),
}


async def _claim() -> MatchJob | None:
    """Take the oldest runnable job, or None. Safe against other workers doing the same."""
    moment = now()
    runnable = Q(started_at__isnull=True) | Q(started_at__lt=moment - STALE_CLAIM)
    for job in (
        await MatchJob.filter(runnable, attempts__lt=MAX_ATTEMPTS)
        .order_by("requested_at", "id")
        .limit(5)
    ):
        claimed = await MatchJob.filter(
            Q(id=job.id) & (Q(started_at__isnull=True) | Q(started_at__lt=moment - STALE_CLAIM))
        ).update(started_at=moment, attempts=F("attempts") + 1)
        if claimed:
            job.started_at = moment
            return job
    return None


async def _finish(job: MatchJob) -> None:
    # Re-requested while running: leave it pending so it runs again with the newer data.
    done = await MatchJob.filter(id=job.id, requested_at__lte=job.started_at).delete()
    if not done:
        await MatchJob.filter(id=job.id).update(started_at=None, attempts=0)


async def run_one() -> bool:
    """Run the next pending job; return False when there was none."""
    job = await _claim()
    if job is None:
        return False
    handler = HANDLERS.get(job.kind)
    try:
        if handler is None:
            raise ValueError(f"unknown job kind {job.kind!r}")
        result = handler(job.target_id)
        if asyncio.iscoroutine(result):
            await result
    except Exception as exc:  # recorded on the job and retried; never kills the worker
        log.exception("Matching job %s %s failed", job.kind, job.target_id)
        await MatchJob.filter(id=job.id).update(started_at=None, last_error=repr(exc)[:2000])
        return True
    await _finish(job)
    return True


async def run_pending(limit: int | None = None) -> int:
    """Run jobs until none is left (or ``limit`` ran); return how many ran."""
    count = 0
    while limit is None or count < limit:
        if not await run_one():
            break
        count += 1
    return count


async def pending_count() -> int:
    return await MatchJob.filter(attempts__lt=MAX_ATTEMPTS).count()


class Worker:
    """Runs pending jobs in the background of the web app until stopped."""

    def __init__(
        self, poll_interval: float = 2.0, *, on_change: Callable[[], None] | None = None
    ) -> None:
        self.poll_interval = poll_interval
        self.on_change = on_change
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="urbanchallenge-matching-worker")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    async def _loop(self) -> None:
        while True:
            try:
                if await run_pending(limit=50):
                    self._changed()
            except asyncio.CancelledError:
                raise
            except Exception:  # e.g. the database is briefly unreachable: try again later
                log.exception("The matching worker could not run jobs")
                self._changed()  # some may have run before it failed
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
