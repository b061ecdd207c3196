"""The demo data loads completely, idempotently, and its accounts can sign in."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from tests.conftest import post_form
from urbanchallenge.accounts import services as accounts
from urbanchallenge.accounts.models import Organisation, Role, User
from urbanchallenge.challenges.models import Challenge, Criterion, EligibilityQuestion
from urbanchallenge.fixtures import DEMO_DIR, DEMO_PASSWORD, database_is_empty, load_demo
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking.models import MatchJob


def demo(name: str) -> list[dict[str, object]]:
    data = json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


async def test_loading_twice_creates_everything_once(db: str) -> None:
    assert await database_is_empty()
    ticks: list[int] = []
    totals: list[int] = []

    first = await load_demo(progress=ticks.append, set_total=totals.append)
    sizes = {
        "organisations": await Organisation.all().count(),
        "users": await User.all().count(),
        "challenges": await Challenge.all().count(),
        "proposals": await Proposal.all().count(),
        "criteria": await Criterion.all().count(),
        "answers": await EligibilityAnswer.all().count(),
    }
    second = await load_demo()

    assert sizes["organisations"] == len(demo("organisations.json"))
    assert sizes["users"] == len(demo("users.json"))
    assert sizes["challenges"] == len(demo("challenges.json"))
    assert sizes["proposals"] == len(demo("proposals.json"))
    assert all(existing == 0 for _, existing in first.values())
    assert all(created == 0 for created, _ in second.values())
    assert sum(ticks) == totals[0]
    assert not await database_is_empty()
    # The demo asks for its match scores, so the first visit shows ranked proposals.
    assert await MatchJob.filter(kind="challenge").count() == sizes["challenges"]
    assert await MatchJob.exists(kind="all_startups")
    # Nothing was duplicated by the second run.
    assert await Organisation.all().count() == sizes["organisations"]
    assert await Proposal.all().count() == sizes["proposals"]
    assert await Criterion.all().count() == sizes["criteria"]
    assert await EligibilityAnswer.all().count() == sizes["answers"]


async def test_an_administrator_trying_the_demo_finds_one_body_to_verify(db: str) -> None:
    await load_demo()
    waiting = await accounts.bodies_awaiting_verification()
    assert [o.name for o in waiting] == ["Warwickshire County Council"]
    officer = await User.get(organisation_id=waiting[0].id)
    assert officer.role is Role.COUNCIL_OFFICER


async def test_the_demo_has_challenges_open_now_and_at_every_other_stage(db: str) -> None:
    await load_demo()
    now = datetime.now(UTC)

    open_now = await Challenge.filter(
        published_at__isnull=False,
        withdrawn_at__isnull=True,
        opens_at__lte=now,
        closes_at__gt=now,
    ).count()
    assert open_now >= 10
    assert await Challenge.filter(published_at__isnull=True).count() >= 1
    assert await Challenge.filter(shortlisting_at__isnull=False, decided_at__isnull=True).exists()
    assert await Challenge.filter(decided_at__isnull=False).exists()
    assert await Challenge.filter(withdrawn_at__isnull=False).exists()
    for challenge in await Challenge.all():
        weights = await Criterion.filter(challenge=challenge).values_list("weight", flat=True)
        assert sum(weights) == 100, challenge.title
    # Every proposal answered every eligibility question of its challenge.
    for proposal in await Proposal.all().limit(40):
        questions = await EligibilityQuestion.filter(challenge_id=proposal.challenge_id).count()
        answers = await EligibilityAnswer.filter(proposal=proposal).count()
        assert answers == questions


@pytest.mark.parametrize("role", list(Role))
async def test_a_demo_account_of_every_role_signs_in(client: httpx.AsyncClient, role: Role) -> None:
    await load_demo()
    user = await User.filter(role=role).order_by("id").first()
    assert user is not None, role
    response = await post_form(client, "/sign-in", {"email": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 303
