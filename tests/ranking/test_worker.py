"""Match scores are computed outside requests from job rows, stored, and kept current."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tests.ranking.factories import open_challenge, public_body, startup, submitted_proposal
from urbanchallenge.ranking import jobs, worker
from urbanchallenge.ranking.models import MatchJob, MatchScore, StartupFit

BUS = "Buses lose time at signalised junctions and busy stops on the corridor."


async def test_a_requested_rescore_stores_ranked_scores_with_terms_and_version(db: str) -> None:
    body, _ = await public_body()
    challenge = await open_challenge(body, "Bus punctuality", BUS)
    good_org, _ = await startup()
    poor_org, _ = await startup()
    good = await submitted_proposal(
        challenge, good_org, "Junction delays", "Bus delay at each junction and stop."
    )
    poor = await submitted_proposal(challenge, poor_org, "Chatbot", "An assistant for council tax.")

    await jobs.request_challenge_rescore(challenge.id)
    assert await worker.run_pending() >= 1

    scores = await MatchScore.filter(challenge_id=challenge.id).order_by("rank")
    assert [s.proposal_id for s in scores] == [good.id, poor.id]
    assert scores[0].score > scores[1].score
    assert scores[0].terms and scores[0].model_version.startswith("tfidf")
    assert not await MatchJob.exists()


async def test_requesting_twice_while_pending_queues_one_job(db: str) -> None:
    await jobs.request_challenge_rescore(7)
    await jobs.request_challenge_rescore(7)
    assert await MatchJob.filter(kind="challenge", target_id=7).count() == 1


async def test_a_request_made_while_a_job_runs_makes_it_run_again(db: str) -> None:
    body, _ = await public_body()
    challenge = await open_challenge(body, "Bus punctuality", BUS)
    await jobs.request_challenge_rescore(challenge.id)
    job = await worker._claim()
    assert job is not None
    # A proposal is submitted while the job is running...
    later = datetime.now(UTC) + timedelta(seconds=1)
    await MatchJob.filter(id=job.id).update(requested_at=later)
    await worker._finish(job)
    # ...so the job stays, ready to run again with the newer data.
    again = await MatchJob.get(id=job.id)
    assert again.started_at is None


async def test_a_withdrawn_proposal_leaves_the_ranking_at_the_next_rescore(db: str) -> None:
    body, _ = await public_body()
    challenge = await open_challenge(body, "Bus punctuality", BUS)
    org, _ = await startup()
    proposal = await submitted_proposal(
        challenge, org, "Junction delays", "Bus delay at junctions."
    )
    await jobs.request_challenge_rescore(challenge.id)
    await worker.run_pending()
    assert await MatchScore.filter(proposal_id=proposal.id).exists()

    proposal.withdrawn_at = datetime.now(UTC)
    await proposal.save()
    await jobs.request_challenge_rescore(challenge.id)
    await worker.run_pending()

    assert not await MatchScore.filter(proposal_id=proposal.id).exists()


async def test_a_failing_job_keeps_its_error_and_is_retried_then_given_up(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(_: int) -> None:
        raise RuntimeError("matcher exploded")

    monkeypatch.setitem(worker.HANDLERS, jobs.CHALLENGE, broken)
    await jobs.request_challenge_rescore(1)

    ran = await worker.run_pending()

    job = await MatchJob.get(kind="challenge", target_id=1)
    assert ran == worker.MAX_ATTEMPTS
    assert job.attempts == worker.MAX_ATTEMPTS and "matcher exploded" in job.last_error
    assert await worker.run_pending() == 0


async def test_two_workers_never_claim_the_same_job(db: str) -> None:
    await jobs.request_challenge_rescore(1)
    claims = await asyncio.gather(worker._claim(), worker._claim())
    assert sum(c is not None for c in claims) == 1


async def test_an_abandoned_claim_is_taken_over(db: str) -> None:
    await jobs.request_challenge_rescore(1)
    await MatchJob.all().update(started_at=datetime.now(UTC) - worker.STALE_CLAIM - timedelta(1))
    assert await worker._claim() is not None


async def test_start_ups_get_open_challenges_ranked_for_their_profile(db: str) -> None:
    body, _ = await public_body()
    buses = await open_challenge(body, "Bus punctuality", BUS)
    bins = await open_challenge(
        body, "Missed bins", "Bin lorries miss collections at tower blocks."
    )
    closed = await open_challenge(body, "Closed bus study", BUS)
    closed.closes_at = datetime.now(UTC) - timedelta(days=1)
    await closed.save()
    org, _ = await startup(description="We measure bus delay at junctions from AVL feeds.")

    await jobs.request_all_startups_refit()
    await worker.run_pending()

    fits = await StartupFit.filter(organisation_id=org.id).order_by("rank")
    assert fits and fits[0].challenge_id == buses.id
    assert closed.id not in {f.challenge_id for f in fits}
    assert bins.id not in {f.challenge_id for f in fits[:1]}
