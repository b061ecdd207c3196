"""The officer's ranked list, a start-up's fits, and the same data in the API."""

from __future__ import annotations

import httpx

from tests.api.conftest import ApiClient
from tests.conftest import make_user, post_form, sign_in_as
from tests.ranking.factories import open_challenge, public_body, startup, submitted_proposal
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.accounts.tokens import issue_token
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.ranking import jobs, worker
from urbanchallenge.ranking.search import search_challenges
from urbanchallenge.ranking.services import highlight

BUS = "Buses lose time at signalised junctions and busy stops on the Hagley Road corridor."


async def scored_challenge() -> tuple[Challenge, Proposal, Proposal, User]:
    body, officer = await public_body("Transport for the Test Midlands")
    challenge = await open_challenge(body, "Bus punctuality on Hagley Road", BUS)
    good_org, _ = await startup("Kerbside Test")
    poor_org, _ = await startup("Chatty Test")
    good = await submitted_proposal(
        challenge, good_org, "Junction delay attribution", "We find which junctions delay buses."
    )
    poor = await submitted_proposal(
        challenge, poor_org, "Resident chatbot", "An AI assistant <b>now</b>."
    )
    await jobs.request_challenge_rescore(challenge.id)
    await worker.run_pending()
    return challenge, good, poor, officer


async def test_the_officer_sees_proposals_ranked_with_the_shared_terms_highlighted(
    client: httpx.AsyncClient,
) -> None:
    challenge, _good, _poor, officer = await scored_challenge()
    await sign_in_as(client, officer)

    page = await client.get(f"/matches/challenges/{challenge.id}")

    assert page.status_code == 200
    html = page.text
    assert html.index("Junction delay attribution") < html.index("Resident chatbot")
    assert '<mark class="app-match-term">junctions</mark>' in html
    assert "It is not an assessment" in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>now</b>" not in html


async def test_another_bodys_officer_and_other_roles_cannot_see_the_ranking(
    client: httpx.AsyncClient,
) -> None:
    challenge, *_ = await scored_challenge()
    _, other_officer = await public_body()
    await sign_in_as(client, other_officer)
    assert (await client.get(f"/matches/challenges/{challenge.id}")).status_code == 404

    client.cookies.clear()
    await sign_in_as(client, await make_user(Role.STARTUP_MEMBER))
    assert (await client.get(f"/matches/challenges/{challenge.id}")).status_code == 403


async def test_the_api_lists_matches_in_rank_order_for_the_owning_body_only(
    client: httpx.AsyncClient,
) -> None:
    challenge, good, poor, officer = await scored_challenge()
    token, _ = await issue_token(officer)
    owner = ApiClient(client, token)

    response = await owner.get(f"/challenges/{challenge.id}/matches")

    assert response.status_code == 200
    matches = response.json()
    assert [m["proposal_id"] for m in matches] == [good.id, poor.id]
    assert [m["rank"] for m in matches] == [1, 2]
    assert set(matches[0]) == {"proposal_id", "rank", "score", "terms", "duplicate_of", "eligible"}
    assert matches[0]["terms"] and set(matches[0]["terms"][0]) == {"term", "weight"}

    _, stranger = await public_body()
    other_token, _ = await issue_token(stranger)
    assert (
        await ApiClient(client, other_token).get(f"/challenges/{challenge.id}/matches")
    ).status_code == 404
    reviewer_token, _ = await issue_token(await make_user(Role.REVIEWER))
    assert (
        await ApiClient(client, reviewer_token).get(f"/challenges/{challenge.id}/matches")
    ).status_code == 403


async def test_a_start_up_sees_challenges_that_fit_it_with_the_reasons(
    client: httpx.AsyncClient,
) -> None:
    body, _ = await public_body()
    buses = await open_challenge(body, "Bus punctuality on Hagley Road", BUS)
    await open_challenge(body, "Missed bins at tower blocks", "Bin lorries miss collections.")
    org, member = await startup(description="We analyse bus delays at signalised junctions.")
    await jobs.request_startup_refit(org.id)
    await worker.run_pending()
    await sign_in_as(client, member)

    page = await client.get("/matches/for-you")
    api = await ApiClient(client, (await issue_token(member))[0]).get("/me/matches")

    assert page.status_code == 200
    assert "Bus punctuality on Hagley Road" in page.text
    assert f'href="/challenges/{buses.id}"' in page.text
    assert api.status_code == 200 and api.json()[0]["challenge_id"] == buses.id


async def test_editing_the_profile_asks_for_new_fits(client: httpx.AsyncClient) -> None:
    org, member = await startup()
    await sign_in_as(client, member)
    response = await post_form(
        client,
        "/account/organisation",
        {
            "region": "West Midlands",
            "website": "",
            "description": "Damp sensors for social housing.",
        },
    )
    assert response.status_code == 303
    assert await jobs.MatchJob.exists(kind="startup", target_id=org.id)


async def test_search_finds_challenges_by_the_words_people_use(db: str) -> None:
    body, _ = await public_body()
    buses = await open_challenge(body, "Bus punctuality on Hagley Road", BUS)
    bins = await open_challenge(
        body, "Missed bins", "Bin lorries miss collections at tower blocks."
    )

    found = await search_challenges("late buses at junctions", [bins, buses])
    nothing = await search_challenges("the and of", [bins, buses])

    assert [c.id for c, _, _ in found] == [buses.id]
    assert found[0][1] > 0 and found[0][2]
    assert nothing == []


def test_highlighting_escapes_text_and_marks_whole_words_only() -> None:
    marked = str(highlight("Busy <script> bus-stops; bus lanes", ["bus"]))
    assert "<script>" not in marked and "&lt;script&gt;" in marked
    assert '<mark class="app-match-term">bus</mark> lanes' in marked
    assert "Busy" in marked and '<mark class="app-match-term">Bus</mark>y' not in marked
