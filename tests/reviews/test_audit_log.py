"""The owning body sees every event of its challenge, with who and when, newest first."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tests.conftest import make_user, sign_in_as
from tests.reviews.conftest import api_as, make_scene
from urbanchallenge.accounts.models import Role
from urbanchallenge.audit.models import AuditEvent


async def test_every_step_of_the_review_is_in_the_audit_log_newest_first(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=0, shortlist=False)
    reviewer = await make_user(Role.REVIEWER, name="Patrick Dunne")
    officer = await api_as(client, scene.officer)
    member = await api_as(client, reviewer)
    cid = scene.challenge.id
    proposal = scene.proposals[0]

    assert (
        await officer.post(f"/challenges/{cid}/panel", {"email": reviewer.email})
    ).status_code == 201
    assert (
        await officer.post(f"/challenges/{cid}/panel", {"email": "x@example.org"})
    ).status_code == 201
    assert (
        await officer.put(f"/challenges/{cid}/shortlist", {"proposal_ids": [proposal.id]})
    ).status_code == 200
    scores = [{"criterion": c.name, "score": 7, "comment": "Solid."} for c in scene.criteria]
    done = await member.put(
        f"/reviews/{proposal.id}", {"conflict": False, "scores": scores, "submit": True}
    )
    assert done.status_code == 200
    decided = await officer.post(
        f"/challenges/{cid}/decision", {"awarded": [proposal.id], "reason": "Best value."}
    )
    assert decided.status_code == 200

    log = (await officer.get(f"/challenges/{cid}/audit")).json()

    assert [e["action"] for e in log] == [
        "challenge.decided",
        "score.submitted",
        "conflict.declared",
        "shortlist.updated",
        "panel.invitation_created",
        "panel.member_added",
    ]
    assert (
        log[0]["actor_name"] == "Olivia Officer"
        and log[0]["detail"] == f"Awarded \u2018{proposal.title}\u2019"
    )
    assert log[1]["actor_name"] == "Patrick Dunne" and log[1]["actor_email"] == reviewer.email
    assert log[2]["description"] == "No conflict of interest declared"
    assert log[3]["details"]["proposal_ids"] == [proposal.id]
    stamps = [e["created_at"] for e in log]
    assert stamps == sorted(stamps, reverse=True)

    await sign_in_as(client, scene.officer)
    page = await client.get(f"/panels/{cid}/audit")
    html = page.text
    assert page.status_code == 200
    assert (
        html.index("Decision made")
        < html.index("Scores submitted")
        < html.index("Panel member added")
    )
    assert f"Patrick Dunne ({reviewer.email})" in html


async def test_audit_times_are_shown_in_london_time(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=0, shortlist=False)
    await AuditEvent.create(
        actor=scene.officer,
        actor_email=scene.officer.email,
        action="shortlist.updated",
        subject_type="challenge",
        subject_id=scene.challenge.id,
        challenge=scene.challenge,
        details={"proposal_ids": [], "added": [], "removed": []},
        created_at=datetime(2026, 7, 1, 12, 30, tzinfo=UTC),
    )
    await sign_in_as(client, scene.officer)
    html = (await client.get(f"/panels/{scene.challenge.id}/audit")).text
    # 12:30 UTC is 1:30pm British Summer Time.
    assert "1 July 2026 at 1:30pm" in html
