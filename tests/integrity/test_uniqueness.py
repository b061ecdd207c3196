"""Every "only one" rule is a unique constraint, and identical requests racing leave one row.

The rules, and what backs each in both dialects' migrations:

==========================================  ==============================================
rule                                        constraint
==========================================  ==============================================
one account per email address               user_account (email), stored lower-cased
one organisation per name, ignoring case    organisation (name_key), the lower-cased name
one challenge per title in a public body    challenge (organisation_id, title)
one criterion per name in a challenge       criterion (challenge_id, name)
one proposal per start-up per challenge     proposal (challenge_id, organisation_id)
one answer per question of a proposal       eligibility_answer (proposal_id, question_id)
one panel seat per reviewer and challenge   panel_member (challenge_id, user_id)
one invitation per address and challenge    panel_invitation (challenge_id, email)
one invitation per link                     panel_invitation (token_hash)
one shortlist entry per proposal            shortlist_entry (challenge_id, proposal_id)
one declaration per member and proposal     conflict_declaration (proposal_id, member_id)
one score per member, proposal, criterion   score (proposal_id, member_id, criterion_id)
one session / API token per secret          user_session (token_hash), api_token (token_hash)
one pending matching job per target         match_job (kind, target_id)
one match score per proposal                match_score (challenge_id, proposal_id)
one fit per start-up and challenge          startup_fit (organisation_id, challenge_id)
one shared search index of a name           index_state (name), its primary key
==========================================  ==============================================

Rules about state rather than rows (a challenge is decided once, an invitation is used
once, scores are submitted once) are kept by locking the challenge's row or by a
conditional UPDATE; the races below show those too.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tortoise.exceptions import IntegrityError

from tests.api.conftest import PASSWORD as API_PASSWORD
from tests.api.conftest import ApiClient
from tests.challenges.helpers import api_body, api_client, officer, opened
from tests.conftest import make_user
from tests.integrity.test_atomicity import COMPLETE
from tests.reviews.conftest import Scene, api_as, make_scene
from urbanchallenge.accounts.models import ApiToken, Organisation, Role, Session, User
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges import services as challenges
from urbanchallenge.challenges.models import Challenge, Criterion, EligibilityQuestion
from urbanchallenge.domain import Conflict
from urbanchallenge.proposals import services as proposals
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking.models import IndexState, MatchJob, MatchScore, StartupFit
from urbanchallenge.reviews import services as reviews
from urbanchallenge.reviews.models import (
    ConflictDeclaration,
    PanelInvitation,
    PanelMember,
    Score,
    ShortlistEntry,
)

RACERS = 4


def now() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------ the constraints

Duplicate = Callable[[Scene], Awaitable[Any]]


async def _user(scene: Scene) -> Any:
    return await User.create(
        email=scene.officer.email, name="Copy", password_hash="x", role=Role.REVIEWER
    )


async def _organisation(scene: Scene) -> Any:
    body = await Organisation.get(id=scene.officer.organisation_id)
    return await Organisation.create(name=body.name.upper(), name_key=body.name_key, kind=body.kind)


async def _challenge(scene: Scene) -> Any:
    c = scene.challenge
    return await Challenge.create(
        organisation_id=c.organisation_id,
        title=c.title,
        summary="s",
        problem="p",
        outcomes="o",
        service_area=c.service_area,
        location="l",
        budget_gbp=1,
        opens_at=c.opens_at,
        closes_at=c.closes_at,
    )


async def _criterion(scene: Scene) -> Any:
    first = scene.criteria[0]
    return await Criterion.create(
        challenge=scene.challenge, name=first.name, weight=1, position=9, description=""
    )


async def _proposal(scene: Scene) -> Any:
    p = scene.proposals[0]
    return await Proposal.create(
        challenge_id=p.challenge_id,
        organisation_id=p.organisation_id,
        title="Again",
        summary="",
        approach="",
        impact="",
        team="",
        timeline="",
    )


async def _answer(scene: Scene) -> Any:
    question = await EligibilityQuestion.get(challenge=scene.challenge)
    return await EligibilityAnswer.create(
        proposal=scene.proposals[0], question=question, answer=False
    )


async def _member(scene: Scene) -> Any:
    return await PanelMember.create(
        challenge=scene.challenge, user=scene.reviewers[0], created_at=now()
    )


async def _invitation(scene: Scene, *, same: str) -> Any:
    values = {"email": "grace@example.org", "token_hash": "a" * 64}
    await PanelInvitation.create(
        challenge=scene.challenge, created_at=now(), expires_at=now(), **values
    )
    values["email" if same == "token_hash" else "token_hash"] = "b" * 64
    return await PanelInvitation.create(
        challenge=scene.challenge, created_at=now(), expires_at=now(), **values
    )


async def _shortlist(scene: Scene) -> Any:
    entry = {"challenge": scene.challenge, "proposal": scene.proposals[0]}
    await ShortlistEntry.create(created_at=now(), **entry)
    return await ShortlistEntry.create(created_at=now(), **entry)


async def _declaration(scene: Scene) -> Any:
    pair = {"proposal": scene.proposals[0], "member": scene.reviewers[0]}
    await ConflictDeclaration.create(has_conflict=False, declared_at=now(), **pair)
    return await ConflictDeclaration.create(has_conflict=True, declared_at=now(), **pair)


async def _score(scene: Scene) -> Any:
    key = {
        "proposal": scene.proposals[0],
        "member": scene.reviewers[0],
        "criterion": scene.criteria[0],
    }
    await Score.create(score=3, updated_at=now(), **key)
    return await Score.create(score=4, updated_at=now(), **key)


async def _session(scene: Scene) -> Any:
    when = {"created_at": now(), "last_seen_at": now(), "expires_at": now()}
    await Session.create(token_hash="c" * 64, user=scene.officer, **when)
    return await Session.create(token_hash="c" * 64, user=scene.reviewers[0], **when)


async def _api_token(scene: Scene) -> Any:
    await ApiToken.create(
        token_hash="d" * 64, user=scene.officer, created_at=now(), expires_at=now()
    )
    return await ApiToken.create(
        token_hash="d" * 64, user=scene.reviewers[0], created_at=now(), expires_at=now()
    )


async def _job(scene: Scene) -> Any:
    await MatchJob.filter(kind="challenge", target_id=scene.challenge.id).delete()
    await MatchJob.create(kind="challenge", target_id=scene.challenge.id, requested_at=now())
    return await MatchJob.create(
        kind="challenge", target_id=scene.challenge.id, requested_at=now(), started_at=now()
    )


async def _match(scene: Scene) -> Any:
    row = {
        "challenge": scene.challenge,
        "proposal": scene.proposals[0],
        "score": 0.5,
        "rank": 1,
        "model_version": "v",
        "computed_at": now(),
    }
    await MatchScore.create(**row)
    return await MatchScore.create(**row)


async def _fit(scene: Scene) -> Any:
    row = {
        "organisation_id": scene.proposals[0].organisation_id,
        "challenge": scene.challenge,
        "score": 0.5,
        "rank": 1,
        "model_version": "v",
        "computed_at": now(),
    }
    await StartupFit.create(**row)
    return await StartupFit.create(**row)


async def _index(scene: Scene) -> Any:
    await IndexState.create(name="integrity", updated_at=now())
    return await IndexState.create(name="integrity", updated_at=now())


DUPLICATES: dict[str, Duplicate] = {
    "one account per email": _user,
    "one organisation per name ignoring case": _organisation,
    "one challenge per title in a body": _challenge,
    "one criterion per name in a challenge": _criterion,
    "one proposal per start-up per challenge": _proposal,
    "one answer per question": _answer,
    "one panel seat per reviewer": _member,
    "one invitation per address": lambda s: _invitation(s, same="email"),
    "one invitation per link": lambda s: _invitation(s, same="token_hash"),
    "one shortlist entry per proposal": _shortlist,
    "one declaration per member and proposal": _declaration,
    "one score per member, proposal and criterion": _score,
    "one session per token": _session,
    "one API token per token": _api_token,
    "one pending job per target": _job,
    "one match score per proposal": _match,
    "one fit per start-up and challenge": _fit,
    "one search index per name": _index,
}


@pytest.mark.parametrize("rule", DUPLICATES)
async def test_the_database_itself_refuses_a_second_row(db: str, rule: str) -> None:
    scene = await make_scene(proposals=1, reviewers=2, shortlist=False)

    with pytest.raises(IntegrityError):
        await DUPLICATES[rule](scene)


# ------------------------------------------------------------------ identical requests racing


def statuses(responses: list[httpx.Response]) -> list[int]:
    codes = sorted(r.status_code for r in responses)
    assert all(code < 500 for code in codes), [r.text for r in responses]
    return codes


async def race(call: Callable[[], Awaitable[httpx.Response]]) -> list[int]:
    return statuses(list(await asyncio.gather(*(call() for _ in range(RACERS)))))


async def actions(name: str) -> int:
    return await AuditEvent.filter(action=name).count()


async def test_identical_new_accounts_at_once_make_one_account(client: httpx.AsyncClient) -> None:
    body = {
        "email": "nadia@council.example",
        "password": API_PASSWORD,
        "name": "Nadia Rahman",
        "role": "council_officer",
        "organisation": {"name": "Dudley Council", "kind": "public_body"},
    }

    codes = await race(lambda: client.post("/api/v1/accounts", json=body))

    assert codes == [201] + [422] * (RACERS - 1)
    assert await User.filter(email="nadia@council.example").count() == 1
    assert await Organisation.all().count() == 1


async def test_identical_new_challenges_at_once_make_one_draft(client: httpx.AsyncClient) -> None:
    api = await api_client(client, await officer())

    codes = await race(lambda: api.post("/challenges", api_body()))

    assert codes == [201] + [422] * (RACERS - 1)
    challenge = await Challenge.get()
    assert await Criterion.filter(challenge=challenge).count() == 3
    assert await actions("challenge.created") == 1


class _HeldAtTheDoor:
    """An ``in_transaction()`` that waits, before it begins, until the test opens the door."""

    def __init__(self, inner: Any, arrived: asyncio.Event, door: asyncio.Event) -> None:
        self.inner, self.arrived, self.door = inner, arrived, door

    async def __aenter__(self) -> Any:
        self.arrived.set()
        await self.door.wait()
        return await self.inner.__aenter__()

    async def __aexit__(self, *exc: object) -> Any:
        return await self.inner.__aexit__(*exc)


async def test_a_close_that_waited_behind_another_close_is_refused(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two officers press "close early" at once; the second waits for the first's lock.

    The interleaving is made deterministic: the first request is held just before its
    transaction begins, the second runs to the end, then the first goes on.
    """
    user = await officer()
    challenge = await opened(user)
    real = challenges.in_transaction
    arrived, door = asyncio.Event(), asyncio.Event()
    held: list[bool] = []

    def first_one_waits(*args: Any, **kwargs: Any) -> Any:
        if not held:
            held.append(True)
            return _HeldAtTheDoor(real(*args, **kwargs), arrived, door)
        return real(*args, **kwargs)

    monkeypatch.setattr(challenges, "in_transaction", first_one_waits)
    waiting = asyncio.create_task(challenges.close_early(user, challenge.id))
    await arrived.wait()
    closed = await challenges.close_early(user, challenge.id)
    door.set()

    with pytest.raises(Conflict):
        await waiting
    stored = await Challenge.get(id=challenge.id)
    assert stored.closes_at == closed.closes_at
    assert await actions("challenge.closed") == 1


async def test_identical_new_proposals_at_once_make_one_with_all_its_answers(
    client: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer())
    api = await api_client(client, await make_user(Role.STARTUP_MEMBER))
    body = {"title": "Corridor analytics", **COMPLETE}

    codes = await race(lambda: api.post(f"/challenges/{challenge.id}/proposals", body))

    assert codes == [201] + [409] * (RACERS - 1)
    proposal = await Proposal.get()
    assert await EligibilityAnswer.filter(proposal=proposal).count() == 2
    assert await EligibilityAnswer.all().count() == 2
    assert await actions("proposal.created") == 1


async def test_identical_submissions_at_once_submit_the_proposal_once(
    client: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer())
    member = await make_user(Role.STARTUP_MEMBER)
    proposal = await proposals.start(member, challenge.id, {"title": "Analytics", **COMPLETE})
    api = await api_client(client, member)

    codes = await race(lambda: api.post(f"/proposals/{proposal.id}/submit", {}))

    assert codes == [200] + [409] * (RACERS - 1)
    assert await actions("proposal.submitted") == 1
    assert await MatchJob.filter(kind="challenge", target_id=challenge.id).count() == 1


async def test_identical_withdrawals_at_once_withdraw_once(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    member = await make_user(Role.STARTUP_MEMBER)
    proposal = await proposals.start(member, challenge.id, {"title": "Analytics", **COMPLETE})
    await proposals.submit(member, proposal.id)
    api = await api_client(client, member)

    codes = await race(lambda: api.post(f"/proposals/{proposal.id}/withdraw", {}))

    assert codes == [200] + [409] * (RACERS - 1)
    assert await actions("proposal.withdrawn") == 1


async def test_identical_panel_additions_at_once_add_the_reviewer_once(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=0, shortlist=False)
    reviewer = await make_user(Role.REVIEWER)
    api = await api_as(client, scene.officer)

    codes = await race(
        lambda: api.post(f"/challenges/{scene.challenge.id}/panel", {"email": reviewer.email})
    )

    assert codes == [201] + [422] * (RACERS - 1)
    assert await PanelMember.filter(user=reviewer).count() == 1
    assert await actions("panel.member_added") == 1


async def test_identical_invitations_at_once_leave_one_invitation(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=0, shortlist=False)
    api = await api_as(client, scene.officer)
    address = f"new.{secrets.token_hex(3)}@example.org"

    codes = await race(
        lambda: api.post(f"/challenges/{scene.challenge.id}/panel", {"email": address})
    )

    # Inviting an address again renews its link, so every request succeeds; the last
    # link issued is the one that works.
    assert codes == [201] * RACERS
    assert await PanelInvitation.filter(email=address).count() == 1


async def test_identical_acceptances_of_one_invitation_at_once_use_it_once(db: str) -> None:
    scene = await make_scene(proposals=1, reviewers=0, shortlist=False)
    added = await reviews.add_member(
        scene.officer, scene.challenge.id, "grace@example.org", base_url="https://testserver"
    )
    assert added.invitation_url is not None
    token = added.invitation_url.rsplit("/", 1)[1]
    grace = await make_user(Role.REVIEWER, email="grace@example.org")

    results = await asyncio.gather(
        *(reviews.accept_invitation(token, grace) for _ in range(RACERS)),
        return_exceptions=True,
    )

    accepted = [r for r in results if isinstance(r, reviews.FoundInvitation)]
    refused = [r for r in results if isinstance(r, reviews.Conflict)]
    assert len(accepted) == 1 and len(refused) == RACERS - 1, results
    assert await PanelMember.filter(user=grace).count() == 1
    assert await actions("panel.invitation_accepted") == 1


async def test_identical_shortlists_at_once_leave_one_entry_per_proposal(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=3, reviewers=1, shortlist=False)
    api = await api_as(client, scene.officer)
    wanted = [p.id for p in scene.proposals[:2]]

    codes = await race(
        lambda: api.put(f"/challenges/{scene.challenge.id}/shortlist", {"proposal_ids": wanted})
    )

    # Setting the same shortlist again changes nothing, so it is not refused.
    assert codes == [200] * RACERS
    assert sorted(await reviews.shortlisted_ids(scene.challenge.id)) == sorted(wanted)
    assert await ShortlistEntry.all().count() == 2
    assert await actions("shortlist.updated") == 1


async def test_identical_declarations_at_once_leave_one_declaration(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    path = f"/reviews/{scene.proposals[0].id}"

    codes = await race(lambda: api.put(path, {"conflict": False}))

    assert codes == [200] * RACERS
    assert await ConflictDeclaration.all().count() == 1
    assert await actions("conflict.declared") == 1


async def test_identical_conflicts_at_once_leave_one_declaration(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    path = f"/reviews/{scene.proposals[0].id}"
    body = {"conflict": True, "conflict_reason": "I advised this start-up last year."}

    codes = await race(lambda: api.put(path, body))

    assert codes == [200] * RACERS
    declaration = await ConflictDeclaration.get()
    assert declaration.has_conflict is True
    assert await actions("conflict.declared") == 1


async def test_identical_decisions_at_once_decide_once(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=2, reviewers=1)
    api = await api_as(client, scene.officer)
    body = {"awarded": [scene.proposals[0].id], "reason": "The best value for money."}

    codes = await race(lambda: api.post(f"/challenges/{scene.challenge.id}/decision", body))

    assert codes == [200] + [409] * (RACERS - 1)
    assert await actions("challenge.decided") == 1
    assert await Proposal.filter(awarded_at__isnull=False).count() == 1


async def test_a_decision_racing_a_score_submission_counts_the_scores_or_refuses_them(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    member_api: ApiClient = await api_as(client, scene.reviewers[0])
    officer_api: ApiClient = await api_as(client, scene.officer)
    path = f"/reviews/{scene.proposals[0].id}"
    assert (await member_api.put(path, {"conflict": False})).status_code == 200
    scores = {
        "conflict": False,
        "submit": True,
        "scores": [{"criterion": c.name, "score": 5, "comment": "Fine."} for c in scene.criteria],
    }
    decision = {"awarded": [], "reason": "No proposal met the need."}

    responses = await asyncio.gather(
        member_api.put(path, scores),
        officer_api.post(f"/challenges/{scene.challenge.id}/decision", decision),
    )

    codes = statuses(list(responses))
    submitted = await Score.filter(submitted_at__isnull=False).count()
    decided = await Challenge.get(id=scene.challenge.id)
    assert decided.decided_at is not None
    # Either the scores went in before the decision, or they were refused after it:
    # never scores submitted to a challenge that was already decided.
    if responses[0].status_code == 200:
        assert submitted == len(scene.criteria)
        score_times = {s.submitted_at for s in await Score.all()}
        assert all(t is not None and t <= decided.decided_at for t in score_times)
    else:
        assert submitted == 0 and responses[0].status_code in {404, 409}, codes


async def test_members_submitting_scores_at_once_each_count_once(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=3)
    path = f"/reviews/{scene.proposals[0].id}"
    clients = [await api_as(client, r) for r in scene.reviewers]
    for api in clients:
        assert (await api.put(path, {"conflict": False})).status_code == 200
    body = {
        "conflict": False,
        "submit": True,
        "scores": [{"criterion": c.name, "score": 6, "comment": "Fine."} for c in scene.criteria],
    }

    codes = statuses(list(await asyncio.gather(*(api.put(path, body) for api in clients))))

    assert codes == [200] * 3
    assert await Score.filter(submitted_at__isnull=False).count() == 3 * len(scene.criteria)
    assert await actions("score.submitted") == 3


async def test_one_member_submitting_the_same_scores_at_once_counts_once(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    path = f"/reviews/{scene.proposals[0].id}"
    api = await api_as(client, scene.reviewers[0])
    assert (await api.put(path, {"conflict": False})).status_code == 200
    body = {
        "conflict": False,
        "submit": True,
        "scores": [{"criterion": c.name, "score": 6, "comment": "Fine."} for c in scene.criteria],
    }

    # Saved as a draft first, so the racing submissions update rows rather than insert them
    # (where the unique constraint alone would keep them apart).
    assert (await api.put(path, {**body, "submit": False})).status_code == 200

    codes = await race(lambda: api.put(path, body))

    assert codes == [200] + [409] * (RACERS - 1)
    assert await Score.filter(submitted_at__isnull=False).count() == len(scene.criteria)
    assert await actions("score.submitted") == 1
