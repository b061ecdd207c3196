"""The pages of the reviews area, mounted by app.py under three prefixes."""

from starlette.routing import BaseRoute, Route

from urbanchallenge.reviews import views

GET_POST = ["GET", "POST"]

# /reviews/...: a panel member's assignments, declarations and scoring; a start-up's outcome.
member_routes: list[BaseRoute] = [
    Route("/", views.my_reviews, name="list"),
    Route("/proposals/{proposal_id:int}", views.review_proposal, name="proposal"),
    Route(
        "/proposals/{proposal_id:int}/conflict", views.conflict, methods=GET_POST, name="conflict"
    ),
    Route("/proposals/{proposal_id:int}/scores", views.scores, methods=GET_POST, name="scores"),
    Route("/proposals/{proposal_id:int}/check", views.check_scores, methods=GET_POST, name="check"),
    Route("/proposals/{proposal_id:int}/submitted", views.submitted, name="submitted"),
    Route("/outcome/{proposal_id:int}", views.outcome, name="outcome"),
]

# /panels/...: the owning body's panel, shortlist, results and decision for a challenge.
panel_routes: list[BaseRoute] = [
    Route("/", views.panels, name="index"),
    Route("/{challenge_id:int}", views.panel, name="panel"),
    Route("/{challenge_id:int}/members", views.add_member, methods=["POST"], name="add_member"),
    Route(
        "/{challenge_id:int}/members/{member_id:int}/remove",
        views.remove_member,
        methods=GET_POST,
        name="remove_member",
    ),
    Route(
        "/{challenge_id:int}/invitations/{invitation_id:int}/cancel",
        views.cancel_invitation,
        methods=["POST"],
        name="cancel_invitation",
    ),
    Route("/{challenge_id:int}/blind", views.blind, methods=["POST"], name="blind"),
    Route("/{challenge_id:int}/shortlist", views.shortlist, methods=GET_POST, name="shortlist"),
    Route("/{challenge_id:int}/results", views.results, name="results"),
    Route("/{challenge_id:int}/results.csv", views.results_csv, name="results_csv"),
    Route("/{challenge_id:int}/decision", views.decision, methods=GET_POST, name="decision"),
    Route(
        "/{challenge_id:int}/decision/confirm",
        views.confirm_decision,
        methods=["POST"],
        name="confirm_decision",
    ),
    Route("/{challenge_id:int}/audit", views.audit, name="audit"),
]

# /invitations/...: the one-time links that invite someone onto a panel.
invitation_routes: list[BaseRoute] = [
    Route("/{token:str}", views.invitation, methods=GET_POST, name="accept"),
]
