"""Proposal pages: a start-up starts, drafts, checks, submits and withdraws; the body reads."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from tests.challenges.helpers import now, officer, opened
from tests.conftest import make_user, post_form, sign_in_as
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.proposals import services
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal

FORM = {
    "title": "Corridor delay analytics",
    "summary": "We join AVL, signal and roadworks data to find where buses lose time.",
    "approach": "Segment-level running time analysis.",
    "impact": "On the A38 we cut 90th percentile journey times by 12%.",
    "team": "Two data scientists and a former bus operations manager.",
    "cost_gbp": "£95,000",
    "timeline": "Twelve weeks.",
    "eligibility-0": "yes",
    "eligibility-1": "no",
    "action": "continue",
}


def error_ids(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="([^"]+)"', summary)


async def signed_in_startup(client: httpx.AsyncClient) -> User:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    return user


async def test_a_start_up_starts_checks_and_submits_a_proposal(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    await signed_in_startup(client)
    new = f"/proposals/new?challenge={challenge.id}"

    form_page = await client.get(new)
    response = await post_form(client, new, FORM)

    assert form_page.status_code == 200
    assert "Are you registered as a company in the UK?" in form_page.text
    assert response.status_code == 303, response.text
    proposal = await Proposal.get(challenge_id=challenge.id)
    assert response.headers["location"] == f"/proposals/{proposal.id}/check"
    assert proposal.cost_gbp == 95000 and proposal.submitted_at is None
    check = await client.get(response.headers["location"])
    assert "Check your proposal before submitting it" in check.text
    assert "Submit proposal" in check.text
    assert "does not meet the eligibility rules" not in check.text

    submitted = await post_form(client, f"/proposals/{proposal.id}/check", {})

    assert submitted.status_code == 303
    assert submitted.headers["location"] == f"/proposals/{proposal.id}/submitted"
    panel = await client.get(submitted.headers["location"])
    assert "govuk-panel" in panel.text and "Proposal submitted" in panel.text
    assert f"P-{proposal.id:06d}" in panel.text
    assert (await Proposal.get(id=proposal.id)).submitted_at is not None
    listed = await client.get("/proposals/")
    assert "Corridor delay analytics" in listed.text and "Submitted" in listed.text


async def test_a_knock_out_answer_is_shown_prominently_before_submitting(
    client: httpx.AsyncClient,
) -> None:
    body_officer = await officer()
    challenge = await opened(body_officer)
    user = await signed_in_startup(client)
    await post_form(
        client, f"/proposals/new?challenge={challenge.id}", {**FORM, "eligibility-0": "no"}
    )
    proposal = await Proposal.get(organisation_id=user.organisation_id)

    check = await client.get(f"/proposals/{proposal.id}/check")

    assert "govuk-warning-text" in check.text
    assert "does not meet the eligibility rules" in check.text
    assert "Are you registered as a company in the UK? You answered no." in check.text
    assert "Submit proposal" in check.text
    await post_form(client, f"/proposals/{proposal.id}/check", {})
    await sign_in_as(client, body_officer)
    page = await client.get(f"/challenges/{challenge.id}")
    assert "Does not meet eligibility" in page.text
    detail = await client.get(f"/proposals/{proposal.id}")
    assert detail.status_code == 200
    assert "Does not meet eligibility" in detail.text


async def test_a_draft_can_be_saved_part_done_but_continuing_needs_everything(
    client: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer())
    await signed_in_startup(client)
    new = f"/proposals/new?challenge={challenge.id}"

    refused = await post_form(client, new, {"title": "Half an idea", "action": "continue"})

    assert refused.status_code == 400
    assert error_ids(refused.text) == [
        "#summary",
        "#approach",
        "#impact",
        "#team",
        "#timeline",
        "#cost_gbp",
        "#eligibility-0",
        "#eligibility-1",
    ]
    assert 'value="Half an idea"' in refused.text
    assert await Proposal.all().count() == 0

    saved = await post_form(client, new, {"title": "Half an idea", "action": "draft"})

    assert saved.status_code == 303
    proposal = await Proposal.get(title="Half an idea")
    assert saved.headers["location"] == f"/proposals/{proposal.id}?done=draft"
    page = await client.get(saved.headers["location"])
    assert "Your draft has been saved" in page.text
    assert "Continue your proposal" in page.text
    listed = await client.get("/proposals/")
    assert "Incomplete" in listed.text


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"title": ""}, "title", "Enter a title for your proposal"),
        ({"cost_gbp": "ninety grand"}, "cost_gbp", "whole number of pounds"),
        ({"cost_gbp": "0"}, "cost_gbp", "at least £1"),
        ({"summary": "x" * 601}, "summary", "600 characters or fewer"),
        ({"eligibility-1": ""}, "eligibility-1", "Answer eligibility question 2"),
    ],
)
async def test_a_bad_proposal_form_names_the_field_and_saves_nothing(
    client: httpx.AsyncClient, changes: dict[str, str], field_id: str, message: str
) -> None:
    challenge = await opened(await officer())
    await signed_in_startup(client)

    response = await post_form(
        client, f"/proposals/new?challenge={challenge.id}", {**FORM, **changes}
    )

    assert response.status_code == 400
    assert f"#{field_id}" in error_ids(response.text)
    assert message in response.text
    assert "Two data scientists" in response.text
    assert await Proposal.all().count() == 0
    assert await EligibilityAnswer.all().count() == 0


async def test_starting_a_second_proposal_goes_to_the_first(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    user = await signed_in_startup(client)
    first = await services.start(user, challenge.id, {"title": "First"})

    page = await client.get(f"/proposals/new?challenge={challenge.id}")

    assert page.status_code == 303
    assert page.headers["location"] == f"/proposals/{first.id}?done=exists"
    challenge_page = await client.get(f"/challenges/{challenge.id}")
    assert "View your proposal" in challenge_page.text


async def test_a_closed_challenge_cannot_be_proposed_to(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    await Challenge.filter(id=challenge.id).update(closes_at=now() - timedelta(minutes=5))
    await signed_in_startup(client)

    page = await client.get(f"/proposals/new?challenge={challenge.id}")

    assert page.status_code == 409
    assert "closed on" in page.text


async def test_a_submitted_proposal_can_be_changed_and_stays_submitted(
    client: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer())
    user = await signed_in_startup(client)
    proposal = await services.start(
        user, challenge.id, {**FORM, "eligibility_answers": [True, False]}
    )
    await services.submit(user, proposal.id)

    form_page = await client.get(f"/proposals/{proposal.id}/edit")
    emptied = await post_form(client, f"/proposals/{proposal.id}/edit", {**FORM, "team": ""})
    changed = await post_form(
        client, f"/proposals/{proposal.id}/edit", {**FORM, "cost_gbp": "90000"}
    )

    assert "Save changes" in form_page.text and 'value="95000"' in form_page.text
    assert emptied.status_code == 400 and "#team" in error_ids(emptied.text)
    assert changed.status_code == 303
    assert changed.headers["location"] == f"/proposals/{proposal.id}?done=saved"
    stored = await Proposal.get(id=proposal.id)
    assert stored.cost_gbp == 90000 and stored.submitted_at is not None


async def test_withdrawing_asks_first_and_can_be_undone_by_reopening(
    client: httpx.AsyncClient,
) -> None:
    challenge = await opened(await officer())
    user = await signed_in_startup(client)
    proposal = await services.start(
        user, challenge.id, {**FORM, "eligibility_answers": [True, False]}
    )
    await services.submit(user, proposal.id)

    confirm = await client.get(f"/proposals/{proposal.id}/withdraw")
    withdrawn = await post_form(client, f"/proposals/{proposal.id}/withdraw", {})
    page = await client.get(withdrawn.headers["location"])
    reopened = await post_form(
        client, f"/proposals/{proposal.id}/reopen", {}, form_page=f"/proposals/{proposal.id}"
    )

    assert "Are you sure you want to withdraw your proposal?" in confirm.text
    assert withdrawn.status_code == 303
    assert "Your proposal has been withdrawn" in page.text and "Reopen as a draft" in page.text
    assert reopened.status_code == 303
    stored = await Proposal.get(id=proposal.id)
    assert stored.withdrawn_at is None and stored.submitted_at is None
    assert await AuditEvent.exists(action="proposal.reopened", subject_id=proposal.id)


async def test_nothing_can_be_changed_after_closing(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    user = await signed_in_startup(client)
    proposal = await services.start(user, challenge.id, {"title": "Late"})
    await Challenge.filter(id=challenge.id).update(closes_at=now() - timedelta(minutes=5))

    page = await client.get(f"/proposals/{proposal.id}")
    edit = await client.get(f"/proposals/{proposal.id}/edit")
    check = await client.get(f"/proposals/{proposal.id}/check")
    withdraw = await client.get(f"/proposals/{proposal.id}/withdraw")

    assert "cannot be changed, submitted or withdrawn" in page.text
    assert "Continue your proposal" not in page.text
    for response in (edit, check, withdraw):
        assert response.status_code == 409


async def test_other_start_ups_and_bodies_get_not_found(client: httpx.AsyncClient) -> None:
    body_officer = await officer()
    challenge = await opened(body_officer)
    owner = await make_user(Role.STARTUP_MEMBER)
    proposal = await services.start(owner, challenge.id, {"title": "Ours"})

    await sign_in_as(client, await make_user(Role.STARTUP_MEMBER))
    for path in ["", "/edit", "/check", "/withdraw", "/submitted"]:
        assert (await client.get(f"/proposals/{proposal.id}{path}")).status_code == 404, path
    await sign_in_as(client, body_officer)
    assert (await client.get(f"/proposals/{proposal.id}")).status_code == 404  # a draft
    await sign_in_as(client, await officer())
    await services.submit(
        owner,
        (
            await services.update(
                owner, proposal.id, {**FORM, "eligibility_answers": [True, False]}
            )
        ).id,
    )
    assert (await client.get(f"/proposals/{proposal.id}")).status_code == 404  # another body
    await sign_in_as(client, body_officer)
    seen = await client.get(f"/proposals/{proposal.id}")
    assert seen.status_code == 200 and "Withdraw proposal" not in seen.text


async def test_officers_and_reviewers_cannot_use_start_up_pages(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())
    for role in (Role.COUNCIL_OFFICER, Role.REVIEWER):
        await sign_in_as(client, await make_user(role))
        assert (await client.get("/proposals/")).status_code == 403
        assert (await client.get(f"/proposals/new?challenge={challenge.id}")).status_code == 403
    await sign_in_as(client, await make_user(Role.REVIEWER))
    assert (await client.get("/proposals/1")).status_code == 403
