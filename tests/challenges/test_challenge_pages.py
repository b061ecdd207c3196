"""Challenge pages: an officer drafts, checks, publishes and manages; the public finds and reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.challenges.helpers import closed, draft, now, officer, opened
from tests.conftest import make_user, post_form, sign_in_as
from urbanchallenge.accounts.models import Role
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges import services
from urbanchallenge.challenges.models import Challenge, Clarification, Criterion

LONDON = ZoneInfo("Europe/London")
NEXT_YEAR = now().year + 1


def form(**changes: str) -> dict[str, str]:
    """A complete challenge form as a browser posts it, with blank spare rows."""
    data = {
        "title": "Fewer missed bin collections",
        "summary": "Crews miss bins on narrow streets and we do not know why.",
        "problem": "Missed collections cause repeat visits.\n\nThey cluster on Tuesdays.",
        "outcomes": "Half as many missed collections within a year.",
        "service_area": "waste",
        "location": "Sandwell",
        "budget_gbp": "£60,000",
        "opens_at-day": "2",
        "opens_at-month": "6",
        "opens_at-year": str(NEXT_YEAR),
        "opens_at-time": "9am",
        "closes_at-day": "30",
        "closes_at-month": "6",
        "closes_at-year": str(NEXT_YEAR),
        "closes_at-time": "12pm",
        "criteria_rows": "6",
        "eligibility_rows": "5",
        "criteria-0-name": "Understanding of the problem",
        "criteria-0-weight": "60",
        "criteria-2-name": "Value for money",
        "criteria-2-description": "Cost against the budget",
        "criteria-2-weight": "40",
        "eligibility-0-question": "Are you registered as a company in the UK?",
        "eligibility-0-knockout_answer": "no",
        "action": "save",
    }
    data.update(changes)
    return data


def error_ids(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


async def signed_in_officer(client: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    user = await officer()
    await sign_in_as(client, user)
    return user


async def test_an_officer_creates_a_draft_in_uk_time_and_lands_on_the_check_page(
    client: httpx.AsyncClient,
) -> None:
    user = await signed_in_officer(client)

    response = await post_form(client, "/challenges/new", form())

    assert response.status_code == 303, response.text
    challenge = await Challenge.get(title="Fewer missed bin collections")
    assert response.headers["location"] == f"/challenges/{challenge.id}/publish?done=created"
    assert challenge.organisation_id == user.organisation_id
    # 12pm in June is British Summer Time: 11:00 UTC.
    assert challenge.closes_at == datetime(NEXT_YEAR, 6, 30, 11, 0, tzinfo=UTC)
    assert challenge.budget_gbp == 60000
    criteria = await Criterion.filter(challenge_id=challenge.id).order_by("position")
    assert [(c.name, c.weight) for c in criteria] == [
        ("Understanding of the problem", 60),
        ("Value for money", 40),
    ]
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    assert "Check your challenge before publishing" in page.text
    assert "Your draft challenge has been saved" in page.text
    assert "30 June " + str(NEXT_YEAR) + " at 12pm" in page.text
    assert "Publish challenge" in page.text


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"service_area": ""}, "service_area", "Select a service area"),
        ({"budget_gbp": "sixty grand"}, "budget_gbp", "whole number of pounds"),
        ({"closes_at-month": ""}, "closes_at-month", "must include a month"),
        ({"closes_at-day": "31", "closes_at-month": "2"}, "closes_at-day", "real date"),
        ({"closes_at-time": "teatime"}, "closes_at-time", "time of day"),
        ({"closes_at-day": "2", "closes_at-time": "9:30am"}, "closes_at-day", "at least 1 day"),
        ({"criteria-2-weight": "30"}, "criteria", "add up to 90"),
        ({"criteria-2-weight": "forty"}, "criteria-2-weight", "from 1 to 100"),
        ({"criteria-2-name": ""}, "criteria-2-name", "Enter the name of the criterion"),
        ({"criteria-2-name": "understanding of the problem"}, "criteria-2-name", "same name"),
        (
            {"eligibility-0-knockout_answer": ""},
            "eligibility-0-knockout_answer",
            "Select the answer",
        ),
        ({"eligibility-1-knockout_answer": "yes"}, "eligibility-1-question", "Enter the question"),
    ],
)
async def test_a_bad_form_shows_each_problem_by_field_keeps_what_was_typed_and_saves_nothing(
    client: httpx.AsyncClient, changes: dict[str, str], field_id: str, message: str
) -> None:
    await signed_in_officer(client)

    response = await post_form(client, "/challenges/new", form(**changes))

    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert field_id in error_ids(response.text)
    assert message in response.text
    assert f'id="{field_id}"' in response.text
    assert 'value="Crews miss bins' not in response.text  # textareas keep text as content
    assert "Crews miss bins on narrow streets" in response.text
    assert await Challenge.all().count() == 0


async def test_a_time_that_the_clocks_skip_is_refused(client: httpx.AsyncClient) -> None:
    await signed_in_officer(client)
    # The last Sunday of March: 1am becomes 2am, so 1:30am never happens in the UK.
    last_sunday = max(d for d in range(25, 32) if datetime(NEXT_YEAR, 3, d).weekday() == 6)
    changes = {
        "opens_at-day": str(last_sunday),
        "opens_at-month": "3",
        "opens_at-time": "1:30am",
    }

    response = await post_form(client, "/challenges/new", form(**changes))

    assert response.status_code == 400
    assert "opens_at-time" in error_ids(response.text)
    assert "clocks go forward" in response.text


async def test_add_another_criterion_shows_one_more_row_and_saves_nothing(
    client: httpx.AsyncClient,
) -> None:
    await signed_in_officer(client)

    response = await post_form(client, "/challenges/new", form(action="add_criterion"))

    assert response.status_code == 200
    assert 'id="criteria-6-name"' in response.text
    assert 'id="criteria-7-name"' not in response.text
    assert 'name="criteria_rows" value="7"' in response.text
    assert 'value="Understanding of the problem"' in response.text
    assert await Challenge.all().count() == 0


async def test_an_eighth_criterion_row_is_the_last(client: httpx.AsyncClient) -> None:
    await signed_in_officer(client)

    response = await post_form(
        client, "/challenges/new", form(action="add_criterion", criteria_rows="8")
    )

    assert 'id="criteria-7-name"' in response.text
    assert "Add another criterion" not in response.text


async def test_publishing_from_the_check_page_opens_the_challenge(
    client: httpx.AsyncClient,
) -> None:
    user = await signed_in_officer(client)
    challenge = await draft(user)

    response = await post_form(client, f"/challenges/{challenge.id}/publish", {})

    assert response.status_code == 303
    assert response.headers["location"] == f"/challenges/{challenge.id}?done=published"
    stored = await Challenge.get(id=challenge.id)
    assert stored.published_at is not None
    page = await client.get(response.headers["location"])
    assert "Your challenge is open" in page.text
    assert "Add a clarification" in page.text and "Close early" in page.text


async def test_the_check_page_says_what_stops_publishing(client: httpx.AsyncClient) -> None:
    user = await signed_in_officer(client)
    challenge = await draft(user)
    await Challenge.filter(id=challenge.id).update(closes_at=now() + timedelta(hours=3))

    page = await client.get(f"/challenges/{challenge.id}/publish")
    refused = await post_form(client, f"/challenges/{challenge.id}/publish", {})

    assert "You cannot publish this yet" in page.text
    assert "Publish challenge" not in page.text
    assert refused.status_code == 400
    assert f"/challenges/{challenge.id}/edit#closes_at-day" in refused.text
    assert (await Challenge.get(id=challenge.id)).published_at is None


async def test_editing_a_draft_keeps_the_rows_and_saves_changes(client: httpx.AsyncClient) -> None:
    user = await signed_in_officer(client)
    challenge = await draft(user)

    page = await client.get(f"/challenges/{challenge.id}/edit")
    assert page.status_code == 200
    assert 'value="Understanding of the corridor"' in page.text
    assert 'name="criteria_rows" value="6"' in page.text
    local_close = challenge.closes_at.astimezone(LONDON)
    assert f'name="closes_at-year" type="text" value="{local_close.year}"' in page.text

    changed = form(title="Bus punctuality, reworded")
    response = await post_form(client, f"/challenges/{challenge.id}/edit", changed)

    assert response.status_code == 303
    assert response.headers["location"] == f"/challenges/{challenge.id}/publish?done=saved"
    assert (await Challenge.get(id=challenge.id)).title == "Bus punctuality, reworded"
    assert await Criterion.filter(challenge_id=challenge.id).count() == 2


async def test_an_open_challenge_cannot_be_edited_only_clarified(client: httpx.AsyncClient) -> None:
    user = await signed_in_officer(client)
    challenge = await opened(user)

    page = await client.get(f"/challenges/{challenge.id}/edit")
    posted = await post_form(
        client, f"/challenges/{challenge.id}/edit", form(), form_page="/challenges/new"
    )

    assert page.status_code == 409
    assert "Add a clarification" in page.text
    assert posted.status_code == 409
    assert (await Challenge.get(id=challenge.id)).title == challenge.title


async def test_a_clarification_appears_on_the_public_page_with_its_date(
    client: httpx.AsyncClient,
) -> None:
    user = await signed_in_officer(client)
    challenge = await opened(user)

    empty = await post_form(client, f"/challenges/{challenge.id}/clarifications/new", {"text": " "})
    response = await post_form(
        client,
        f"/challenges/{challenge.id}/clarifications/new",
        {"text": "We can share 2 years of AVL data."},
    )

    assert empty.status_code == 400 and "Enter the clarification" in empty.text
    assert response.status_code == 303
    public = await client.get(f"/challenges/{challenge.id}")
    assert "We can share 2 years of AVL data." in public.text
    today = now().astimezone(LONDON)
    assert f"Added {today.day} {today.strftime('%B %Y')}" in public.text
    assert await Clarification.filter(challenge_id=challenge.id).count() == 1


async def test_closing_early_asks_first_then_closes_now(client: httpx.AsyncClient) -> None:
    user = await signed_in_officer(client)
    challenge = await opened(user)

    confirm = await client.get(f"/challenges/{challenge.id}/close")
    response = await post_form(client, f"/challenges/{challenge.id}/close", {})

    assert "Are you sure you want to close this challenge now?" in confirm.text
    assert response.status_code == 303
    stored = await Challenge.get(id=challenge.id)
    assert stored.closes_at <= now()
    assert await AuditEvent.exists(action="challenge.closed", challenge_id=challenge.id)


async def test_shortlisting_starts_only_after_closing(client: httpx.AsyncClient) -> None:
    user = await signed_in_officer(client)
    still_open = await opened(user, title="Still open")
    done = await closed(user)

    too_soon = await client.get(f"/challenges/{still_open.id}/start-shortlisting")
    response = await post_form(client, f"/challenges/{done.id}/start-shortlisting", {})

    assert too_soon.status_code == 409
    assert "Close the challenge before shortlisting" in too_soon.text
    assert response.status_code == 303
    assert (await Challenge.get(id=done.id)).shortlisting_at is not None


async def test_withdrawing_needs_a_reason_and_records_it(client: httpx.AsyncClient) -> None:
    user = await signed_in_officer(client)
    challenge = await opened(user)

    missing = await post_form(client, f"/challenges/{challenge.id}/withdraw", {"reason": ""})
    response = await post_form(
        client, f"/challenges/{challenge.id}/withdraw", {"reason": "The budget was cut"}
    )

    assert missing.status_code == 400
    assert "reason" in error_ids(missing.text)
    assert response.status_code == 303
    event = await AuditEvent.get(action="challenge.withdrawn")
    assert event.details["reason"] == "The budget was cut"
    page = await client.get(f"/challenges/{challenge.id}")
    assert "withdrew this challenge" in page.text


async def test_your_challenges_are_grouped_by_status(client: httpx.AsyncClient) -> None:
    user = await signed_in_officer(client)
    await draft(user, title="A draft")
    await opened(user, title="An open one")
    await draft(await officer(), title="Another body's draft")

    page = await client.get("/challenges/yours")

    assert page.status_code == 200
    text = page.text
    assert text.index("Draft <span") < text.index("A draft") < text.index("Open <span")
    assert text.index("Open <span") < text.index("An open one")
    assert "Another body" not in text


async def test_drafts_are_not_found_for_anyone_but_their_body(client: httpx.AsyncClient) -> None:
    owner = await officer()
    challenge = await draft(owner)

    assert (await client.get(f"/challenges/{challenge.id}")).status_code == 404
    for user in [await officer(), await make_user(Role.STARTUP_MEMBER)]:
        await sign_in_as(client, user)
        assert (await client.get(f"/challenges/{challenge.id}")).status_code == 404
    await sign_in_as(client, owner)
    page = await client.get(f"/challenges/{challenge.id}")
    assert page.status_code == 200
    assert "This is a draft" in page.text


async def test_the_challenge_page_has_what_a_start_up_needs(client: httpx.AsyncClient) -> None:
    user = await officer()
    in_ten_days = now().astimezone(LONDON).date() + timedelta(days=10)
    closes = datetime.combine(in_ten_days, datetime.min.time(), LONDON).replace(hour=12)
    challenge = await opened(user, closes_at=closes)
    await services.add_clarification(user, challenge.id, "Data covers 2024.")
    await sign_in_as(client, await make_user(Role.STARTUP_MEMBER))

    page = await client.get(f"/challenges/{challenge.id}")

    assert page.status_code == 200
    for text in [
        "Only 71% of outbound evening departures",
        "Understanding of the corridor",
        "40%",
        "Are you registered as a company in the UK?",
        "Not eligible if no",
        "Data covers 2024.",
        "Up to £120,000",
        "closes in 10 days",
        (await user.organisation).name,
        f"/proposals/new?challenge={challenge.id}",
    ]:
        assert text in page.text, text


async def test_visitors_are_asked_to_sign_in_to_propose(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())

    page = await client.get(f"/challenges/{challenge.id}")

    assert "Sign in as a start-up" in page.text
    assert "Start a proposal" not in page.text


async def test_the_list_shows_open_challenges_closing_soonest_first(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    await opened(user, title="Closes later", closes_at=now() + timedelta(days=30))
    await opened(user, title="Closes sooner", closes_at=now() + timedelta(days=3))
    await draft(user, title="Not published")

    page = await client.get("/challenges/")

    assert page.status_code == 200
    assert "2 open challenges" in page.text
    assert page.text.index("Closes sooner") < page.text.index("Closes later")
    assert "Not published" not in page.text


async def test_the_list_filters_and_keeps_the_filters_in_the_form(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    await opened(user, title="Bus lanes", closes_at=now() + timedelta(days=4))
    await opened(user, title="Recycling rates", service_area="waste")

    soon = await client.get("/challenges/?closing_soon=yes")
    waste = await client.get("/challenges/?service_area=waste")
    body = await client.get(f"/challenges/?body={user.organisation_id}")

    assert "Bus lanes" in soon.text and "Recycling rates" not in soon.text
    assert 'value="yes" checked' in soon.text
    assert "Recycling rates" in waste.text and "Bus lanes" not in waste.text
    assert '<option value="waste" selected>' in waste.text
    assert "2 open challenges" in body.text
    nonsense = await client.get("/challenges/?service_area=parks&page=x&sort=worst")
    assert nonsense.status_code == 200


async def test_search_ranks_with_the_matcher_and_shows_the_matched_words(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    await opened(user)
    await opened(
        user,
        title="Fewer missed bin collections",
        service_area="waste",
        summary="Crews miss bins on narrow streets.",
        problem="Missed collections cause complaints.",
        outcomes="Fewer missed collections.",
    )

    page = await client.get("/challenges/?q=bus+punctuality")

    assert "1 open challenge" in page.text
    assert "Bus punctuality on the Hagley Road corridor" in page.text
    assert "missed bin" not in page.text
    assert '<mark class="app-match-term">' in page.text


async def test_the_list_is_paginated_twenty_a_page(client: httpx.AsyncClient) -> None:
    user = await officer()
    for n in range(21):
        await opened(
            user, title=f"Challenge number {n:02}", closes_at=now() + timedelta(days=3 + n)
        )

    first = await client.get("/challenges/")
    second = await client.get("/challenges/?page=2")

    assert "21 open challenges" in first.text
    assert first.text.count('class="govuk-heading-s govuk-!-margin-bottom-1"') == 20
    assert "govuk-pagination" in first.text and 'href="/challenges/?page=2"' in first.text
    assert second.text.count('class="govuk-heading-s govuk-!-margin-bottom-1"') == 1
    assert "Challenge number 20" in second.text
