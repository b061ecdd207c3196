"""This area's endpoints in the JSON API (mounted under /api/v1 by api/routes.py).

Listing: ``GET /challenges`` is public and lists open challenges (everyone's). An
officer sending a token may ask for another ``status`` (draft, closed, shortlisting,
decided, withdrawn) and gets their own body's challenges in it. Pages of up to
``per_page`` (default 50, at most 100) come best match first when ``q`` is given,
otherwise closing soonest first; ``X-Total-Count`` and a ``Link: rel="next"``
header describe the rest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

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
from urbanchallenge.api.core import QueryParam
from urbanchallenge.challenges import services
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import Challenge, Clarification, Outcome, ServiceArea
from urbanchallenge.domain import DomainError, PermissionDenied
from urbanchallenge.validation import ValidationFailed

api = ApiRoutes(
    "Challenges",
    "Public bodies' challenges: drafting, publishing, the lifecycle and clarifications.",
)

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50

ORGANISATION_REF = define(
    "OrganisationRef",
    obj({"id": integer(), "name": string()}, description="An organisation, by id and name."),
)
CRITERION = define(
    "ChallengeCriterion",
    obj(
        {
            "id": integer(),
            "name": string(),
            "description": string(),
            "weight": integer(minimum=1, maximum=100),
        }
    ),
)
ELIGIBILITY_QUESTION = define(
    "EligibilityQuestion",
    obj(
        {
            "id": integer(),
            "question": string(),
            "knockout_answer": boolean(
                "The answer that rules a proposal out: true for yes, false for no."
            ),
        }
    ),
)
CLARIFICATION = define(
    "Clarification",
    obj(
        {"text": string(), "created_at": date_time()},
        description="A public, dated note the owning body added after the challenge opened.",
    ),
)
CHALLENGE = define(
    "Challenge",
    obj(
        {
            "id": integer(),
            "title": string(),
            "summary": string(),
            "problem": string(),
            "outcomes": string(),
            "service_area": string(enum=[a.value for a in ServiceArea]),
            "location": string(),
            "budget_gbp": integer(description="Whole pounds."),
            "opens_at": date_time("When it opened, or is planned to open (UTC)."),
            "closes_at": date_time("When it closes (UTC); closing early sets it to then."),
            "status": string(enum=[s.value for s in Status]),
            "outcome": nullable(string(enum=[o.value for o in Outcome])),
            "organisation": ORGANISATION_REF,
            "criteria": array(CRITERION),
            "eligibility": array(ELIGIBILITY_QUESTION),
            "clarifications": array(CLARIFICATION),
            "created_at": date_time(),
            "updated_at": date_time(),
        }
    ),
)

_DATETIME_HINT = "ISO 8601 with a time zone, like 2027-03-01T12:00:00Z; without one it is UTC."
_FIELDS = {
    "title": string(max_length=services.TITLE_MAX, min_length=1),
    "summary": string(max_length=services.SUMMARY_MAX, min_length=1),
    "problem": string(max_length=services.PROBLEM_MAX, min_length=1),
    "outcomes": string(max_length=services.OUTCOMES_MAX, min_length=1),
    "service_area": string(enum=[a.value for a in ServiceArea]),
    "location": string(max_length=services.LOCATION_MAX, min_length=1),
    "budget_gbp": integer(minimum=1, maximum=10_000_000_000, description="Whole pounds."),
    "opens_at": string(
        fmt="date-time",
        max_length=40,
        description="The planned opening time; publishing opens it at once. " + _DATETIME_HINT,
    ),
    "closes_at": string(
        fmt="date-time",
        max_length=40,
        description="At least 1 day after opening, and in the future. " + _DATETIME_HINT,
    ),
    "criteria": array(
        obj(
            {
                "name": string(max_length=services.CRITERION_NAME_MAX, min_length=1),
                "description": string(max_length=services.CRITERION_DESCRIPTION_MAX),
                "weight": integer(minimum=1, maximum=100),
            },
            required=["name", "weight"],
        ),
        min_items=1,
        max_items=services.MAX_CRITERIA,
    ),
    "eligibility": array(
        obj(
            {
                "question": string(max_length=services.QUESTION_MAX, min_length=1),
                "knockout_answer": boolean("The answer that rules a proposal out."),
            }
        ),
        max_items=services.MAX_QUESTIONS,
    ),
}
NEW_CHALLENGE = define(
    "NewChallenge",
    obj(
        _FIELDS,
        required=[k for k in _FIELDS if k != "eligibility"],
        description="A draft challenge. Criteria weights must add up to exactly 100; "
        "criterion names must differ.",
    ),
)
CHALLENGE_CHANGES = define(
    "ChallengeChanges",
    obj(
        _FIELDS,
        required=[],
        description="Changes to a draft: only the fields sent change; criteria and "
        "eligibility, when sent, replace the old lists.",
    ),
)
TRANSITION = define(
    "ChallengeTransition",
    obj(
        {
            "to": string(enum=[s.value for s in services.OFFICER_MOVES]),
            "reason": string(
                max_length=services.REASON_MAX,
                description="Why it is withdrawn; kept in the audit log.",
            ),
        },
        required=["to"],
        description="open publishes a draft now; closed closes an open challenge now; "
        "shortlisting starts shortlisting a closed one; withdrawn withdraws it from any "
        "state before decided.",
    ),
)
NEW_CLARIFICATION = define(
    "NewClarification",
    obj({"text": string(max_length=services.CLARIFICATION_MAX, min_length=1)}),
)


class SignInNeeded(DomainError):
    status_code = 401


def _iso(value: Any) -> str:
    return value.isoformat()  # type: ignore[no-any-return]


def clarification_json(note: Clarification) -> dict[str, Any]:
    return {"text": note.text, "created_at": _iso(note.created_at)}


def challenge_json(found: services.ChallengeDetail) -> dict[str, Any]:
    c = found.challenge
    return {
        "id": c.id,
        "title": c.title,
        "summary": c.summary,
        "problem": c.problem,
        "outcomes": c.outcomes,
        "service_area": c.service_area.value,
        "location": c.location,
        "budget_gbp": c.budget_gbp,
        "opens_at": _iso(c.opens_at),
        "closes_at": _iso(c.closes_at),
        "status": found.status.value,
        "outcome": c.outcome.value if c.outcome is not None else None,
        "organisation": {"id": found.organisation.id, "name": found.organisation.name},
        "criteria": [
            {"id": k.id, "name": k.name, "description": k.description, "weight": k.weight}
            for k in found.criteria
        ],
        "eligibility": [
            {"id": q.id, "question": q.question, "knockout_answer": q.knockout_answer}
            for q in found.questions
        ],
        "clarifications": [clarification_json(n) for n in found.clarifications],
        "created_at": _iso(c.created_at),
        "updated_at": _iso(c.updated_at),
    }


async def _reply(status: int, challenge: Challenge, call: ApiCall) -> Reply:
    found = await services.detail(challenge, call.user, services.now_utc())
    return Reply(status, challenge_json(found))


def _page_params(call: ApiCall) -> tuple[int, int]:
    page = int(call.query.get("page", "1"))
    per_page = int(call.query.get("per_page", str(DEFAULT_PER_PAGE)))
    problems = {}
    if page < 1:
        problems["page"] = "Must be at least 1"
    if not 1 <= per_page <= MAX_PER_PAGE:
        problems["per_page"] = f"Must be from 1 to {MAX_PER_PAGE}"
    if problems:
        raise ValidationFailed(problems)
    return page, per_page


def _page_headers(call: ApiCall, page: int, per_page: int, total: int) -> dict[str, str]:
    headers = {"X-Total-Count": str(total)}
    if page * per_page < total:
        params = {**dict(call.query), "page": str(page + 1), "per_page": str(per_page)}
        headers["Link"] = f'<{call.request.url.path}?{urlencode(params)}>; rel="next"'
    return headers


@api.get(
    "/challenges",
    summary="List open challenges (or, for an officer, their own body's in another status)",
    optional_auth=True,
    query=[
        QueryParam(
            "status",
            string(enum=[s.value for s in Status]),
            "open (the default) lists everyone's open challenges, no token needed. Any "
            "other status needs an officer's token and lists their own body's.",
        ),
        QueryParam("service_area", string(enum=[a.value for a in ServiceArea])),
        QueryParam("organisation_id", integer(), "Only this public body's challenges."),
        QueryParam(
            "closing_soon",
            string(enum=["true", "false"]),
            "true: only those closing within 7 days.",
        ),
        QueryParam("q", string(max_length=200), "Free text, ranked by the matcher."),
        QueryParam("page", integer(minimum=1)),
        QueryParam("per_page", integer(minimum=1, maximum=MAX_PER_PAGE)),
    ],
    responses={200: ("Challenges, best match or closing soonest first", array(CHALLENGE))},
)
async def list_challenges(call: ApiCall) -> Reply:
    page, per_page = _page_params(call)
    status = Status(call.query.get("status", "open"))
    area = call.query.get("service_area")
    service_area = ServiceArea(area) if area else None
    organisation = call.query.get("organisation_id")
    organisation_id = int(organisation) if organisation else None
    closing_soon = call.query.get("closing_soon") == "true"
    q = call.query.get("q", "")
    now = services.now_utc()
    if status is Status.OPEN:
        result = await services.search_open(
            services.Filters(
                q=q,
                service_area=service_area,
                organisation_id=organisation_id,
                closing_soon=closing_soon,
                page=page,
                per_page=per_page,
            ),
            now,
        )
        found = await services.details([f.challenge for f in result.items], call.user, now)
        return Reply(
            200,
            [challenge_json(f) for f in found],
            _page_headers(call, page, per_page, result.total),
        )
    if call.user is None:
        raise SignInNeeded(
            "Only open challenges are public. Send an officer's Bearer token to list "
            "your own body's challenges in another status."
        )
    if call.user.role is not Role.COUNCIL_OFFICER:
        raise PermissionDenied(
            "Only a public body's officers can list challenges that are not open"
        )
    own = await services.list_for_body(call.user, status, now)
    own = [
        f
        for f in own
        if (service_area is None or f.challenge.service_area is service_area)
        and (organisation_id is None or f.challenge.organisation_id == organisation_id)
        and (not closing_soon or f.challenge.closes_at <= now + services.CLOSING_SOON)
    ]
    if q.strip():
        # the API lists challenges in the ranked order, without the matcher's reasons
        ranked = await services.rank_by_text(q, [f.challenge for f in own], explain=False)
        by_id = {f.challenge.id: f for f in own}
        own = [by_id[c.id] for c, _score, _terms in ranked]
    start = (page - 1) * per_page
    return Reply(
        200,
        [challenge_json(f) for f in own[start : start + per_page]],
        _page_headers(call, page, per_page, len(own)),
    )


@api.post(
    "/challenges",
    summary="Create a draft challenge for your public body",
    roles=[Role.COUNCIL_OFFICER],
    body=NEW_CHALLENGE,
    responses={201: ("The new draft", CHALLENGE)},
)
async def create_challenge(call: ApiCall) -> Reply:
    challenge = await services.create_draft(call.actor, call.body)
    return await _reply(201, challenge, call)


@api.get(
    "/challenges/{id:int}",
    summary="A challenge: public once published; a draft only for its own body's officers",
    optional_auth=True,
    responses={200: ("The challenge", CHALLENGE)},
)
async def get_challenge(call: ApiCall) -> Reply:
    challenge = await services.get_visible(call.user, call.path["id"])
    return await _reply(200, challenge, call)


@api.patch(
    "/challenges/{id:int}",
    summary="Change a draft (409 once it has opened: add a clarification instead)",
    roles=[Role.COUNCIL_OFFICER],
    body=CHALLENGE_CHANGES,
    responses={200: ("The changed draft", CHALLENGE)},
)
async def update_challenge(call: ApiCall) -> Reply:
    challenge = await services.update_draft(call.actor, call.path["id"], call.body, partial=True)
    return await _reply(200, challenge, call)


@api.post(
    "/challenges/{id:int}/transitions",
    summary="Publish, close early, start shortlisting or withdraw a challenge",
    roles=[Role.COUNCIL_OFFICER],
    body=TRANSITION,
    responses={200: ("The challenge in its new state", CHALLENGE)},
)
async def transition_challenge(call: ApiCall) -> Reply:
    challenge = await services.move(
        call.actor,
        call.path["id"],
        Status(call.body["to"]),
        reason=call.body.get("reason", ""),
    )
    return await _reply(200, challenge, call)


@api.post(
    "/challenges/{id:int}/clarifications",
    summary="Add a public clarification to an open, closed or shortlisting challenge",
    roles=[Role.COUNCIL_OFFICER],
    body=NEW_CLARIFICATION,
    responses={201: ("The clarification, as the public sees it", CLARIFICATION)},
)
async def clarify_challenge(call: ApiCall) -> Reply:
    note = await services.add_clarification(call.actor, call.path["id"], call.body["text"])
    return Reply(201, clarification_json(note))
