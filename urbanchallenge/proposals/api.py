"""This area's endpoints in the JSON API (mounted under /api/v1 by api/routes.py)."""

from __future__ import annotations

from typing import Any

from urbanchallenge.accounts.models import Role
from urbanchallenge.api import (
    ApiCall,
    ApiRoutes,
    Reply,
    array,
    boolean,
    date_time,
    define,
    integer,
    nullable,
    obj,
    string,
)
from urbanchallenge.challenges.api import ORGANISATION_REF
from urbanchallenge.middleware import MAX_ID
from urbanchallenge.proposals import services
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.proposals.services import ProposalStatus

api = ApiRoutes(
    "Proposals",
    "Start-ups' proposals: draft, change, submit, withdraw and reopen before the challenge closes.",
)

ANSWER = define(
    "EligibilityAnswer",
    obj(
        {
            "question_id": integer(),
            "question": string(),
            "answer": boolean("true for yes, false for no."),
        }
    ),
)
PROPOSAL = define(
    "Proposal",
    obj(
        {
            "id": integer(),
            "challenge_id": integer(),
            "title": string(),
            "summary": string(),
            "approach": string(),
            "impact": string(description="Evidence of impact."),
            "team": string(),
            "cost_gbp": nullable(integer(description="Whole pounds; null until entered.")),
            "timeline": string(),
            "status": string(enum=[s.value for s in ProposalStatus]),
            "eligibility_answers": array(ANSWER),
            "knocked_out": array(integer()),
            "eligible": boolean(
                "false when any answer rules the proposal out (it may still be submitted; "
                "the public body sees the flag)."
            ),
            "submitted_at": nullable(date_time()),
            "created_at": date_time(),
            "updated_at": date_time(),
            "organisation": ORGANISATION_REF,
        },
        description="knocked_out lists the ids of the eligibility questions answered with "
        "their knock-out answer.",
    ),
)
_ANSWERS = array(
    {
        "anyOf": [
            boolean(),
            obj({"question_id": integer(minimum=1, maximum=MAX_ID), "answer": boolean()}),
        ]
    },
    max_items=50,
)
_ANSWERS["description"] = (
    "Either one true/false per eligibility question, in the challenge's order, or "
    '[{"question_id": 12, "answer": true}, ...] (true is yes). Objects may answer some '
    "questions only; a draft may leave questions unanswered."
)
_FIELDS = {
    "title": string(max_length=services.TITLE_MAX, min_length=1),
    "summary": string(max_length=services.SUMMARY_MAX),
    "approach": string(max_length=services.APPROACH_MAX),
    "impact": string(max_length=services.IMPACT_MAX),
    "team": string(max_length=services.TEAM_MAX),
    "cost_gbp": nullable(integer(minimum=1, maximum=10_000_000_000)),
    "timeline": string(max_length=services.TIMELINE_MAX),
    "eligibility_answers": _ANSWERS,
}
NEW_PROPOSAL = define(
    "NewProposal",
    obj(
        _FIELDS,
        required=["title"],
        description="A draft needs only a title; submitting needs every field and an answer "
        "to every eligibility question.",
    ),
)
PROPOSAL_CHANGES = define(
    "ProposalChanges",
    obj(
        _FIELDS,
        required=[],
        description="Only the fields sent change. A submitted proposal can be changed until "
        "the challenge closes and must stay complete.",
    ),
)

# The actions (submit, withdraw, reopen) take no fields; a body, if sent, must be {}.
NO_FIELDS = nullable(
    define("NoFields", obj({}, description="This action takes no fields: send {} or no body."))
)


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def proposal_json(found: services.ProposalDetail) -> dict[str, Any]:
    p = found.proposal
    return {
        "id": p.id,
        "challenge_id": p.challenge_id,
        "title": p.title,
        "summary": p.summary,
        "approach": p.approach,
        "impact": p.impact,
        "team": p.team,
        "cost_gbp": p.cost_gbp or None,
        "timeline": p.timeline,
        "status": found.status.value,
        "eligibility_answers": [
            {"question_id": q.id, "question": q.question, "answer": found.answers[q.id]}
            for q in found.questions
            if q.id in found.answers
        ],
        "knocked_out": [q.id for q in found.knocked_out],
        "eligible": found.eligible,
        "submitted_at": _iso(p.submitted_at),
        "created_at": _iso(p.created_at),
        "updated_at": _iso(p.updated_at),
        "organisation": {"id": found.organisation.id, "name": found.organisation.name},
    }


async def _reply(status: int, proposal: Proposal, call: ApiCall) -> Reply:
    return Reply(status, proposal_json(await services.detail(proposal, call.user)))


@api.post(
    "/challenges/{id:int}/proposals",
    summary="Start your start-up's proposal to an open challenge (one per challenge)",
    roles=[Role.STARTUP_MEMBER],
    body=NEW_PROPOSAL,
    responses={201: ("The new draft", PROPOSAL)},
)
async def create_proposal(call: ApiCall) -> Reply:
    proposal = await services.start(call.actor, call.path["id"], call.body)
    return await _reply(201, proposal, call)


@api.get(
    "/challenges/{id:int}/proposals",
    summary="The proposals submitted to one of your body's challenges (never drafts)",
    roles=[Role.COUNCIL_OFFICER],
    responses={200: ("Submitted proposals, and those withdrawn after submitting", array(PROPOSAL))},
)
async def list_challenge_proposals(call: ApiCall) -> Reply:
    listed = await services.visible_to_body(call.actor, call.path["id"])
    return Reply(200, [proposal_json(await services.detail(p.proposal, call.user)) for p in listed])


@api.get(
    "/proposals",
    summary="Your start-up's proposals",
    roles=[Role.STARTUP_MEMBER],
    responses={200: ("Your proposals, most recently changed first", array(PROPOSAL))},
)
async def list_proposals(call: ApiCall) -> Reply:
    listed = await services.for_startup(call.actor)
    return Reply(200, [proposal_json(await services.detail(p.proposal, call.user)) for p in listed])


@api.get(
    "/proposals/{id:int}",
    summary="A proposal: your start-up's own, or one submitted to your body's challenge",
    roles=[Role.STARTUP_MEMBER, Role.COUNCIL_OFFICER],
    responses={200: ("The proposal", PROPOSAL)},
)
async def get_proposal(call: ApiCall) -> Reply:
    return Reply(200, proposal_json(await services.view(call.actor, call.path["id"])))


@api.patch(
    "/proposals/{id:int}",
    summary="Change your draft or submitted proposal before the challenge closes",
    roles=[Role.STARTUP_MEMBER],
    body=PROPOSAL_CHANGES,
    responses={200: ("The changed proposal", PROPOSAL)},
)
async def update_proposal(call: ApiCall) -> Reply:
    proposal = await services.update(call.actor, call.path["id"], call.body)
    return await _reply(200, proposal, call)


@api.post(
    "/proposals/{id:int}/submit",
    body=NO_FIELDS,
    summary="Submit your complete draft before the challenge closes",
    roles=[Role.STARTUP_MEMBER],
    responses={200: ("The submitted proposal", PROPOSAL)},
)
async def submit_proposal(call: ApiCall) -> Reply:
    proposal = await services.submit(call.actor, call.path["id"])
    return await _reply(200, proposal, call)


@api.post(
    "/proposals/{id:int}/withdraw",
    body=NO_FIELDS,
    summary="Withdraw your proposal before the challenge closes",
    roles=[Role.STARTUP_MEMBER],
    responses={200: ("The withdrawn proposal", PROPOSAL)},
)
async def withdraw_proposal(call: ApiCall) -> Reply:
    proposal = await services.withdraw(call.actor, call.path["id"])
    return await _reply(200, proposal, call)


@api.post(
    "/proposals/{id:int}/reopen",
    body=NO_FIELDS,
    summary="Make your withdrawn proposal a draft again, before the challenge closes",
    roles=[Role.STARTUP_MEMBER],
    responses={200: ("The proposal, a draft again", PROPOSAL)},
)
async def reopen_proposal(call: ApiCall) -> Reply:
    proposal = await services.reopen(call.actor, call.path["id"])
    return await _reply(200, proposal, call)
