"""The challenges API driven as an external client: drafting, the lifecycle, listing, clarifying."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from matching import Match, TfidfMatcher
from tests.api.conftest import ApiClient
from tests.challenges.helpers import api_body, api_client, draft, now, officer, opened
from tests.conftest import make_user
from urbanchallenge.accounts.models import Role
from urbanchallenge.api.core import schema_errors
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges import services
from urbanchallenge.challenges.api import CHALLENGE, CLARIFICATION
from urbanchallenge.challenges.models import Challenge, Criterion, EligibilityQuestion
from urbanchallenge.ranking.models import MatchJob


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_an_officer_creates_a_draft_and_gets_the_whole_challenge_back(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    api = await api_client(client, user)

    response = await api.post("/challenges", api_body())

    assert response.status_code == 201, response.text
    body = response.json()
    assert schema_errors(CHALLENGE, body) == []
    assert body["status"] == "draft"
    assert body["outcome"] is None
    assert body["organisation"]["id"] == user.organisation_id
    assert [c["weight"] for c in body["criteria"]] == [40, 35, 25]
    assert body["criteria"][1]["description"] == "Sound and repeatable"
    assert body["eligibility"][1] == {
        "id": body["eligibility"][1]["id"],
        "question": "Have you been debarred from public contracts?",
        "knockout_answer": True,
    }
    assert body["clarifications"] == []
    assert when(body["closes_at"]).utcoffset() == timedelta(0)
    event = await AuditEvent.get(action="challenge.created")
    assert event.subject_id == body["id"] and event.actor_id == user.id


async def test_times_without_an_offset_are_read_as_utc_and_others_are_converted(
    client: httpx.AsyncClient,
) -> None:
    api = await api_client(client, await officer())
    body = api_body(opens_at="2031-06-01T09:00:00", closes_at="2031-06-30T12:00:00+01:00")

    response = await api.post("/challenges", body)

    assert response.status_code == 201, response.text
    assert when(response.json()["opens_at"]) == when("2031-06-01T09:00:00+00:00")
    assert when(response.json()["closes_at"]) == when("2031-06-30T11:00:00+00:00")


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"title": ""}, "title"),
    ({"title": "x" * 121}, "title"),
    ({"service_area": "parks"}, "service_area"),
    ({"budget_gbp": "lots"}, "budget_gbp"),
    ({"budget_gbp": 0}, "budget_gbp"),
    ({"opens_at": "next tuesday"}, "opens_at"),
    ({"opens_at": "2027-02-30T12:00:00Z"}, "opens_at"),
    ({"closes_at": "9999-12-31T23:00:00-05:00"}, "closes_at"),
    ({"closes_at": "2020-01-01T12:00:00Z", "opens_at": "2019-12-01T12:00:00Z"}, "closes_at"),
    ({"closes_at": (now() + timedelta(days=1, hours=12)).isoformat()}, "closes_at"),
    ({"criteria": []}, "criteria"),
    ({"criteria": [{"name": "Only", "weight": 90}]}, "criteria"),
    ({"criteria": [{"name": "A", "weight": 50}, {"name": "a", "weight": 50}]}, "criteria.1.name"),
    ({"criteria": [{"name": "A", "weight": 0}, {"name": "B", "weight": 100}]}, "criteria.0.weight"),
    ({"criteria": [{"name": f"C{i}", "weight": 11} for i in range(9)]}, "criteria"),
    (
        {"eligibility": [{"question": "Are you UK based?", "knockout_answer": "no"}]},
        "eligibility.0.knockout_answer",
    ),
    ({"eligibility": [{"question": "Q", "knockout_answer": True}] * 2}, "eligibility.1.question"),
    ({"unexpected": 1}, "unexpected"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_BODIES)
async def test_a_bad_challenge_gets_a_422_naming_the_field_and_saves_nothing(
    client: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    api = await api_client(client, await officer())

    response = await api.post("/challenges", api_body(**changes))

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await Challenge.all().count() == 0
    assert await Criterion.all().count() == 0
    assert await AuditEvent.all().count() == 0


async def test_a_second_challenge_with_the_same_title_is_refused(client: httpx.AsyncClient) -> None:
    api = await api_client(client, await officer())
    assert (await api.post("/challenges", api_body())).status_code == 201

    again = await api.post("/challenges", api_body())

    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "title"


async def test_a_draft_is_seen_only_by_its_own_bodys_officers(client: httpx.AsyncClient) -> None:
    owner = await officer()
    colleague = await officer(organisation=await owner.organisation)
    challenge = await draft(owner)
    anonymous = ApiClient(client)

    assert (await anonymous.get(f"/challenges/{challenge.id}")).status_code == 404
    for user in [
        await officer(),
        await make_user(Role.STARTUP_MEMBER),
        await make_user(Role.REVIEWER),
        await make_user(Role.ADMIN),
    ]:
        other = await api_client(client, user)
        assert (await other.get(f"/challenges/{challenge.id}")).status_code == 404, user.role
    mine = await api_client(client, colleague)
    response = await mine.get(f"/challenges/{challenge.id}")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


async def test_a_published_challenge_is_public(client: httpx.AsyncClient) -> None:
    challenge = await opened(await officer())

    response = await ApiClient(client).get(f"/challenges/{challenge.id}")

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert schema_errors(CHALLENGE, response.json()) == []


async def test_patch_changes_only_the_fields_sent_and_replaces_lists(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    challenge = await draft(user)
    api = await api_client(client, user)

    response = await api.patch(
        f"/challenges/{challenge.id}",
        {"title": "Bus reliability", "criteria": [{"name": "Everything", "weight": 100}]},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Bus reliability"
    assert body["summary"].startswith("Buses on the A456")
    assert [(c["name"], c["weight"]) for c in body["criteria"]] == [("Everything", 100)]
    assert len(body["eligibility"]) == 2
    assert await Criterion.filter(challenge_id=challenge.id).count() == 1
    event = await AuditEvent.get(action="challenge.updated")
    assert event.details["fields"] == ["title"]


async def test_a_bad_patch_changes_nothing(client: httpx.AsyncClient) -> None:
    user = await officer()
    challenge = await draft(user)
    api = await api_client(client, user)

    response = await api.patch(
        f"/challenges/{challenge.id}",
        {"title": "New title", "criteria": [{"name": "Half", "weight": 50}]},
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["criteria"]
    assert "add up to 50" in response.json()["errors"][0]["message"]
    stored = await Challenge.get(id=challenge.id)
    assert stored.title == challenge.title
    assert await Criterion.filter(challenge_id=challenge.id).count() == 3


async def test_editing_after_opening_is_a_409_pointing_to_clarifications(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    challenge = await opened(user)
    api = await api_client(client, user)

    response = await api.patch(f"/challenges/{challenge.id}", {"title": "Sneaky change"})

    assert response.status_code == 409
    assert "clarification" in response.json()["detail"]
    assert (await Challenge.get(id=challenge.id)).title == challenge.title


async def test_the_whole_lifecycle_through_transitions(client: httpx.AsyncClient) -> None:
    user = await officer()
    api = await api_client(client, user)
    created = (await api.post("/challenges", api_body())).json()
    path = f"/challenges/{created['id']}/transitions"

    published = await api.post(path, {"to": "open"})
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "open"
    assert when(published.json()["opens_at"]) <= now()

    closed = await api.post(path, {"to": "closed"})
    assert closed.json()["status"] == "closed"
    assert abs(when(closed.json()["closes_at"]) - now()) < timedelta(minutes=1)

    shortlisting = await api.post(path, {"to": "shortlisting"})
    assert shortlisting.json()["status"] == "shortlisting"

    withdrawn = await api.post(path, {"to": "withdrawn", "reason": "Funding was cut"})
    assert withdrawn.json()["status"] == "withdrawn"

    actions = [e.action for e in await AuditEvent.all().order_by("id")]
    assert actions == [
        "challenge.created",
        "challenge.opened",
        "challenge.closed",
        "challenge.shortlisting_started",
        "challenge.withdrawn",
    ]
    event = await AuditEvent.get(action="challenge.withdrawn")
    assert event.details == {"from": "shortlisting", "to": "withdrawn", "reason": "Funding was cut"}


@pytest.mark.parametrize(
    ("setup", "to", "says"),
    [
        ("draft", "closed", "Publish it first"),
        ("draft", "shortlisting", "let it close"),
        ("open", "shortlisting", "Close the challenge before shortlisting"),
        ("open", "open", "cannot move to open"),
        ("withdrawn", "open", "cannot change any more"),
    ],
)
async def test_an_illegal_move_is_a_409_with_the_lifecycles_reason(
    client: httpx.AsyncClient, setup: str, to: str, says: str
) -> None:
    user = await officer()
    challenge = await (opened(user) if setup == "open" else draft(user))
    api = await api_client(client, user)
    if setup == "withdrawn":
        await api.post(f"/challenges/{challenge.id}/transitions", {"to": "withdrawn"})

    response = await api.post(f"/challenges/{challenge.id}/transitions", {"to": to})

    assert response.status_code == 409
    assert says in response.json()["detail"]


async def test_deciding_is_not_one_of_these_transitions(client: httpx.AsyncClient) -> None:
    user = await officer()
    challenge = await opened(user)
    api = await api_client(client, user)

    response = await api.post(f"/challenges/{challenge.id}/transitions", {"to": "decided"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to"


async def test_a_draft_closing_within_a_day_cannot_be_published(client: httpx.AsyncClient) -> None:
    user = await officer()
    challenge = await draft(user, closes_at=now() + timedelta(days=3))
    await Challenge.filter(id=challenge.id).update(closes_at=now() + timedelta(hours=20))
    api = await api_client(client, user)

    response = await api.post(f"/challenges/{challenge.id}/transitions", {"to": "open"})

    assert response.status_code == 409
    assert "at least 1 day from now" in response.json()["detail"]
    assert (await Challenge.get(id=challenge.id)).published_at is None


async def test_state_changes_ask_for_matching_in_the_same_transaction(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    challenge = await draft(user)
    await MatchJob.all().delete()
    api = await api_client(client, user)

    await api.post(f"/challenges/{challenge.id}/transitions", {"to": "open"})

    kinds = {(j.kind, j.target_id) for j in await MatchJob.all()}
    assert kinds == {("challenge", challenge.id), ("all_startups", 0)}


async def test_clarifications_are_public_and_dated(client: httpx.AsyncClient) -> None:
    user = await officer()
    challenge = await opened(user)
    api = await api_client(client, user)

    response = await api.post(
        f"/challenges/{challenge.id}/clarifications",
        {"text": "AVL data covers 2023 and 2024 only."},
    )

    assert response.status_code == 201, response.text
    assert schema_errors(CLARIFICATION, response.json()) == []
    public = (await ApiClient(client).get(f"/challenges/{challenge.id}")).json()
    assert [c["text"] for c in public["clarifications"]] == ["AVL data covers 2023 and 2024 only."]
    assert abs(when(public["clarifications"][0]["created_at"]) - now()) < timedelta(minutes=1)
    assert await AuditEvent.exists(action="challenge.clarified", challenge_id=challenge.id)


async def test_a_draft_or_withdrawn_challenge_cannot_be_clarified(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    api = await api_client(client, user)
    challenge = await draft(user)

    on_draft = await api.post(f"/challenges/{challenge.id}/clarifications", {"text": "Note"})
    await api.post(f"/challenges/{challenge.id}/transitions", {"to": "withdrawn"})
    on_withdrawn = await api.post(f"/challenges/{challenge.id}/clarifications", {"text": "Note"})

    assert on_draft.status_code == 409 and "edit it instead" in on_draft.json()["detail"]
    assert on_withdrawn.status_code == 409
    empty = await api.post(f"/challenges/{challenge.id}/clarifications", {"text": ""})
    assert empty.status_code == 422


async def test_the_public_list_shows_only_open_challenges_closing_soonest_first(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    later = await opened(user, title="Later", closes_at=now() + timedelta(days=40))
    sooner = await opened(user, title="Sooner", closes_at=now() + timedelta(days=3))
    await draft(user, title="Draft")
    withdrawn = await opened(user, title="Withdrawn")
    await ApiClient(client).get("/challenges")
    api = await api_client(client, user)
    await api.post(f"/challenges/{withdrawn.id}/transitions", {"to": "withdrawn"})

    response = await ApiClient(client).get("/challenges")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [sooner.id, later.id]
    assert response.headers["x-total-count"] == "2"
    for item in response.json():
        assert schema_errors(CHALLENGE, item) == []


async def test_the_list_filters_by_area_body_and_closing_soon(client: httpx.AsyncClient) -> None:
    first, second = await officer(), await officer()
    bus = await opened(first, title="Buses", closes_at=now() + timedelta(days=5))
    await opened(first, title="Bins", service_area="waste", closes_at=now() + timedelta(days=20))
    care = await opened(second, title="Care", service_area="adult_social_care")
    anonymous = ApiClient(client)

    def ids(response: httpx.Response) -> list[int]:
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()]

    assert ids(await anonymous.get("/challenges?service_area=transport")) == [bus.id]
    assert ids(await anonymous.get(f"/challenges?organisation_id={second.organisation_id}")) == [
        care.id
    ]
    assert ids(await anonymous.get("/challenges?closing_soon=true")) == [bus.id]
    bad = await anonymous.get("/challenges?service_area=parks")
    assert bad.status_code == 422


async def test_free_text_search_is_ranked_by_the_matcher(client: httpx.AsyncClient) -> None:
    user = await officer()
    await opened(
        user,
        title="Fewer missed bin collections",
        service_area="waste",
        summary="Crews miss bins on narrow streets.",
        problem="Missed bin collections cost us complaints and repeat visits.",
        outcomes="Fewer missed collections.",
    )
    bus = await opened(user)

    response = await ApiClient(client).get("/challenges?q=bus+punctuality")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [bus.id]


async def test_an_officers_search_of_their_own_challenges_is_ranked_without_explaining_it(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await officer()
    bins = await draft(
        user,
        title="Fewer missed bin collections",
        summary="Crews miss bins on narrow streets.",
        problem="Missed bin collections cost us complaints and repeat visits.",
    )
    bus = await draft(user)
    query = "bus punctuality and missed bins"
    expected = [c.id for c, _, _ in await services.rank_by_text(query, [bins, bus])]
    explained: list[object] = []
    rank, explain = TfidfMatcher.rank, TfidfMatcher.explain

    def spied_rank(self: TfidfMatcher, *args: Any, **kwargs: Any) -> list[Match]:
        explained.append(("rank", kwargs.get("explain", True)))
        return rank(self, *args, **kwargs)

    def spied_explain(self: TfidfMatcher, *args: Any, **kwargs: Any) -> list[Match]:
        explained.append(("explain", args))
        return explain(self, *args, **kwargs)

    monkeypatch.setattr(TfidfMatcher, "rank", spied_rank)
    monkeypatch.setattr(TfidfMatcher, "explain", spied_explain)
    api = await api_client(client, user)
    response = await api.get("/challenges?status=draft&q=" + query.replace(" ", "+"))

    assert response.status_code == 200
    # both match, in the matcher's order, and no match was explained to get it
    assert [c["id"] for c in response.json()] == expected and len(expected) == 2
    assert explained and all(call == ("rank", False) for call in explained)


async def test_pages_of_results_link_to_the_next_page(client: httpx.AsyncClient) -> None:
    user = await officer()
    for n in range(3):
        await opened(user, title=f"Challenge {n}", closes_at=now() + timedelta(days=10 + n))

    first = await ApiClient(client).get("/challenges?per_page=2")
    second = await ApiClient(client).get("/challenges?per_page=2&page=2")

    assert len(first.json()) == 2 and len(second.json()) == 1
    assert first.headers["x-total-count"] == "3"
    assert 'rel="next"' in first.headers["link"] and "page=2" in first.headers["link"]
    assert "link" not in second.headers
    assert (await ApiClient(client).get("/challenges?per_page=500")).status_code == 422
    assert (await ApiClient(client).get("/challenges?page=0")).status_code == 422


async def test_other_statuses_are_listed_only_for_an_officers_own_body(
    client: httpx.AsyncClient,
) -> None:
    user = await officer()
    mine = await draft(user)
    await draft(await officer(), title="Someone else's draft")

    anonymous = await ApiClient(client).get("/challenges?status=draft")
    startup = await (await api_client(client, await make_user(Role.STARTUP_MEMBER))).get(
        "/challenges?status=draft"
    )
    own = await (await api_client(client, user)).get("/challenges?status=draft")

    assert anonymous.status_code == 401
    assert startup.status_code == 403
    assert own.status_code == 200
    assert [c["id"] for c in own.json()] == [mine.id]


async def test_knockout_answers_round_trip_as_booleans(client: httpx.AsyncClient) -> None:
    user = await officer()
    api = await api_client(client, user)
    body = api_body(eligibility=[{"question": "Are you a charity?", "knockout_answer": True}])

    created = (await api.post("/challenges", body)).json()

    question = await EligibilityQuestion.get(challenge_id=created["id"])
    assert question.knockout_answer is True
    assert created["eligibility"][0]["knockout_answer"] is True
