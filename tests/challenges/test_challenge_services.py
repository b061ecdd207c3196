"""Challenge rules that live in the services, checked directly."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.challenges.helpers import challenge_data, closed, draft, now, officer, opened
from tests.conftest import make_user
from urbanchallenge.accounts.models import Role
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges import services
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import Challenge, Criterion
from urbanchallenge.domain import Conflict, NotFound
from urbanchallenge.ranking.models import MatchJob
from urbanchallenge.validation import ValidationFailed


async def jobs() -> set[tuple[str, int]]:
    return {(j.kind, j.target_id) for j in await MatchJob.all()}


async def test_publishing_records_when_the_challenge_really_opened(db: str) -> None:
    user = await officer()
    planned_later = await draft(user, title="Planned later", opens_at=now() + timedelta(days=5))
    planned_earlier = await draft(user, title="Planned earlier")
    await Challenge.filter(id=planned_earlier.id).update(opens_at=now() - timedelta(days=5))

    before = now()
    for challenge in (planned_later, planned_earlier):
        opened_at = (await services.publish(user, challenge.id)).opens_at
        assert before <= opened_at <= now()


async def test_two_publishes_at_once_open_the_challenge_once(db: str) -> None:
    user = await officer()
    challenge = await draft(user)

    results = await asyncio.gather(
        services.publish(user, challenge.id),
        services.publish(user, challenge.id),
        return_exceptions=True,
    )

    assert sum(isinstance(r, Challenge) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert await AuditEvent.filter(action="challenge.opened").count() == 1


async def test_only_changes_to_the_open_set_refit_every_start_up(db: str) -> None:
    user = await officer()
    live = await opened(user, title="Live")
    ended = await closed(user, title="Ended")
    await MatchJob.all().delete()

    await services.add_clarification(user, ended.id, "Late note")
    assert await jobs() == {("challenge", ended.id)}
    await services.withdraw(user, ended.id, "No longer needed")
    assert await jobs() == {("challenge", ended.id)}

    await services.add_clarification(user, live.id, "Open note")
    assert ("all_startups", 0) in await jobs()
    await MatchJob.all().delete()
    await services.close_early(user, live.id)
    assert await jobs() == {("challenge", live.id), ("all_startups", 0)}


async def test_a_draft_cannot_take_another_of_the_bodys_titles(db: str) -> None:
    user = await officer()
    await draft(user, title="Taken")
    mine = await draft(user, title="Mine")

    with pytest.raises(ValidationFailed) as refused:
        await services.update_draft(user, mine.id, {"title": "Taken"}, partial=True)

    assert list(refused.value.errors) == ["title"]
    assert (await Challenge.get(id=mine.id)).title == "Mine"
    assert await Criterion.filter(challenge_id=mine.id).count() == 3


async def test_another_body_may_reuse_a_title(db: str) -> None:
    await draft(await officer(), title="Shared title")
    assert await draft(await officer(), title="Shared title")


async def test_a_draft_whose_closing_date_passed_can_be_edited_but_not_published(db: str) -> None:
    user = await officer()
    challenge = await draft(user, opens_at=now() - timedelta(days=9))
    await Challenge.filter(id=challenge.id).update(closes_at=now() - timedelta(days=1))

    edited = await services.update_draft(user, challenge.id, {"summary": "New"}, partial=True)
    with pytest.raises(Conflict, match="at least 1 day from now"):
        await services.publish(user, challenge.id)
    with pytest.raises(ValidationFailed, match="must be in the future"):
        await services.update_draft(
            user, challenge.id, {"closes_at": now() - timedelta(hours=1)}, partial=True
        )

    assert edited.summary == "New"


async def test_only_officers_of_a_public_body_can_draft(db: str) -> None:
    with pytest.raises(NotFound):
        await services.create_draft(await make_user(Role.STARTUP_MEMBER), challenge_data())
    with pytest.raises(NotFound):
        await services.create_draft(await make_user(Role.REVIEWER), challenge_data())


async def test_deciding_is_left_to_the_reviews_area(db: str) -> None:
    user = await officer()
    challenge = await closed(user)
    await services.start_shortlisting(user, challenge.id)

    with pytest.raises(Conflict, match="panel's results"):
        await services.move(user, challenge.id, Status.DECIDED)


async def test_status_queries_agree_with_the_lifecycle(db: str) -> None:
    user = await officer()
    made = {
        Status.DRAFT: await draft(user, title="d"),
        Status.OPEN: await opened(user, title="o"),
        Status.CLOSED: await closed(user, title="c"),
    }
    shortlisting = await closed(user, title="s")
    made[Status.SHORTLISTING] = await services.start_shortlisting(user, shortlisting.id)
    withdrawn = await opened(user, title="w")
    made[Status.WITHDRAWN] = await services.withdraw(user, withdrawn.id, "")

    for status, challenge in made.items():
        listed = await services.list_for_body(user, status)
        assert [f.challenge.id for f in listed] == [challenge.id], status
        assert listed[0].status is status
    grouped = await services.yours(user)
    assert {s: [c.id for c, _ in rows] for s, rows in grouped.items() if rows} == {
        s: [c.id] for s, c in made.items()
    }
