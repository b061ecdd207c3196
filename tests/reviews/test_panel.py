"""The owning body builds its panel: members by email, one-time invitation links, blind panels."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import make_user, post_form, sign_in_as
from tests.reviews.conftest import Scene, api_as, make_challenge, make_scene, score_directly
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.reviews.models import ConflictDeclaration, PanelInvitation, PanelMember, Score

LINK = re.compile(r"https://testserver/invitations/([A-Za-z0-9_-]{20,})")


def panel_path(scene: Scene, rest: str = "") -> str:
    return f"/panels/{scene.challenge.id}{rest}"


async def actions(challenge_id: int) -> list[str]:
    return list(
        await AuditEvent.filter(challenge_id=challenge_id)
        .order_by("id")
        .values_list("action", flat=True)
    )


async def test_an_officer_adds_an_existing_reviewer_who_joins_at_once(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(reviewers=0, shortlist=False)
    reviewer = await make_user(Role.REVIEWER, name="Helen Marsh")
    await sign_in_as(client, scene.officer)

    response = await post_form(
        client,
        panel_path(scene, "/members"),
        {"email": f"  {reviewer.email.upper()} "},
        form_page=panel_path(scene),
    )

    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Helen Marsh has been added to the panel" in page.text
    assert await PanelMember.filter(challenge=scene.challenge, user=reviewer).count() == 1
    assert await actions(scene.challenge.id) == ["panel.member_added"]


async def test_an_email_without_an_account_gets_a_one_time_link_shown_to_the_officer(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(reviewers=0, shortlist=False)
    await sign_in_as(client, scene.officer)

    response = await post_form(
        client,
        panel_path(scene, "/members"),
        {"email": "new.expert@example.org"},
        form_page=panel_path(scene),
    )

    assert response.status_code == 200
    assert "Invitation created" in response.text
    assert "does not send email" in response.text
    token = LINK.search(response.text)
    assert token, response.text
    invitation = await PanelInvitation.get(challenge=scene.challenge)
    assert invitation.email == "new.expert@example.org"
    # Only the token's hash is stored.
    assert invitation.token_hash == hashlib.sha256(token.group(1).encode()).hexdigest()
    assert token.group(1) not in invitation.token_hash
    lifetime = invitation.expires_at - invitation.created_at
    assert lifetime == timedelta(days=14)
    assert await actions(scene.challenge.id) == ["panel.invitation_created"]
    assert not await PanelMember.exists(challenge=scene.challenge)


async def test_a_start_up_members_email_cannot_join_a_panel(client: httpx.AsyncClient) -> None:
    scene = await make_scene(reviewers=0, shortlist=False)
    await sign_in_as(client, scene.officer)

    response = await post_form(
        client,
        panel_path(scene, "/members"),
        {"email": scene.startups[0].email},
        form_page=panel_path(scene),
    )

    assert response.status_code == 400
    assert "belongs to a start-up member" in response.text
    assert 'href="#email"' in response.text
    assert scene.startups[0].email in response.text  # what was typed is kept
    assert not await PanelMember.exists(challenge=scene.challenge)
    assert not await PanelInvitation.exists(challenge=scene.challenge)


async def test_bad_and_repeated_emails_get_clear_errors(client: httpx.AsyncClient) -> None:
    scene = await make_scene(reviewers=1, shortlist=False)
    await sign_in_as(client, scene.officer)
    for typed, message in [
        ("", "Enter the email address"),
        ("not an email", "Enter an email address in the correct format"),
        (scene.reviewers[0].email, "is already on this panel"),
    ]:
        response = await post_form(
            client, panel_path(scene, "/members"), {"email": typed}, form_page=panel_path(scene)
        )
        assert response.status_code == 400, typed
        assert message in response.text, typed
    assert await PanelMember.filter(challenge=scene.challenge).count() == 1


async def test_panels_of_decided_withdrawn_and_draft_challenges_cannot_change(
    db: str, client: httpx.AsyncClient
) -> None:
    officer = await make_user(Role.COUNCIL_OFFICER)
    reviewer = await make_user(Role.REVIEWER)
    api = await api_as(client, officer)
    for stage, message in [
        (Status.WITHDRAWN, "can no longer change"),
        (Status.DRAFT, "Publish the challenge"),
    ]:
        challenge = await make_challenge(officer, stage=stage)
        response = await api.post(f"/challenges/{challenge.id}/panel", {"email": reviewer.email})
        assert response.status_code == 409, stage
        assert message in response.json()["detail"]
    for stage in (Status.OPEN, Status.CLOSED, Status.SHORTLISTING):
        challenge = await make_challenge(officer, stage=stage)
        response = await api.post(f"/challenges/{challenge.id}/panel", {"email": reviewer.email})
        assert response.status_code == 201, stage


async def test_the_api_adds_members_and_invitations_and_lists_both(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(reviewers=0, shortlist=False)
    reviewer = await make_user(Role.REVIEWER, name="Raj Bhatt")
    api = await api_as(client, scene.officer)
    path = f"/challenges/{scene.challenge.id}/panel"

    member = await api.post(path, {"email": reviewer.email})
    invited = await api.post(path, {"email": "someone.new@example.org"})
    bad = await api.post(path, {"email": "nope"})
    missing = await api.post(path, {})

    assert member.status_code == 201
    assert member.json()["member_id"] == (await PanelMember.get(user=reviewer)).id
    assert member.json()["invitation_url"] is None
    assert invited.status_code == 201
    assert invited.json()["member_id"] is None
    assert LINK.fullmatch(invited.json()["invitation_url"])
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "email"

    listing = (await api.get(path)).json()
    assert [m["name"] for m in listing["members"]] == ["Raj Bhatt"]
    assert [i["email"] for i in listing["invitations"]] == ["someone.new@example.org"]
    assert listing["blind_panel"] is False and listing["blind_panel_fixed"] is False


async def invite(client: httpx.AsyncClient, scene: Scene, email: str) -> str:
    api = await api_as(client, scene.officer)
    response = await api.post(f"/challenges/{scene.challenge.id}/panel", {"email": email})
    assert response.status_code == 201, response.text
    url = response.json()["invitation_url"]
    return str(url).removeprefix("https://testserver")


async def test_an_invited_person_creates_a_reviewer_account_and_joins(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(reviewers=0)
    link = await invite(client, scene, "grace@example.org")

    form = await client.get(link)
    assert form.status_code == 200
    assert "Create your panel member account" in form.text
    assert "grace@example.org" in form.text
    short = await post_form(
        client, link, {"action": "create", "name": "Grace", "password": "short"}
    )
    assert short.status_code == 400
    assert 'href="#password"' in short.text
    assert not await User.exists(email="grace@example.org")

    joined = await post_form(
        client,
        link,
        {"action": "create", "name": "Grace Adeyemi", "password": "a long enough passphrase"},
    )

    assert joined.status_code == 303
    user = await User.get(email="grace@example.org")
    assert user.role is Role.REVIEWER and user.organisation_id is None
    assert await PanelMember.exists(challenge=scene.challenge, user=user)
    invitation = await PanelInvitation.get(challenge=scene.challenge)
    assert invitation.accepted_at is not None and invitation.accepted_by_id == user.id  # type: ignore[attr-defined]
    reviews = await client.get(joined.headers["location"])
    assert reviews.status_code == 200
    assert f"You have joined the review panel for {scene.challenge.title}" in reviews.text
    assert await actions(scene.challenge.id) == [
        "panel.invitation_created",
        "panel.invitation_accepted",
        "panel.member_added",
    ]

    again = await client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.text


async def test_a_signed_in_reviewer_with_the_invited_email_accepts_with_one_button(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(reviewers=0)
    reviewer = await make_user(Role.REVIEWER, email="tomasz@example.org")
    # The invitation was created before the account existed.
    link = await invite(client, scene, "tomasz.other@example.org")
    await PanelInvitation.filter(challenge=scene.challenge).update(email=reviewer.email)

    anonymous = await client.get(link)
    assert "Sign in to accept" in anonymous.text
    await sign_in_as(client, reviewer)
    page = await client.get(link)
    assert "Accept and join the panel" in page.text
    accepted = await post_form(client, link, {"action": "accept"})

    assert accepted.status_code == 303
    assert await PanelMember.exists(challenge=scene.challenge, user=reviewer)


async def test_someone_else_signed_in_is_told_whose_invitation_it_is(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(reviewers=0)
    link = await invite(client, scene, "invitee@example.org")
    other = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, other)

    page = await client.get(link)
    refused = await post_form(client, link, {"action": "accept"})

    assert "This invitation is for invitee@example.org" in page.text
    assert "start-up member account" in page.text
    assert refused.status_code == 200
    assert not await PanelMember.exists(challenge=scene.challenge)
    assert (await PanelInvitation.get(challenge=scene.challenge)).accepted_at is None


async def test_expired_unknown_and_replaced_links_explain_themselves(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(reviewers=0)
    first = await invite(client, scene, "late@example.org")
    second = await invite(client, scene, "late@example.org")

    replaced = await client.get(first)
    assert replaced.status_code == 404
    assert "This invitation link is not valid" in replaced.text
    assert (await client.get("/invitations/made-up-token-that-was-never-issued")).status_code == 404

    await PanelInvitation.filter(challenge=scene.challenge).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    expired = await client.get(second)
    assert expired.status_code == 410
    assert "This invitation has expired" in expired.text
    posted = await post_form(
        client, second, {"action": "create", "name": "Late", "password": "a long enough passphrase"}
    )
    assert posted.status_code == 410
    assert not await User.exists(email="late@example.org")


async def test_the_officer_sets_a_blind_panel_until_reviewing_starts(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene()
    await sign_in_as(client, scene.officer)

    response = await post_form(
        client, panel_path(scene, "/blind"), {"blind_panel": "yes"}, form_page=panel_path(scene)
    )
    assert response.status_code == 303
    assert (await Challenge.get(id=scene.challenge.id)).blind_panel is True
    missing = await post_form(client, panel_path(scene, "/blind"), {}, form_page=panel_path(scene))
    assert missing.status_code == 400
    assert "Select whether the panel is blind" in missing.text

    await ConflictDeclaration.create(
        proposal=scene.proposals[0],
        member=scene.reviewers[0],
        has_conflict=False,
        declared_at=datetime.now(UTC),
    )
    page = await client.get(panel_path(scene))
    assert "can no longer change" in page.text
    refused = await post_form(
        client, panel_path(scene, "/blind"), {"blind_panel": "no"}, form_page=panel_path(scene)
    )
    assert refused.status_code == 400
    api = await api_as(client, scene.officer)
    patched = await api.patch(f"/challenges/{scene.challenge.id}/panel", {"blind_panel": False})
    assert patched.status_code == 409
    assert (await Challenge.get(id=scene.challenge.id)).blind_panel is True
    assert (await actions(scene.challenge.id)).count("panel.blind_changed") == 1


async def test_a_member_without_submitted_scores_can_be_removed_but_not_one_with(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene()
    idle, busy = scene.reviewers[0], scene.reviewers[1]
    await score_directly(scene, idle, scene.proposals[0], [5, 5, 5], submitted=False)
    await score_directly(scene, busy, scene.proposals[0], [5, 5, 5])
    idle_member = await PanelMember.get(challenge=scene.challenge, user=idle)
    busy_member = await PanelMember.get(challenge=scene.challenge, user=busy)
    await sign_in_as(client, scene.officer)

    confirm = await client.get(panel_path(scene, f"/members/{idle_member.id}/remove"))
    assert "Are you sure you want to remove Reviewer 1" in confirm.text
    removed = await post_form(client, panel_path(scene, f"/members/{idle_member.id}/remove"), {})
    assert removed.status_code == 303
    assert not await PanelMember.exists(id=idle_member.id)
    assert not await Score.exists(member=idle)  # the drafts went with them

    api = await api_as(client, scene.officer)
    refused = await api.request(
        "DELETE", f"/challenges/{scene.challenge.id}/panel/{busy_member.id}"
    )
    assert refused.status_code == 409
    assert "submitted scores" in refused.json()["detail"]
    assert await PanelMember.exists(id=busy_member.id)
    assert "panel.member_removed" in await actions(scene.challenge.id)


async def test_a_draft_can_be_made_blind_before_it_is_published(client: httpx.AsyncClient) -> None:
    officer = await make_user(Role.COUNCIL_OFFICER)
    draft = await make_challenge(officer, stage=Status.DRAFT)
    api = await api_as(client, officer)

    response = await api.patch(f"/challenges/{draft.id}/panel", {"blind_panel": True})

    assert response.status_code == 200 and response.json()["blind_panel"] is True
    await sign_in_as(client, officer)
    page = await client.get(f"/panels/{draft.id}")
    assert "Publish the challenge before you build its review panel" in page.text
    assert "Should the panel review blind?" in page.text
    assert draft.title in (await client.get("/panels/")).text
