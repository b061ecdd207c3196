"""The demo's review panels load completely and idempotently, and obey the review rules."""

from __future__ import annotations

import json
from collections import defaultdict

from urbanchallenge.accounts.models import Role, User
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges.models import Challenge, Criterion
from urbanchallenge.fixtures import DEMO_DIR, load_demo, load_reviews
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.reviews import decisions
from urbanchallenge.reviews.models import ConflictDeclaration, PanelMember, Score, ShortlistEntry


def reviews_json() -> list[dict[str, object]]:
    data = json.loads((DEMO_DIR / "reviews.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


async def test_the_demo_panels_load_once_with_submitted_and_draft_scores(db: str) -> None:
    reviews = reviews_json()
    first = await load_demo()

    assert first["panel members"] == (sum(len(r["members"]) for r in reviews), 0)  # type: ignore[arg-type]
    assert first["shortlist entries"] == (sum(len(r["shortlist"]) for r in reviews), 0)  # type: ignore[arg-type]
    assert first["scores"] == (sum(len(r["scores"]) for r in reviews), 0)  # type: ignore[arg-type]
    assert await PanelMember.all().count() == first["panel members"][0]
    assert await Score.all().count() == first["scores"][0]
    assert await ConflictDeclaration.filter(has_conflict=True).count() == sum(
        len(r["conflicts"])
        for r in reviews  # type: ignore[arg-type]
    )

    again = await load_reviews()
    assert all(created == 0 for created, _ in again.values()), again
    assert await Score.all().count() == first["scores"][0]
    assert await AuditEvent.filter(action="challenge.decided").count() == 4


async def test_demo_reviews_follow_the_service_rules_and_award_the_top_scorers(db: str) -> None:
    await load_demo()
    # Nobody scored a proposal they declared a conflict with, and every scorer declared.
    conflicted = set(
        await ConflictDeclaration.filter(has_conflict=True).values_list("member_id", "proposal_id")
    )
    declared = set(await ConflictDeclaration.all().values_list("member_id", "proposal_id"))
    pairs: dict[tuple[int, int], list[Score]] = defaultdict(list)
    for score in await Score.all():
        pairs[(score.member_id, score.proposal_id)].append(score)
    assert not set(pairs) & conflicted
    assert set(pairs) <= declared
    for (_, proposal_id), scores in pairs.items():
        proposal = await Proposal.get(id=proposal_id)
        criteria = await Criterion.filter(challenge_id=proposal.challenge_id).count()
        submitted = {s.submitted_at is not None for s in scores}
        # A set is submitted exactly when it is complete.
        assert submitted == {len(scores) == criteria}
        assert await ShortlistEntry.exists(proposal_id=proposal_id)
    # Panels still shortlisting are part-way through: some members have not started.
    waiting = 0
    for challenge in await Challenge.filter(shortlisting_at__isnull=False, decided_at__isnull=True):
        members = await PanelMember.filter(challenge=challenge).values_list("user_id", flat=True)
        entries = await ShortlistEntry.filter(challenge=challenge).values_list(
            "proposal_id", flat=True
        )
        waiting += sum(1 for m in members for p in entries if (m, p) not in declared)
    assert waiting > 0

    for challenge in await Challenge.filter(decided_at__isnull=False):
        officer = await User.filter(
            organisation_id=challenge.organisation_id, role=Role.COUNCIL_OFFICER
        ).first()
        assert officer is not None
        found = await decisions.panel_results(officer, challenge.id)
        winners = [r for r in found.rows if r.awarded]
        losers = [r for r in found.rows if not r.awarded]
        assert all(r.proposal.awarded_at == challenge.decided_at for r in winners)
        for winner in winners:
            assert all((winner.result.raw_total or 0) > (r.result.raw_total or 0) for r in losers)
        assert all(r.result.reviews > 0 for r in found.rows)
