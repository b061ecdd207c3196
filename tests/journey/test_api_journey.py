"""The whole journey through the JSON API, as an external client would drive it.

Request and response shapes follow the issue that specifies the API, so this test is
the contract: a council officer posts a challenge, two start-ups find it and propose,
the matcher ranks them, a panel is formed, declares, scores, and the officer decides;
each start-up then reads its outcome and feedback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.api.conftest import PASSWORD, ApiClient
from urbanchallenge.accounts.services import verify_body
from urbanchallenge.ranking import worker

CHALLENGE = {
    "title": "Reduce missed bin collections at high-rise blocks",
    "summary": "Collections at tower blocks are missed when lorries cannot reach bin stores.",
    "problem": (
        "Refuse lorries miss collections at high-rise blocks in Sandwell when access roads are "
        "blocked by parked cars, bin store doors are locked or chutes are jammed. Residents "
        "report overflowing bins and fly-tipping follows within days."
    ),
    "outcomes": "Missed collections at high-rise blocks down by half within a year.",
    "service_area": "waste",
    "location": "Sandwell",
    "budget_gbp": 60000,
    "criteria": [
        {"name": "Understanding of the problem", "weight": 40},
        {"name": "Value for money", "weight": 60},
    ],
    "eligibility": [
        {"question": "Will you store residents' data outside the UK?", "knockout_answer": True}
    ],
}

STRONG = {
    "title": "Bin store access sensors for tower blocks",
    "summary": "Door and chute sensors tell crews before a round which bin stores are reachable.",
    "approach": (
        "We fit sensors to bin store doors and chutes in high-rise blocks and alert the "
        "collection crew and caretakers when a store is locked or a chute jammed, so missed "
        "collections are prevented rather than reported."
    ),
    "impact": "In a pilot of 12 tower blocks missed collections fell by 61% over six months.",
    "team": "Two engineers and a former refuse crew supervisor.",
    "cost_gbp": 48000,
    "timeline": "Install in three months, run for nine.",
    "eligibility_answers": [False],
}

WEAK = {
    "title": "An AI assistant for council enquiries",
    "summary": "A chatbot answers residents' questions about council tax and parking permits.",
    "approach": "A large language model answers enquiries on the council website at any hour.",
    "impact": "Other councils saw shorter telephone queues.",
    "team": "A product manager and two developers.",
    "cost_gbp": 55000,
    "timeline": "Live in eight weeks.",
    "eligibility_answers": [False],
}


async def account(
    http: httpx.AsyncClient, role: str, email: str, org: str | None = None
) -> ApiClient:
    body: dict[str, Any] = {
        "email": email,
        "password": PASSWORD,
        "name": email.split("@")[0],
        "role": role,
    }
    if org is not None:
        body["organisation"] = {
            "name": org,
            "kind": "public_body" if role == "council_officer" else "startup",
        }
    created = await http.post("/api/v1/accounts", json=body)
    assert created.status_code == 201, created.text
    token = await http.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert token.status_code == 201, token.text
    return ApiClient(http, token.json()["token"])


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (
        response.request.method,
        response.request.url,
        response.text,
    )
    return response.json() if response.content else None


async def test_the_whole_journey_through_the_api(client: httpx.AsyncClient) -> None:
    officer = await account(
        client, "council_officer", "officer@sandwell.example", "Sandwell Council"
    )
    strong = await account(client, "startup_member", "founder@binsense.example", "Binsense")
    weak = await account(client, "startup_member", "founder@chatty.example", "Chatty")
    reviewer = await account(client, "reviewer", "helen@panel.example")
    public = officer.as_anonymous()

    # The officer drafts and publishes a challenge.
    now = datetime.now(UTC)
    draft = ok(
        await officer.post(
            "/challenges",
            {
                **CHALLENGE,
                "opens_at": now.isoformat(),
                "closes_at": (now + timedelta(days=30)).isoformat(),
            },
        ),
        201,
    )
    assert draft["status"] == "draft"
    challenge_id = draft["id"]
    assert (await public.get(f"/challenges/{challenge_id}")).status_code == 404
    # A body that registered itself publishes once the service team has verified it.
    me = ok(await officer.get("/me"))
    assert me["organisation"]["awaiting_verification"] is True
    refused = await officer.post(f"/challenges/{challenge_id}/transitions", {"to": "open"})
    assert refused.status_code == 409, refused.text
    assert "waiting to be verified" in refused.json()["detail"]
    assert (await public.get(f"/challenges/{challenge_id}")).status_code == 404
    await verify_body("Sandwell Council")
    assert ok(await officer.get("/me"))["organisation"]["awaiting_verification"] is False
    opened = ok(await officer.post(f"/challenges/{challenge_id}/transitions", {"to": "open"}))
    assert opened["status"] == "open"

    # Start-ups find it by searching in their own words.
    found = ok(
        await public.get("/challenges", params={"status": "open", "q": "tower block bins missed"})
    )
    assert challenge_id in [c["id"] for c in found]
    waste = ok(await public.get("/challenges", params={"service_area": "waste"}))
    assert challenge_id in [c["id"] for c in waste]

    # One proposal first fails validation, is fixed, and both are submitted.
    bad = await strong.post(f"/challenges/{challenge_id}/proposals", {**STRONG, "cost_gbp": -5})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "cost_gbp" in {e["field"] for e in bad.json()["errors"]}
    strong_p = ok(await strong.post(f"/challenges/{challenge_id}/proposals", STRONG), 201)
    weak_p = ok(await weak.post(f"/challenges/{challenge_id}/proposals", WEAK), 201)
    assert strong_p["status"] == "draft"
    for client_, proposal in ((strong, strong_p), (weak, weak_p)):
        submitted = ok(await client_.post(f"/proposals/{proposal['id']}/submit"))
        assert submitted["status"] == "submitted"
    # A start-up never sees another's proposal.
    assert (await weak.get(f"/proposals/{strong_p['id']}")).status_code == 404

    # The matcher ranks them; the scores are stored and read back.
    await worker.run_pending()
    matches = ok(await officer.get(f"/challenges/{challenge_id}/matches"))
    assert [m["proposal_id"] for m in matches] == [strong_p["id"], weak_p["id"]]
    assert matches[0]["score"] > matches[1]["score"]
    assert matches[0]["terms"] and {"term", "weight"} <= set(matches[0]["terms"][0])
    fits = ok(await strong.get("/me/matches"))
    assert challenge_id in [f["challenge_id"] for f in fits]

    # The panel: an existing reviewer joins at once, a newcomer gets an invitation link.
    member = ok(
        await officer.post(f"/challenges/{challenge_id}/panel", {"email": "helen@panel.example"}),
        201,
    )
    assert member["member_id"]
    invited = ok(
        await officer.post(
            f"/challenges/{challenge_id}/panel", {"email": "new.person@panel.example"}
        ),
        201,
    )
    assert invited["invitation_url"].startswith("http")

    # Close early, shortlist both.
    closed = ok(await officer.post(f"/challenges/{challenge_id}/transitions", {"to": "closed"}))
    assert closed["status"] == "closed"
    assert datetime.fromisoformat(closed["closes_at"]) <= datetime.now(UTC)
    ok(await officer.post(f"/challenges/{challenge_id}/transitions", {"to": "shortlisting"}))
    ok(
        await officer.put(
            f"/challenges/{challenge_id}/shortlist",
            {"proposal_ids": [strong_p["id"], weak_p["id"]]},
        )
    )

    # The reviewer declares and scores.
    assignments = ok(await reviewer.get("/reviews"))
    assert {a["proposal_id"] for a in assignments} == {strong_p["id"], weak_p["id"]}
    for proposal, marks in ((strong_p, (9, 8)), (weak_p, (2, 3))):
        scored = await reviewer.put(
            f"/reviews/{proposal['id']}",
            {
                "conflict": False,
                "conflict_reason": "",
                "scores": [
                    {
                        "criterion": "Understanding of the problem",
                        "score": marks[0],
                        "comment": "Specific to tower blocks.",
                    },
                    {
                        "criterion": "Value for money",
                        "score": marks[1],
                        "comment": "Costed against the pilot.",
                    },
                ],
                "submit": True,
            },
        )
        assert scored.status_code == 200, scored.text

    results = ok(await officer.get(f"/challenges/{challenge_id}/results"))
    by_id = (
        {r["proposal_id"]: r for r in results}
        if isinstance(results, list)
        else {r["proposal_id"]: r for r in results["results"]}
    )
    assert by_id[strong_p["id"]]["raw_total"] > by_id[weak_p["id"]]["raw_total"]
    for key in ("raw_total", "calibrated_total", "mean", "median", "spread", "disagreement"):
        assert key in by_id[strong_p["id"]]

    # The decision, and each start-up's outcome and feedback.
    ok(
        await officer.post(
            f"/challenges/{challenge_id}/decision",
            {"awarded": [strong_p["id"]], "reason": "Best evidence and a credible pilot."},
        )
    )
    won = ok(await strong.get(f"/proposals/{strong_p['id']}/outcome"))
    lost = ok(await weak.get(f"/proposals/{weak_p['id']}/outcome"))
    assert won["outcome"] == "awarded" and lost["outcome"] == "not_awarded"
    assert "Costed against the pilot." in str(lost["feedback"])
    assert "helen" not in str(lost).lower()
    assert (await weak.get(f"/proposals/{strong_p['id']}/outcome")).status_code == 404

    # Every state change is in the audit log, with who did it.
    audit = ok(await officer.get(f"/challenges/{challenge_id}/audit"))
    actions = {e["action"] for e in (audit if isinstance(audit, list) else audit["events"])}
    assert {
        "challenge.created",
        "challenge.opened",
        "proposal.submitted",
        "score.submitted",
        "challenge.decided",
    } <= actions
