"""Panels, shortlists, reviews, results, decisions and outcomes in the JSON API.

Officer endpoints answer only the owning body's officers (404 for other bodies);
review endpoints answer only members of the challenge's panel (404 otherwise, 403
for a proposal the member declared a conflict with); outcomes answer only the
start-up that wrote the proposal.

In ``PUT /reviews/{proposal_id}`` each score's ``criterion`` is the criterion's
name (any case) or its id, as a number or a string of digits.
"""

from __future__ import annotations

from datetime import datetime
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
    number,
    obj,
    string,
)
from urbanchallenge.api.schema import Schema
from urbanchallenge.challenges.api import CRITERION
from urbanchallenge.middleware import MAX_ID
from urbanchallenge.reviews import decisions, feedback, scoring, services
from urbanchallenge.reviews.results import one_decimal
from urbanchallenge.validation import ValidationFailed

api = ApiRoutes(
    "Reviews",
    "Review panels, the shortlist, conflicts of interest, scores, results, decisions and outcomes.",
)

OFFICER = [Role.COUNCIL_OFFICER]
REVIEWER = [Role.REVIEWER]
STARTUP = [Role.STARTUP_MEMBER]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _int_or_text() -> Schema:
    return {"anyOf": [string(max_length=100), integer(minimum=1, maximum=MAX_ID)]}


# ------------------------------------------------------------------ the panel

PANEL_ADDITION = define(
    "PanelAddition",
    obj({"email": string(max_length=254, description="The person's email address.")}),
)
PANEL_ADDED = define(
    "PanelAdded",
    obj(
        {
            "email": string(),
            "member_id": nullable(
                integer(description="Set when an existing panel member account joined.")
            ),
            "invitation_url": nullable(
                string(
                    description="Set when an invitation was created: the one-time link to "
                    "send to the person (this service does not send email). Shown only once."
                )
            ),
            "invitation_expires_at": nullable(date_time()),
        }
    ),
)
PANEL_MEMBER = define(
    "PanelMember",
    obj(
        {
            "member_id": integer(),
            "user_id": integer(),
            "name": string(),
            "email": string(),
            "added_at": date_time(),
            "reviews_submitted": integer(minimum=0),
        }
    ),
)
PANEL_INVITATION = define(
    "PanelInvitation",
    obj(
        {
            "id": integer(),
            "email": string(),
            "created_at": date_time(),
            "expires_at": date_time(),
            "expired": boolean(),
        }
    ),
)
PANEL = define(
    "Panel",
    obj(
        {
            "challenge_id": integer(),
            "blind_panel": boolean(),
            "blind_panel_fixed": boolean(
                "True once a member has started reviewing: blind_panel can no longer change."
            ),
            "members": array(PANEL_MEMBER),
            "invitations": array(PANEL_INVITATION),
        }
    ),
)
PANEL_SETTINGS = define("PanelSettings", obj({"blind_panel": boolean()}))


async def _panel_json(call: ApiCall) -> dict[str, Any]:
    panel = await services.panel(call.actor, call.path["id"])
    return {
        "challenge_id": panel.challenge.id,
        "blind_panel": panel.challenge.blind_panel,
        "blind_panel_fixed": panel.blind_fixed,
        "members": [
            {
                "member_id": row.member.id,
                "user_id": row.user.id,
                "name": row.user.name,
                "email": row.user.email,
                "added_at": row.member.created_at.isoformat(),
                "reviews_submitted": row.reviews_submitted,
            }
            for row in panel.members
        ],
        "invitations": [
            {
                "id": row.invitation.id,
                "email": row.invitation.email,
                "created_at": row.invitation.created_at.isoformat(),
                "expires_at": row.invitation.expires_at.isoformat(),
                "expired": row.expired,
            }
            for row in panel.invitations
        ],
    }


@api.post(
    "/challenges/{id:int}/panel",
    summary="Add a panel member by email, or invite someone without an account",
    roles=OFFICER,
    body=PANEL_ADDITION,
    responses={201: ("A member added, or an invitation link created", PANEL_ADDED)},
)
async def add_panel_member(call: ApiCall) -> Reply:
    added = await services.add_member(
        call.actor,
        call.path["id"],
        call.body["email"],
        base_url=call.request.app.state.settings.base_url,
    )
    return Reply(
        201,
        {
            "email": added.email,
            "member_id": added.member.id if added.member else None,
            "invitation_url": added.invitation_url,
            "invitation_expires_at": _iso(added.invitation.expires_at)
            if added.invitation
            else None,
        },
    )


@api.get(
    "/challenges/{id:int}/panel",
    summary="The panel: members and unused invitations",
    roles=OFFICER,
    responses={200: ("The panel", PANEL)},
)
async def get_panel(call: ApiCall) -> Reply:
    return Reply(200, await _panel_json(call))


@api.patch(
    "/challenges/{id:int}/panel",
    summary="Make the panel blind or not (until a member starts reviewing)",
    roles=OFFICER,
    body=PANEL_SETTINGS,
    responses={200: ("The panel", PANEL)},
)
async def change_panel(call: ApiCall) -> Reply:
    await services.set_blind(call.actor, call.path["id"], bool(call.body["blind_panel"]))
    return Reply(200, await _panel_json(call))


@api.route(
    "DELETE",
    "/challenges/{id:int}/panel/{member_id:int}",
    summary="Remove a panel member who has not submitted scores",
    roles=OFFICER,
    responses={204: ("Removed", None)},
)
async def remove_panel_member(call: ApiCall) -> Reply:
    await services.remove_member(call.actor, call.path["id"], call.path["member_id"])
    return Reply(204)


# ------------------------------------------------------------------ the shortlist

SHORTLIST = define(
    "Shortlist",
    obj(
        {
            "proposal_ids": array(integer(minimum=1, maximum=MAX_ID), max_items=500),
        }
    ),
)
SHORTLIST_REPLY = define(
    "ShortlistReply", obj({"challenge_id": integer(), "proposal_ids": array(integer())})
)


@api.get(
    "/challenges/{id:int}/shortlist",
    summary="The shortlisted proposals",
    roles=OFFICER,
    responses={200: ("The shortlist", SHORTLIST_REPLY)},
)
async def get_shortlist(call: ApiCall) -> Reply:
    proposals = await services.shortlist(call.actor, call.path["id"])
    return Reply(200, {"challenge_id": call.path["id"], "proposal_ids": [p.id for p in proposals]})


@api.put(
    "/challenges/{id:int}/shortlist",
    summary="Replace the shortlist with these submitted, eligible proposals",
    roles=OFFICER,
    body=SHORTLIST,
    responses={200: ("The new shortlist", SHORTLIST_REPLY)},
)
async def put_shortlist(call: ApiCall) -> Reply:
    ids = await services.set_shortlist(call.actor, call.path["id"], call.body["proposal_ids"])
    return Reply(200, {"challenge_id": call.path["id"], "proposal_ids": ids})


# ------------------------------------------------------------------ reviews

MY_SCORE = define(
    "ReviewScore",
    obj(
        {
            "criterion": string(),
            "criterion_id": integer(),
            "score": integer(minimum=0, maximum=10),
            "comment": string(),
        }
    ),
)
ASSIGNMENT = define(
    "ReviewAssignment",
    obj(
        {
            "proposal_id": integer(),
            "challenge_id": integer(),
            "challenge_title": string(),
            "title": string(),
            "blind": boolean("Blind panel: the start-up's identity is hidden."),
            "organisation": nullable(
                string(description="The start-up's name; null on a blind panel.")
            ),
            "conflict": nullable(
                boolean("null until you declare; true if you declared a conflict of interest.")
            ),
            "status": string(enum=[s.value for s in scoring.ReviewStatus]),
            "summary": nullable(string(description="null once you declare a conflict.")),
            "proposal": nullable(
                obj(
                    {
                        "approach": string(),
                        "impact": string(),
                        "team": string(),
                        "cost_gbp": integer(),
                        "timeline": string(),
                    },
                    description="The full text, once you declare no conflict of interest.",
                )
            ),
            "criteria": array(CRITERION),
            "scores": array(MY_SCORE),
            "submitted_at": nullable(date_time()),
        }
    ),
)
REVIEW = define(
    "ReviewChanges",
    obj(
        {
            "conflict": boolean("Whether you have a conflict of interest with this proposal."),
            "conflict_reason": nullable(string(max_length=4000)),
            "scores": array(
                obj(
                    {
                        "criterion": _int_or_text(),
                        "score": integer(minimum=0, maximum=10),
                        "comment": string(max_length=6000),
                    },
                    required=["criterion", "score"],
                ),
                max_items=50,
            ),
            "submit": boolean("Submit every criterion's score (final). Default false: a draft."),
        },
        required=["conflict"],
    ),
)


def assignment_json(found: scoring.Assignment) -> dict[str, Any]:
    view = found.proposal
    text = None
    if found.status.can_read:
        assert view.approach is not None and view.impact is not None
        assert view.team is not None and view.cost_gbp is not None
        assert view.timeline is not None
        text = {
            "approach": view.approach,
            "impact": view.impact,
            "team": view.team,
            "cost_gbp": view.cost_gbp,
            "timeline": view.timeline,
        }
    names = {c.id: c.name for c in found.criteria}
    return {
        "proposal_id": view.id,
        "challenge_id": found.challenge.id,
        "challenge_title": found.challenge.title,
        "title": view.title,
        "blind": found.challenge.blind_panel,
        "organisation": view.organisation,
        "conflict": found.conflict,
        "status": found.status.value,
        "summary": view.summary,
        "proposal": text,
        "criteria": [
            {"id": c.id, "name": c.name, "description": c.description, "weight": c.weight}
            for c in found.criteria
        ],
        "scores": [
            {
                "criterion": names[s.criterion_id],
                "criterion_id": s.criterion_id,
                "score": s.score,
                "comment": s.comment,
            }
            for s in sorted(found.scores.values(), key=lambda s: list(names).index(s.criterion_id))
            if s.criterion_id in names
        ],
        "submitted_at": _iso(found.submitted_at),
    }


@api.get(
    "/reviews",
    summary="Your assignments: the shortlisted proposals of the panels you are on",
    roles=REVIEWER,
    responses={200: ("Your assignments", array(ASSIGNMENT))},
)
async def my_reviews(call: ApiCall) -> Reply:
    panels = await scoring.my_reviews(call.actor)
    return Reply(200, [assignment_json(a) for a in panels.reviewing])


@api.get(
    "/reviews/{proposal_id:int}",
    summary="One of your assignments, with your scores",
    roles=REVIEWER,
    responses={200: ("The assignment", ASSIGNMENT)},
)
async def my_review(call: ApiCall) -> Reply:
    found = await scoring.readable_assignment(call.actor, call.path["proposal_id"])
    return Reply(200, assignment_json(found))


@api.put(
    "/reviews/{proposal_id:int}",
    summary="Declare a conflict of interest (or none), save scores as a draft, or submit them",
    roles=REVIEWER,
    body=REVIEW,
    responses={200: ("The assignment after the change", ASSIGNMENT)},
)
async def put_review(call: ApiCall) -> Reply:
    body = call.body
    proposal_id = call.path["proposal_id"]
    conflict = bool(body["conflict"])
    entries = [
        scoring.ScoreInput(
            criterion=item["criterion"],
            score=item["score"],
            comment=item.get("comment", ""),
            key=f"scores.{index}",
        )
        for index, item in enumerate(body.get("scores") or [])
    ]
    submit = bool(body.get("submit", False))
    if conflict and (entries or submit):
        raise ValidationFailed(
            {"scores": "You declared a conflict of interest, so you cannot send scores"}
        )
    found = await scoring.assignment(call.actor, proposal_id)
    if entries or submit:
        # Check the scores first, so a request with bad scores saves no declaration either.
        scoring.check_scores(found, entries, submit=submit)
    if found.declaration is None or found.declaration.has_conflict != conflict or conflict:
        found = await scoring.declare(
            call.actor, proposal_id, conflict, body.get("conflict_reason") or ""
        )
    if entries or submit:
        found = await scoring.save_scores(
            call.actor, proposal_id, entries, submit=submit, loaded=found
        )
    return Reply(200, assignment_json(found))


# ------------------------------------------------------------------ results and decision

RESULT = define(
    "PanelResult",
    obj(
        {
            "proposal_id": integer(),
            "title": string(),
            "organisation": string(),
            "reviews": integer(minimum=0, description="How many members submitted scores."),
            "totals": array(
                number(minimum=0, maximum=100),
                min_items=0,
            ),
            "raw_total": nullable(
                number(minimum=0, maximum=100)
                | {"description": "The mean of the members' weighted totals (0-100)."}
            ),
            "calibrated_total": nullable(number(minimum=0, maximum=100)),
            "mean": nullable(number(minimum=0, maximum=100)),
            "median": nullable(number(minimum=0, maximum=100)),
            "spread": nullable(number(minimum=0, maximum=100)),
            "disagreement": boolean("The spread is 30 points or more."),
            "awarded": boolean(),
        }
    ),
)
DECISION = define(
    "PanelDecision",
    obj(
        {
            "awarded": array(integer(minimum=1, maximum=MAX_ID), max_items=100),
            "reason": string(max_length=10000),
        }
    ),
)
DECIDED = define(
    "PanelDecided",
    obj(
        {
            "challenge_id": integer(),
            "status": string(enum=["decided"]),
            "outcome": string(enum=["awarded", "not_awarded"]),
            "awarded": array(integer()),
            "reason": string(),
            "decided_at": date_time(),
        }
    ),
)


@api.get(
    "/challenges/{id:int}/results",
    summary="The panel's results per shortlisted proposal: raw and calibrated totals",
    roles=OFFICER,
    responses={200: ("One entry per shortlisted proposal", array(RESULT))},
)
async def get_results(call: ApiCall) -> Reply:
    found = await decisions.panel_results(call.actor, call.path["id"])
    return Reply(
        200,
        [
            {
                "proposal_id": row.proposal.id,
                "title": row.proposal.title,
                "organisation": row.organisation.name,
                "reviews": row.result.reviews,
                "totals": [round(t, 1) for t in row.result.totals],
                "raw_total": one_decimal(row.result.raw_total),
                "calibrated_total": one_decimal(row.result.calibrated_total),
                "mean": one_decimal(row.result.mean),
                "median": one_decimal(row.result.median),
                "spread": one_decimal(row.result.spread),
                "disagreement": row.result.disagreement,
                "awarded": row.awarded,
            }
            for row in found.rows
        ],
    )


@api.post(
    "/challenges/{id:int}/decision",
    summary="Award shortlisted proposals (or none), with a reason: the challenge is decided",
    roles=OFFICER,
    body=DECISION,
    responses={200: ("The decision", DECIDED)},
)
async def post_decision(call: ApiCall) -> Reply:
    challenge = await decisions.decide(
        call.actor, call.path["id"], call.body["awarded"], call.body["reason"]
    )
    chosen = await decisions.awarded(challenge.id)
    assert challenge.outcome is not None and challenge.decided_at is not None
    return Reply(
        200,
        {
            "challenge_id": challenge.id,
            "status": "decided",
            "outcome": challenge.outcome.value,
            "awarded": [p.id for p in chosen],
            "reason": challenge.decision_reason,
            "decided_at": challenge.decided_at.isoformat(),
        },
    )


# ------------------------------------------------------------------ outcomes and audit

OUTCOME = define(
    "ReviewOutcome",
    obj(
        {
            "proposal_id": integer(),
            "challenge_id": integer(),
            "outcome": string(enum=["awarded", "not_awarded", "pending"]),
            "reason": string(
                enum=[k.value for k in feedback.Kind],
                description="Why: e.g. not_shortlisted, withdrawn, challenge_withdrawn.",
            ),
            "shortlisted": boolean(),
            "decided_at": nullable(date_time()),
            "decision_reason": nullable(string()),
            "feedback": nullable(
                string(description="The feedback letter as plain text; null while pending.")
            ),
            "criteria": array(
                obj(
                    {
                        "criterion": string(),
                        "weight": integer(),
                        "average_score": nullable(number(minimum=0, maximum=10)),
                        "comments": array(string()),
                    }
                )
            ),
            "overall_score": nullable(number(minimum=0, maximum=100)),
        }
    ),
)
AUDIT_EVENT = define(
    "ChallengeAuditEvent",
    obj(
        {
            "id": integer(),
            "action": string(),
            "description": string(),
            "detail": string(),
            "actor_email": nullable(string()),
            "actor_name": nullable(string()),
            "subject_type": string(),
            "subject_id": nullable(integer()),
            "details": obj({}, additional=True),
            "created_at": date_time(),
        }
    ),
)


@api.get(
    "/proposals/{id:int}/outcome",
    summary="The outcome of your proposal and, once decided, the panel's feedback",
    roles=STARTUP,
    responses={200: ("The outcome", OUTCOME)},
)
async def get_outcome(call: ApiCall) -> Reply:
    found = await decisions.proposal_outcome(call.actor, call.path["id"])
    decided = found.kind is not feedback.Kind.PENDING
    return Reply(
        200,
        {
            "proposal_id": found.proposal.id,
            "challenge_id": found.challenge.id,
            "outcome": found.outcome,
            "reason": found.kind.value,
            "shortlisted": found.shortlisted,
            "decided_at": _iso(found.challenge.decided_at),
            "decision_reason": (found.challenge.decision_reason or None) if decided else None,
            "feedback": found.letter,
            "criteria": [
                {
                    "criterion": c.name,
                    "weight": c.weight,
                    "average_score": one_decimal(c.average),
                    "comments": list(c.comments),
                }
                for c in found.criteria
            ],
            "overall_score": one_decimal(found.overall),
        },
    )


@api.get(
    "/challenges/{id:int}/audit",
    summary="Every recorded event of the challenge, newest first",
    roles=OFFICER,
    responses={200: ("The audit log", array(AUDIT_EVENT))},
)
async def get_audit(call: ApiCall) -> Reply:
    _, rows = await decisions.audit_log(call.actor, call.path["id"])
    return Reply(
        200,
        [
            {
                "id": row.event.id,
                "action": row.event.action,
                "description": row.what,
                "detail": row.detail,
                "actor_email": row.event.actor_email or None,
                "actor_name": row.actor_name,
                "subject_type": row.event.subject_type,
                "subject_id": row.event.subject_id,
                "details": row.event.details or {},
                "created_at": row.event.created_at.isoformat(),
            }
            for row in rows
        ],
    )
