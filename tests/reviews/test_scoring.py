"""Panel members declare interests, then score each shortlisted proposal and submit."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from tortoise.exceptions import DoesNotExist
from tortoise.transactions import in_transaction

from tests.conftest import make_user, post_form, sign_in_as
from tests.reviews.conftest import Scene, api_as, make_scene
from urbanchallenge.accounts.models import Organisation, Role
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.reviews import scoring
from urbanchallenge.reviews.models import ConflictDeclaration, Score
from urbanchallenge.reviews.services import shared_locked_challenge


def form_for(scene: Scene, values: list[tuple[str, str]]) -> dict[str, str]:
    data: dict[str, str] = {}
    for criterion, (score, comment) in zip(scene.criteria, values, strict=True):
        data[f"score-{criterion.id}"] = score
        data[f"comment-{criterion.id}"] = comment
    return data


async def test_a_member_declares_no_conflict_scores_checks_and_submits_through_the_pages(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    member = scene.reviewers[0]
    proposal = scene.proposals[0]
    await sign_in_as(client, member)

    tasks = await client.get("/reviews/")
    assert "Declare interests" in tasks.text and proposal.title in tasks.text
    opened = await client.get(f"/reviews/proposals/{proposal.id}")
    assert opened.status_code == 303
    assert opened.headers["location"].endswith("/conflict")
    declare_page = await client.get(opened.headers["location"])
    assert proposal.summary in declare_page.text
    assert proposal.approach not in declare_page.text  # nothing more until they declare

    unanswered = await post_form(client, f"/reviews/proposals/{proposal.id}/conflict", {})
    assert unanswered.status_code == 400
    assert "Select whether you have a conflict of interest" in unanswered.text
    declared = await post_form(
        client, f"/reviews/proposals/{proposal.id}/conflict", {"conflict": "no"}
    )
    assert declared.status_code == 303
    detail = await client.get(f"/reviews/proposals/{proposal.id}")
    assert proposal.approach in detail.text and "Score this proposal" in detail.text

    scores_path = f"/reviews/proposals/{proposal.id}/scores"
    draft = await post_form(
        client,
        scores_path,
        {
            "action": "draft",
            **form_for(scene, [("8", "Knows the blocks well."), ("", ""), ("", "")]),
        },
    )
    assert draft.status_code == 303
    assert "In progress" in (await client.get("/reviews/")).text
    assert await Score.filter(member=member, submitted_at__isnull=True).count() == 1

    incomplete = await post_form(
        client,
        scores_path,
        {
            "action": "continue",
            **form_for(scene, [("8", "Knows the blocks well."), ("12", "x"), ("6", "")]),
        },
    )
    assert incomplete.status_code == 400
    second, third = scene.criteria[1], scene.criteria[2]
    assert f'href="#scores.{second.id}.score"' in incomplete.text
    assert f"The score for {second.name} must be from 0 to 10" in incomplete.text
    assert f"Enter a comment explaining your score for {third.name}" in incomplete.text
    assert "Still to do" not in incomplete.text  # each problem is reported once
    assert "Knows the blocks well." in incomplete.text  # what was typed is kept

    complete = await post_form(
        client,
        scores_path,
        {
            "action": "continue",
            **form_for(
                scene,
                [("8", "Knows the blocks well."), ("6", "Sound method."), ("5", "Pricey.")],
            ),
        },
    )
    assert complete.status_code == 303 and complete.headers["location"].endswith("/check")
    check = await client.get(complete.headers["location"])
    # 8 x 40 + 6 x 35 + 5 x 25 = 655, so 65.5 out of 100.
    assert "Check your scores before you submit" in check.text and "65.5 out of 100" in check.text
    assert not await Score.filter(member=member, submitted_at__isnull=False).exists()

    submitted = await post_form(client, complete.headers["location"], {})
    assert submitted.status_code == 303
    confirmation = await client.get(submitted.headers["location"])
    assert "Scores submitted" in confirmation.text
    assert await Score.filter(member=member, submitted_at__isnull=False).count() == 3
    assert "Submitted" in (await client.get("/reviews/")).text
    # Submitted scores are final: the form no longer opens.
    assert (await client.get(scores_path)).status_code == 303
    actions = await AuditEvent.filter(actor=member).order_by("id").values_list("action", flat=True)
    assert actions == ["conflict.declared", "score.submitted"]


async def test_the_api_takes_a_member_from_declaring_to_a_submitted_review(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=2, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    proposal = scene.proposals[0]
    path = f"/reviews/{proposal.id}"

    listing = (await api.get("/reviews")).json()
    first = next(a for a in listing if a["proposal_id"] == proposal.id)
    assert len(listing) == 2
    assert first["conflict"] is None and first["status"] == "conflict_not_declared"
    assert first["proposal"] is None and first["summary"] == proposal.summary
    assert first["organisation"] is not None

    declared = await api.put(path, {"conflict": False})
    assert declared.status_code == 200
    assert declared.json()["status"] == "no_conflict"
    assert declared.json()["proposal"]["approach"] == proposal.approach

    names = [c.name for c in scene.criteria]
    draft = await api.put(
        path,
        {"conflict": False, "scores": [{"criterion": names[0].upper(), "score": 7, "comment": ""}]},
    )
    assert draft.status_code == 200 and draft.json()["status"] == "draft"
    assert draft.json()["scores"] == [
        {"criterion": names[0], "criterion_id": scene.criteria[0].id, "score": 7, "comment": ""}
    ]

    early = await api.put(path, {"conflict": False, "submit": True})
    assert early.status_code == 422
    errors = {e["field"]: e["message"] for e in early.json()["errors"]}
    assert "Still to do" in errors["scores"] and names[1] in errors["scores"]

    done = await api.put(
        path,
        {
            "conflict": False,
            "submit": True,
            "scores": [
                {"criterion": names[0], "score": 7, "comment": "Good grasp of the estate."},
                {"criterion": scene.criteria[1].id, "score": 4, "comment": "Weak evaluation."},
                {"criterion": str(scene.criteria[2].id), "score": 10, "comment": "Cheap."},
            ],
        },
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "submitted" and done.json()["submitted_at"]
    again = await api.put(
        path, {"conflict": False, "scores": [{"criterion": names[0], "score": 1}]}
    )
    assert again.status_code == 409
    assert [s.score for s in await Score.filter(proposal=proposal).order_by("criterion_id")] == [
        7,
        4,
        10,
    ]


async def test_bad_scores_get_field_errors_and_save_nothing(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    path = f"/reviews/{scene.proposals[0].id}"
    name = scene.criteria[0].name
    assert (await api.put(path, {"conflict": False})).status_code == 200

    cases = [
        ({"criterion": name, "score": 11}, "scores.0.score", "at most 10"),
        ({"criterion": name, "score": -1}, "scores.0.score", "at least 0"),
        ({"criterion": name, "score": "7"}, "scores.0.score", "whole number"),
        ({"criterion": "Charisma", "score": 5}, "scores.0.criterion", "no criterion"),
        ({"criterion": 999_999, "score": 5}, "scores.0.criterion", "no criterion"),
        ({"score": 5}, "scores.0.criterion", "required"),
    ]
    for entry, field, message in cases:
        response = await api.put(
            path,
            {
                "conflict": False,
                "scores": [{"criterion": scene.criteria[1].name, "score": 3}, entry],
            },
        )
        assert response.status_code == 422, entry
        errors = {
            e["field"].replace("scores.1", "scores.0"): e["message"]
            for e in response.json()["errors"]
        }
        assert message in errors[field].lower() or message in errors[field], (entry, errors)
    twice = await api.put(
        path,
        {
            "conflict": False,
            "scores": [{"criterion": name, "score": 3}, {"criterion": name, "score": 4}],
        },
    )
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["field"] == "scores.1.criterion"
    missing = await api.put(path, {"scores": []})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "conflict"
    assert not await Score.exists(proposal=scene.proposals[0])


async def test_concurrent_submissions_count_once(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    path = f"/reviews/{scene.proposals[0].id}"
    assert (await api.put(path, {"conflict": False})).status_code == 200
    body = {
        "conflict": False,
        "submit": True,
        "scores": [
            {"criterion": c.name, "score": 6, "comment": f"Fine on {c.name}."}
            for c in scene.criteria
        ],
    }

    responses = await asyncio.gather(*(api.put(path, body) for _ in range(3)))

    assert sorted(r.status_code for r in responses) == [200, 409, 409]
    assert await Score.filter(proposal=scene.proposals[0]).count() == len(scene.criteria)
    assert await AuditEvent.filter(action="score.submitted").count() == 1


async def test_concurrent_drafts_leave_one_score_per_criterion(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    path = f"/reviews/{scene.proposals[0].id}"
    assert (await api.put(path, {"conflict": False})).status_code == 200

    responses = await asyncio.gather(
        *(
            api.put(
                path,
                {"conflict": False, "scores": [{"criterion": scene.criteria[0].name, "score": n}]},
            )
            for n in (3, 4, 5, 6)
        )
    )

    assert all(r.status_code == 200 for r in responses)
    scores = await Score.filter(proposal=scene.proposals[0])
    assert len(scores) == 1 and scores[0].score in {3, 4, 5, 6}


async def test_a_conflicted_member_never_sees_the_proposal_text(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=2, reviewers=1)
    member = scene.reviewers[0]
    conflicted = scene.proposals[0]
    api = await api_as(client, member)

    no_reason = await api.put(
        f"/reviews/{conflicted.id}", {"conflict": True, "conflict_reason": " "}
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "conflict_reason"
    assert not await ConflictDeclaration.exists(member=member)
    declared = await api.put(
        f"/reviews/{conflicted.id}",
        {"conflict": True, "conflict_reason": "I advised this start-up last year."},
    )
    assert declared.status_code == 200
    assert declared.json()["conflict"] is True and declared.json()["status"] == "conflicted"

    secret_texts = [conflicted.summary, conflicted.approach, conflicted.impact, conflicted.team]
    listing = await api.get("/reviews")
    entry = next(a for a in listing.json() if a["proposal_id"] == conflicted.id)
    assert entry["summary"] is None and entry["proposal"] is None and entry["scores"] == []
    assert not any(text in listing.text for text in secret_texts)
    assert (await api.get(f"/reviews/{conflicted.id}")).status_code == 403
    sneaky = await api.put(
        f"/reviews/{conflicted.id}",
        {"conflict": False, "scores": [{"criterion": scene.criteria[0].name, "score": 9}]},
    )
    assert sneaky.status_code == 403
    assert not await Score.exists(member=member)

    await sign_in_as(client, member)
    tasks = await client.get("/reviews/")
    assert conflicted.title in tasks.text and "Conflict declared" in tasks.text
    assert f'href="/reviews/proposals/{conflicted.id}"' not in tasks.text
    for page in ("", "/scores", "/check", "/conflict", "/submitted"):
        response = await client.get(f"/reviews/proposals/{conflicted.id}{page}")
        assert response.status_code == 403, page
        assert not any(text in response.text for text in secret_texts), page


async def test_a_member_can_declare_a_late_conflict_until_they_submit(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    path = f"/reviews/{scene.proposals[0].id}"
    await api.put(
        path, {"conflict": False, "scores": [{"criterion": scene.criteria[0].name, "score": 5}]}
    )

    late = await api.put(
        path, {"conflict": True, "conflict_reason": "My sister joined their board."}
    )

    assert late.status_code == 200 and late.json()["status"] == "conflicted"
    assert not await Score.exists(proposal=scene.proposals[0])  # the drafts went
    undo = await api.put(path, {"conflict": False})
    assert undo.status_code == 403


async def test_a_blind_panel_never_shows_the_start_ups_name(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=1, blind=True)
    proposal = scene.proposals[0]
    organisation = await Organisation.get(id=proposal.organisation_id)
    await Organisation.filter(id=organisation.id).update(website="https://sortwise.example")
    member = scene.reviewers[0]
    api = await api_as(client, member)
    name = organisation.name

    before = await api.get("/reviews")
    assert name not in before.text and before.json()[0]["organisation"] is None
    # The summary names the start-up; the name is taken out.
    assert "[start-up name] puts fill sensors" in before.json()[0]["summary"]
    declared = await api.put(f"/reviews/{proposal.id}", {"conflict": False})
    assert name not in declared.text and "sortwise.example" not in declared.text

    await sign_in_as(client, member)
    for page in (
        "/reviews/",
        f"/reviews/proposals/{proposal.id}",
        f"/reviews/proposals/{proposal.id}/scores",
    ):
        html = (await client.get(page)).text
        assert name not in html, page
        assert re.search(re.escape(name.split()[0]), html) is None, page
    assert "blind review" in (await client.get(f"/reviews/proposals/{proposal.id}")).text


async def test_an_open_panel_shows_the_start_up(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    organisation = await Organisation.get(id=scene.proposals[0].organisation_id)
    api = await api_as(client, scene.reviewers[0])
    assert (await api.get("/reviews")).json()[0]["organisation"] == organisation.name


async def test_members_see_only_shortlisted_proposals_of_their_own_panels(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=2, reviewers=1, shortlist=False)
    other_panel = await make_scene(proposals=1, reviewers=1)
    outsider = await make_user(Role.REVIEWER)
    api = await api_as(client, scene.reviewers[0])

    assert (await api.get("/reviews")).json() == []
    for proposal_id in (scene.proposals[0].id, other_panel.proposals[0].id, 999_999):
        assert (await api.get(f"/reviews/{proposal_id}")).status_code == 404
        assert (await api.put(f"/reviews/{proposal_id}", {"conflict": False})).status_code == 404
    outsider_api = await api_as(client, outsider)
    assert (await outsider_api.get(f"/reviews/{other_panel.proposals[0].id}")).status_code == 404
    await sign_in_as(client, outsider)
    assert (
        await client.get(f"/reviews/proposals/{other_panel.proposals[0].id}")
    ).status_code == 404
    assert not await ConflictDeclaration.exists()


async def test_declaring_and_scoring_in_one_request_fails_as_a_whole(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    api = await api_as(client, scene.reviewers[0])
    path = f"/reviews/{scene.proposals[0].id}"
    body = {"conflict": False, "submit": True, "scores": [{"criterion": "Charm", "score": 5}]}

    response = await api.put(path, body)

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"scores.0.criterion", "scores"}
    assert not await ConflictDeclaration.exists(member=scene.reviewers[0])
    assert not await Score.exists()


async def test_declaring_a_conflict_on_the_page_needs_a_reason(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=1, reviewers=1)
    proposal = scene.proposals[0]
    await sign_in_as(client, scene.reviewers[0])
    path = f"/reviews/proposals/{proposal.id}/conflict"

    missing = await post_form(client, path, {"conflict": "yes", "conflict_reason": "  "})
    assert missing.status_code == 400
    assert 'href="#conflict_reason"' in missing.text
    assert not await ConflictDeclaration.exists()

    declared = await post_form(
        client, path, {"conflict": "yes", "conflict_reason": "I used to work there."}
    )
    assert declared.status_code == 303
    tasks = await client.get(declared.headers["location"])
    assert "Your conflict of interest has been recorded" in tasks.text
    declaration = await ConflictDeclaration.get(proposal=proposal)
    assert declaration.has_conflict and declaration.reason == "I used to work there."
    assert (await client.get(path)).status_code == 403


async def test_saving_scores_answers_with_what_a_fresh_read_gives(
    client: httpx.AsyncClient,
) -> None:
    # save_scores builds its answer from the transaction's own reads instead of reading the
    # whole assignment again: it must be what a fresh read then returns, at every step
    scene = await make_scene(proposals=1, reviewers=1)
    member, proposal = scene.reviewers[0], scene.proposals[0]
    await scoring.declare(member, proposal.id, False)
    first = scene.criteria[0]
    steps = [
        ([scoring.ScoreInput(criterion=first.name, score=4, comment="", key="s.0")], False),
        (
            [
                scoring.ScoreInput(criterion=c.name, score=6, comment=f"On {c.name}.", key=f"s.{i}")
                for i, c in enumerate(scene.criteria)
            ],
            False,
        ),
        ([], True),
    ]
    for entries, submit in steps:
        answered = await scoring.save_scores(member, proposal.id, entries, submit=submit)
        fresh = await scoring.assignment(member, proposal.id)
        assert answered.status is fresh.status
        assert answered.proposal == fresh.proposal
        assert answered.challenge.id == fresh.challenge.id
        assert answered.declaration is not None and fresh.declaration is not None
        assert answered.declaration.id == fresh.declaration.id
        assert [c.id for c in answered.criteria] == [c.id for c in fresh.criteria]
        assert {
            cid: (s.id, s.score, s.comment, s.updated_at, s.submitted_at)
            for cid, s in answered.scores.items()
        } == {
            cid: (s.id, s.score, s.comment, s.updated_at, s.submitted_at)
            for cid, s in fresh.scores.items()
        }
    assert fresh.status is scoring.ReviewStatus.SUBMITTED


async def test_the_challenge_locked_for_scoring_is_the_challenge_as_the_orm_reads_it(
    client: httpx.AsyncClient,
) -> None:
    # On PostgreSQL the lock and the read are one written-out statement: every field must
    # come back as the ORM's own read gives it
    scene = await make_scene(proposals=1, reviewers=1)
    async with in_transaction() as conn:
        locked = await shared_locked_challenge(conn, scene.challenge.id)
        with pytest.raises(DoesNotExist):
            await shared_locked_challenge(conn, scene.challenge.id + 1000)
    read = await Challenge.get(id=scene.challenge.id)
    assert not locked._partial
    fields = Challenge._meta.fields_db_projection
    assert {f: getattr(locked, f) for f in fields} == {f: getattr(read, f) for f in fields}
