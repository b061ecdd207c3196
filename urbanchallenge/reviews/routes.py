"""The pages of the reviews area, mounted by app.py under three prefixes."""

from starlette.routing import BaseRoute

# /reviews/...: a panel member's assignments, declarations and scoring.
member_routes: list[BaseRoute] = []
# /panels/...: the owning body's panel, shortlist, results and decision for a challenge.
panel_routes: list[BaseRoute] = []
# /invitations/...: the one-time links that invite someone onto a panel.
invitation_routes: list[BaseRoute] = []
