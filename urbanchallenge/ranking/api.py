"""Stored match scores in the JSON API."""

from __future__ import annotations

from urbanchallenge.accounts.models import Role
from urbanchallenge.api import (
    ApiCall,
    ApiRoutes,
    Reply,
    array,
    define,
    integer,
    nullable,
    number,
    obj,
    string,
)
from urbanchallenge.ranking import services

api = ApiRoutes("Matching", "What the matcher found, with the terms behind each score.")

TERM = define(
    "MatchTerm",
    obj(
        {
            "term": string(description="A word or phrase found in both texts."),
            "weight": number(minimum=0, maximum=1),
        },
        description="One term's share of the score; a match's weights add up to its score.",
    ),
)
PROPOSAL_MATCH = define(
    "ProposalMatch",
    obj(
        {
            "proposal_id": integer(),
            "rank": integer(minimum=1),
            "score": number(minimum=0, maximum=1),
            "terms": array(TERM),
            "duplicate_of": nullable(integer()),
            "eligible": {"type": "boolean"},
        }
    ),
)
CHALLENGE_MATCH = define(
    "ChallengeMatch",
    obj(
        {
            "challenge_id": integer(),
            "rank": integer(minimum=1),
            "score": number(minimum=0, maximum=1),
            "terms": array(TERM),
        }
    ),
)


def _terms(terms: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{"term": t["term"], "weight": t["weight"]} for t in terms]


@api.get(
    "/challenges/{id:int}/matches",
    summary="The submitted proposals of your challenge, ranked by the matcher",
    roles=[Role.COUNCIL_OFFICER],
    responses={200: ("Best match first", array(PROPOSAL_MATCH))},
)
async def challenge_matches(call: ApiCall) -> Reply:
    ranked = await services.ranked_list(call.actor, call.path["id"])
    return Reply(
        200,
        [
            {
                "proposal_id": i.proposal.id,
                "rank": i.rank,
                "score": i.score,
                "terms": _terms(i.terms),
                "duplicate_of": i.duplicate_of.id if i.duplicate_of else None,
                "eligible": i.eligible,
            }
            for i in ranked.items
        ],
    )


@api.get(
    "/me/matches",
    summary="Open challenges ranked for your start-up (its profile and proposals)",
    roles=[Role.STARTUP_MEMBER],
    responses={200: ("Best fit first", array(CHALLENGE_MATCH))},
)
async def my_matches(call: ApiCall) -> Reply:
    fits, _ = await services.fits_for(call.actor)
    return Reply(
        200,
        [
            {
                "challenge_id": f.challenge.id,
                "rank": f.rank,
                "score": f.score,
                "terms": _terms(f.terms),
            }
            for f in fits
        ],
    )
