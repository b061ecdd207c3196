"""Who may use each route: every page and API endpoint x every role x own organisation,
another organisation, a conflicted panel member and a blind panel.

The routes come from the app's router and the API declarations (tests/security/routes.py),
and every one of them must have a row in TABLE: a route added without deciding who may
use it fails ``test_every_route_has_expectations``. Each case runs as each actor inside a
transaction that is rolled back, so allowed state changes really happen (and are checked
to succeed) without changing the shared world. Forms carry a valid CSRF token here;
``test_csrf.py`` checks what happens without one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.security.conftest import Caller
from tests.security.routes import RouteKey, all_routes, is_api
from tests.security.test_headers import check_cookies, check_security_headers
from tests.security.world import ACTORS, PASSWORD, World, may_see
from urbanchallenge.app import create_app
from urbanchallenge.settings import Settings

SIGN_IN = "sign-in"  # 303 to the sign-in page, coming back afterwards
Expect = dict[str, int | str]
Make = Callable[[World], Any]


def expect(default: int | str, **overrides: int | str) -> Expect:
    unknown = set(overrides) - set(ACTORS)
    assert not unknown, unknown
    return {actor: overrides.get(actor, default) for actor in ACTORS}


def everyone(status: int) -> Expect:
    return expect(status)


def signed_in(status: int, *, api: bool = False) -> Expect:
    return expect(status, anonymous=401 if api else SIGN_IN)


def role_page(**allowed: int) -> Expect:
    """A page for some roles: sign in first, 403 for the other roles."""
    return expect(403, anonymous=SIGN_IN, **allowed)


def role_api(**allowed: int) -> Expect:
    return expect(403, anonymous=401, **allowed)


def officer_page(ok: int) -> Expect:
    """A page about body A's challenge: its officer; body B's officer is told it is not found."""
    return role_page(officer_a=ok, officer_b=404)


def officer_api(ok: int) -> Expect:
    return role_api(officer_a=ok, officer_b=404)


def startup_page(ok: int) -> Expect:
    """A page about start-up one's proposal: not found for start-up two."""
    return role_page(s1=ok, s2=404)


def startup_api(ok: int) -> Expect:
    return role_api(s1=ok, s2=404)


@dataclass
class Case:
    url: Callable[[World], str]
    expect: Expect
    body: Make | None = None
    variant: str = ""


def at(template: str, **keys: str) -> Callable[[World], str]:
    """A URL with challenge keys (``cid``), proposal keys (``pid``) and others filled in."""

    def build(w: World) -> str:
        values: dict[str, object] = {}
        for name, key in keys.items():
            if name in {"id", "challenge_id"} and key in w.challenges:
                values[name] = w.cid(key)
            elif name in {"id", "proposal_id"} and key in w.items:
                values[name] = w.pid(key)
            elif name == "member_id":
                challenge, actor = key.split(":")
                values[name] = w.members[(challenge, actor)].id
            elif name == "invitation_id":
                values[name] = w.invitation_id
            elif name == "token":
                values[name] = w.invitation_token
            elif name == "challenge":  # a query string
                values[name] = w.cid(key)
            else:
                values[name] = key
        url = template
        for name, value in values.items():
            url = url.replace("{" + name + "}", str(value))
        return url

    return build


def fixed(url: str) -> Callable[[World], str]:
    return lambda _w: url


# ------------------------------------------------------------------ bodies that would succeed


def _dates(prefix: str, moment: datetime) -> dict[str, str]:
    return {
        f"{prefix}-day": str(moment.day),
        f"{prefix}-month": str(moment.month),
        f"{prefix}-year": str(moment.year),
        f"{prefix}-time": "12pm",
    }


def challenge_form(_w: World) -> dict[str, str]:
    today = datetime.now(UTC)
    return {
        "title": "Cut missed collections from tower blocks",
        "summary": "Residents report missed collections every week.",
        "problem": "Bin stores are blocked when crews arrive.",
        "outcomes": "Fewer missed collections.",
        "service_area": "waste",
        "location": "Sandwell",
        "budget_gbp": "50000",
        **_dates("opens_at", today + timedelta(days=10)),
        **_dates("closes_at", today + timedelta(days=40)),
        "criteria-0-name": "Understanding",
        "criteria-0-weight": "60",
        "criteria-1-name": "Value for money",
        "criteria-1-weight": "40",
        "eligibility-0-question": "Are you registered in the UK?",
        "eligibility-0-knockout_answer": "no",
    }


def proposal_form(_w: World) -> dict[str, str]:
    return {
        "title": "Bin store sensors",
        "summary": "Sensors warn crews about blocked bin stores.",
        "approach": "Fit sensors; send alerts to crews.",
        "impact": "A pilot halved missed collections.",
        "team": "Two engineers.",
        "cost_gbp": "30000",
        "timeline": "Six months.",
        "eligibility-0": "yes",
    }


def score_form(w: World) -> dict[str, str]:
    data = {"action": "draft"}
    for criterion in w.criteria["a_short"]:
        data[f"score-{criterion.id}"] = "6"
        data[f"comment-{criterion.id}"] = "Sound."
    return data


def decision_form(w: World) -> dict[str, Any]:
    return {"awarded": [str(w.pid("short_s1"))], "reason": "Best value for residents."}


def registration_form(_w: World) -> dict[str, str]:
    return {
        "organisation_name": "Brand New Sensors Ltd",
        "region": "West Midlands",
        "website": "",
        "name": "Nia New",
        "email": "nia@brandnew.example",
        "password": "a new start-up's own passphrase",
    }


def new_challenge_json(_w: World) -> dict[str, Any]:
    today = datetime.now(UTC)
    return {
        "title": "Cut missed collections",
        "summary": "Residents report missed collections.",
        "problem": "Bin stores are blocked.",
        "outcomes": "Fewer missed collections.",
        "service_area": "waste",
        "location": "Sandwell",
        "budget_gbp": 50_000,
        "opens_at": (today + timedelta(days=10)).isoformat(),
        "closes_at": (today + timedelta(days=40)).isoformat(),
        "criteria": [{"name": "Understanding", "weight": 100}],
    }


def review_json(w: World) -> dict[str, Any]:
    return {
        "conflict": False,
        "scores": [{"criterion": c.name, "score": 5} for c in w.criteria["a_short"]],
        "submit": False,
    }


def const(value: Any) -> Make:
    return lambda _w: value


# ------------------------------------------------------------------ the table

A = "a_open"  # body A's open challenge, the default target
TABLE: dict[RouteKey, list[Case]] = {
    # ---- public pages and documents
    ("GET", "/"): [Case(fixed("/"), everyone(200))],
    ("GET", "/_status"): [Case(fixed("/_status"), everyone(200))],
    ("GET", "/.well-known/security.txt"): [Case(fixed("/.well-known/security.txt"), everyone(200))],
    ("GET", "/api/openapi.json"): [Case(fixed("/api/openapi.json"), everyone(200))],
    ("GET", "/assets/{path:path}"): [
        Case(fixed("/assets/stylesheets/application.css"), everyone(200))
    ],
    ("GET", "/challenges"): [Case(fixed("/challenges"), everyone(308))],
    ("GET", "/proposals"): [Case(fixed("/proposals"), everyone(308))],
    ("GET", "/matches"): [Case(fixed("/matches"), everyone(308))],
    ("GET", "/reviews"): [Case(fixed("/reviews"), everyone(308))],
    ("GET", "/panels"): [Case(fixed("/panels"), everyone(308))],
    ("GET", "/challenges/"): [Case(fixed("/challenges/"), everyone(200))],
    ("GET", "/challenges/{id:int}"): [
        Case(at("/challenges/{id}", id=A), everyone(200)),
        Case(at("/challenges/{id}", id="a_draft"), expect(404, officer_a=200), variant="draft"),
        Case(at("/challenges/{id}", id="a_decided"), everyone(200), variant="decided"),
    ],
    # ---- accounts
    ("GET", "/register"): [Case(fixed("/register"), everyone(200))],
    ("POST", "/register"): [Case(fixed("/register"), everyone(303), const({"kind": "start-up"}))],
    ("GET", "/register/{kind}"): [Case(fixed("/register/start-up"), everyone(200))],
    ("POST", "/register/{kind}"): [
        Case(fixed("/register/start-up"), everyone(303), registration_form)
    ],
    ("GET", "/sign-in"): [Case(fixed("/sign-in"), everyone(200))],
    ("POST", "/sign-in"): [
        Case(
            fixed("/sign-in"),
            everyone(303),
            const({"email": "one@canary.example", "password": PASSWORD}),
        )
    ],
    ("POST", "/sign-out"): [Case(fixed("/sign-out"), everyone(303))],
    ("GET", "/signed-out"): [Case(fixed("/signed-out"), everyone(200))],
    ("GET", "/account"): [Case(fixed("/account"), signed_in(200))],
    ("GET", "/account/password"): [Case(fixed("/account/password"), signed_in(200))],
    ("POST", "/account/password"): [
        Case(
            fixed("/account/password"),
            signed_in(303),
            const({"current_password": PASSWORD, "new_password": "another fine passphrase"}),
        )
    ],
    ("GET", "/account/organisation"): [
        Case(
            fixed("/account/organisation"),
            role_page(officer_a=200, officer_b=200, s1=200, s2=200),
        )
    ],
    ("POST", "/account/organisation"): [
        Case(
            fixed("/account/organisation"),
            role_page(officer_a=303, officer_b=303, s1=303, s2=303),
            const({"region": "London", "website": "", "description": "What we do."}),
        )
    ],
    ("GET", "/admin/bodies"): [Case(fixed("/admin/bodies"), role_page(admin=200))],
    ("POST", "/admin/bodies/{id:int}/verify"): [
        Case(lambda w: f"/admin/bodies/{w.bodies['c'].id}/verify", role_page(admin=303))
    ],
    # ---- challenges (pages)
    ("GET", "/challenges/yours"): [
        Case(fixed("/challenges/yours"), role_page(officer_a=200, officer_b=200))
    ],
    ("GET", "/challenges/new"): [
        Case(fixed("/challenges/new"), role_page(officer_a=200, officer_b=200))
    ],
    ("POST", "/challenges/new"): [
        Case(fixed("/challenges/new"), role_page(officer_a=303, officer_b=303), challenge_form)
    ],
    ("GET", "/challenges/{id:int}/edit"): [
        Case(at("/challenges/{id}/edit", id="a_draft"), officer_page(200))
    ],
    ("POST", "/challenges/{id:int}/edit"): [
        Case(at("/challenges/{id}/edit", id="a_draft"), officer_page(303), challenge_form)
    ],
    ("GET", "/challenges/{id:int}/publish"): [
        Case(at("/challenges/{id}/publish", id="a_draft"), officer_page(200))
    ],
    ("POST", "/challenges/{id:int}/publish"): [
        Case(at("/challenges/{id}/publish", id="a_draft"), officer_page(303))
    ],
    ("GET", "/challenges/{id:int}/close"): [
        Case(at("/challenges/{id}/close", id=A), officer_page(200))
    ],
    ("POST", "/challenges/{id:int}/close"): [
        Case(at("/challenges/{id}/close", id=A), officer_page(303))
    ],
    ("GET", "/challenges/{id:int}/start-shortlisting"): [
        Case(at("/challenges/{id}/start-shortlisting", id="a_closed"), officer_page(200))
    ],
    ("POST", "/challenges/{id:int}/start-shortlisting"): [
        Case(at("/challenges/{id}/start-shortlisting", id="a_closed"), officer_page(303))
    ],
    ("GET", "/challenges/{id:int}/withdraw"): [
        Case(at("/challenges/{id}/withdraw", id=A), officer_page(200))
    ],
    ("POST", "/challenges/{id:int}/withdraw"): [
        Case(
            at("/challenges/{id}/withdraw", id=A),
            officer_page(303),
            const({"reason": "The service is being redesigned."}),
        )
    ],
    ("GET", "/challenges/{id:int}/clarifications/new"): [
        Case(at("/challenges/{id}/clarifications/new", id=A), officer_page(200))
    ],
    ("POST", "/challenges/{id:int}/clarifications/new"): [
        Case(
            at("/challenges/{id}/clarifications/new", id=A),
            officer_page(303),
            const({"text": "Both blocks have lifts."}),
        )
    ],
    # ---- proposals (pages)
    ("GET", "/proposals/"): [Case(fixed("/proposals/"), role_page(s1=200, s2=200))],
    ("GET", "/proposals/new"): [
        Case(
            at("/proposals/new?challenge={challenge}", challenge="b_open"),
            role_page(s1=200, s2=200),
        )
    ],
    ("POST", "/proposals/new"): [
        Case(
            at("/proposals/new?challenge={challenge}", challenge="b_open"),
            role_page(s1=303, s2=303),
            lambda w: {**proposal_form(w), "action": "draft"},
        )
    ],
    ("GET", "/proposals/{id:int}"): [
        Case(
            at("/proposals/{id}", id="open_s1"),
            startup_page(200) | {"officer_a": 200, "officer_b": 404},
        ),
        Case(
            at("/proposals/{id}", id="open2_s1"),
            startup_page(200) | {"officer_a": 404, "officer_b": 404},
            variant="draft",
        ),
    ],
    ("GET", "/proposals/{id:int}/edit"): [
        Case(at("/proposals/{id}/edit", id="open_s1"), startup_page(200))
    ],
    ("POST", "/proposals/{id:int}/edit"): [
        Case(at("/proposals/{id}/edit", id="open_s1"), startup_page(303), proposal_form)
    ],
    ("GET", "/proposals/{id:int}/check"): [
        Case(at("/proposals/{id}/check", id="open2_s1"), startup_page(200))
    ],
    ("POST", "/proposals/{id:int}/check"): [
        Case(at("/proposals/{id}/check", id="open2_s1"), startup_page(303))
    ],
    ("GET", "/proposals/{id:int}/submitted"): [
        Case(at("/proposals/{id}/submitted", id="open_s1"), startup_page(200))
    ],
    ("GET", "/proposals/{id:int}/withdraw"): [
        Case(at("/proposals/{id}/withdraw", id="open_s1"), startup_page(200))
    ],
    ("POST", "/proposals/{id:int}/withdraw"): [
        Case(at("/proposals/{id}/withdraw", id="open_s1"), startup_page(303))
    ],
    ("POST", "/proposals/{id:int}/reopen"): [
        # Start-up two's withdrawn proposal: only start-up two may make it a draft again.
        Case(at("/proposals/{id}/reopen", id="open_s2"), role_page(s1=404, s2=303))
    ],
    # ---- matching (pages)
    ("GET", "/matches/challenges/{id:int}"): [
        Case(at("/matches/challenges/{id}", id=A), officer_page(200))
    ],
    ("GET", "/matches/for-you"): [Case(fixed("/matches/for-you"), role_page(s1=200, s2=200))],
    # ---- panel members' pages
    ("GET", "/reviews/"): [
        Case(
            fixed("/reviews/"),
            role_page(r_member=200, r_conflicted=200, r_blind=200, r_other=200),
        )
    ],
    ("GET", "/reviews/proposals/{proposal_id:int}"): [
        Case(
            at("/reviews/proposals/{proposal_id}", proposal_id="short_s1"),
            role_page(r_member=200, r_conflicted=403, r_blind=404, r_other=404),
        ),
        Case(
            at("/reviews/proposals/{proposal_id}", proposal_id="blind_s4"),
            role_page(r_member=404, r_conflicted=404, r_blind=200, r_other=404),
            variant="blind",
        ),
    ],
    ("GET", "/reviews/proposals/{proposal_id:int}/conflict"): [
        Case(
            at("/reviews/proposals/{proposal_id}/conflict", proposal_id="short_s1"),
            role_page(r_member=200, r_conflicted=403, r_blind=404, r_other=404),
        ),
        Case(
            at("/reviews/proposals/{proposal_id}/conflict", proposal_id="blind_s2"),
            role_page(r_member=404, r_conflicted=404, r_blind=200, r_other=404),
            variant="blind",
        ),
    ],
    ("POST", "/reviews/proposals/{proposal_id:int}/conflict"): [
        Case(
            at("/reviews/proposals/{proposal_id}/conflict", proposal_id="short_s1"),
            role_page(r_member=303, r_conflicted=403, r_blind=404, r_other=404),
            const({"conflict": "no"}),
        ),
        Case(
            at("/reviews/proposals/{proposal_id}/conflict", proposal_id="blind_s2"),
            role_page(r_member=404, r_conflicted=404, r_blind=303, r_other=404),
            const({"conflict": "yes", "conflict_reason": "A former colleague works there."}),
            variant="blind",
        ),
    ],
    ("GET", "/reviews/proposals/{proposal_id:int}/scores"): [
        Case(
            at("/reviews/proposals/{proposal_id}/scores", proposal_id="short_s1"),
            role_page(r_member=200, r_conflicted=403, r_blind=404, r_other=404),
        )
    ],
    ("POST", "/reviews/proposals/{proposal_id:int}/scores"): [
        Case(
            at("/reviews/proposals/{proposal_id}/scores", proposal_id="short_s1"),
            role_page(r_member=303, r_conflicted=403, r_blind=404, r_other=404),
            score_form,
        )
    ],
    ("GET", "/reviews/proposals/{proposal_id:int}/check"): [
        Case(
            at("/reviews/proposals/{proposal_id}/check", proposal_id="short_s1"),
            role_page(r_member=200, r_conflicted=403, r_blind=404, r_other=404),
        )
    ],
    ("POST", "/reviews/proposals/{proposal_id:int}/check"): [
        Case(
            at("/reviews/proposals/{proposal_id}/check", proposal_id="short_s1"),
            role_page(r_member=303, r_conflicted=403, r_blind=404, r_other=404),
        )
    ],
    ("GET", "/reviews/proposals/{proposal_id:int}/submitted"): [
        Case(
            at("/reviews/proposals/{proposal_id}/submitted", proposal_id="short_s2"),
            role_page(r_member=200, r_conflicted=303, r_blind=404, r_other=404),
        )
    ],
    ("GET", "/reviews/outcome/{proposal_id:int}"): [
        Case(at("/reviews/outcome/{proposal_id}", proposal_id="dec_s1"), startup_page(200))
    ],
    # ---- the owning body's panel pages
    ("GET", "/panels/"): [Case(fixed("/panels/"), role_page(officer_a=200, officer_b=200))],
    ("GET", "/panels/{challenge_id:int}"): [
        Case(at("/panels/{challenge_id}", challenge_id="a_short"), officer_page(200))
    ],
    ("POST", "/panels/{challenge_id:int}/members"): [
        Case(
            at("/panels/{challenge_id}/members", challenge_id="a_short"),
            officer_page(200),  # the page showing the new invitation link
            const({"email": "new.person@panel.example"}),
        )
    ],
    ("GET", "/panels/{challenge_id:int}/members/{member_id:int}/remove"): [
        Case(
            at(
                "/panels/{challenge_id}/members/{member_id}/remove",
                challenge_id="a_short",
                member_id="a_short:r_conflicted",
            ),
            officer_page(200),
        )
    ],
    ("POST", "/panels/{challenge_id:int}/members/{member_id:int}/remove"): [
        Case(
            at(
                "/panels/{challenge_id}/members/{member_id}/remove",
                challenge_id="a_short",
                member_id="a_short:r_conflicted",
            ),
            officer_page(303),
        )
    ],
    ("POST", "/panels/{challenge_id:int}/invitations/{invitation_id:int}/cancel"): [
        Case(
            at(
                "/panels/{challenge_id}/invitations/{invitation_id}/cancel",
                challenge_id="a_short",
                invitation_id="",
            ),
            officer_page(303),
        )
    ],
    ("POST", "/panels/{challenge_id:int}/blind"): [
        Case(
            at("/panels/{challenge_id}/blind", challenge_id=A),
            officer_page(303),
            const({"blind_panel": "yes"}),
        )
    ],
    ("GET", "/panels/{challenge_id:int}/shortlist"): [
        Case(at("/panels/{challenge_id}/shortlist", challenge_id="a_short"), officer_page(200))
    ],
    ("POST", "/panels/{challenge_id:int}/shortlist"): [
        Case(
            at("/panels/{challenge_id}/shortlist", challenge_id="a_short"),
            officer_page(303),
            lambda w: {"proposal_ids": [str(w.pid("short_s1")), str(w.pid("short_s2"))]},
        )
    ],
    ("GET", "/panels/{challenge_id:int}/results"): [
        Case(at("/panels/{challenge_id}/results", challenge_id="a_short"), officer_page(200))
    ],
    ("GET", "/panels/{challenge_id:int}/results.csv"): [
        Case(at("/panels/{challenge_id}/results.csv", challenge_id="a_short"), officer_page(200))
    ],
    ("GET", "/panels/{challenge_id:int}/decision"): [
        Case(at("/panels/{challenge_id}/decision", challenge_id="a_short"), officer_page(200))
    ],
    ("POST", "/panels/{challenge_id:int}/decision"): [
        # The check-your-decision page.
        Case(
            at("/panels/{challenge_id}/decision", challenge_id="a_short"),
            officer_page(200),
            decision_form,
        )
    ],
    ("POST", "/panels/{challenge_id:int}/decision/confirm"): [
        Case(
            at("/panels/{challenge_id}/decision/confirm", challenge_id="a_short"),
            officer_page(303),
            decision_form,
        )
    ],
    ("GET", "/panels/{challenge_id:int}/audit"): [
        Case(at("/panels/{challenge_id}/audit", challenge_id="a_short"), officer_page(200))
    ],
    # ---- invitation links: anyone holding the link sees the invitation
    ("GET", "/invitations/{token:str}"): [
        Case(at("/invitations/{token}", token=""), everyone(200))
    ],
    ("POST", "/invitations/{token:str}"): [
        Case(
            at("/invitations/{token}", token=""),
            # Signed in, "create" is not offered: the page is shown again.
            expect(200, anonymous=303),
            const({"action": "create", "name": "Ivy Invitee", "password": "an invited passphrase"}),
            variant="create",
        ),
        Case(
            at("/invitations/{token}", token=""),
            # Only the panel member account with the invited address may accept (the
            # "create" case shows a link used successfully): everyone else sees it again.
            everyone(200),
            const({"action": "accept"}),
            variant="accept",
        ),
    ],
    # ---- API: accounts
    ("POST", "/api/v1/accounts"): [
        Case(
            fixed("/accounts"),
            everyone(201),
            const(
                {
                    "email": "new.reviewer@panel.example",
                    "password": "a reviewer's new passphrase",
                    "name": "Nell New",
                    "role": "reviewer",
                }
            ),
        )
    ],
    ("POST", "/api/v1/tokens"): [
        Case(
            fixed("/tokens"),
            everyone(201),
            const({"email": "one@canary.example", "password": PASSWORD}),
        )
    ],
    ("GET", "/api/v1/me"): [Case(fixed("/me"), signed_in(200, api=True))],
    # ---- API: challenges
    ("GET", "/api/v1/challenges"): [
        Case(fixed("/challenges"), everyone(200)),
        Case(
            fixed("/challenges?status=draft"),
            role_api(officer_a=200, officer_b=200),
            variant="own drafts",
        ),
    ],
    ("POST", "/api/v1/challenges"): [
        Case(fixed("/challenges"), role_api(officer_a=201, officer_b=201), new_challenge_json)
    ],
    ("GET", "/api/v1/challenges/{id:int}"): [
        Case(at("/challenges/{id}", id=A), everyone(200)),
        Case(at("/challenges/{id}", id="a_draft"), expect(404, officer_a=200), variant="draft"),
    ],
    ("PATCH", "/api/v1/challenges/{id:int}"): [
        Case(at("/challenges/{id}", id="a_draft"), officer_api(200), const({"title": "Renamed"}))
    ],
    ("POST", "/api/v1/challenges/{id:int}/transitions"): [
        Case(at("/challenges/{id}/transitions", id=A), officer_api(200), const({"to": "closed"}))
    ],
    ("POST", "/api/v1/challenges/{id:int}/clarifications"): [
        Case(
            at("/challenges/{id}/clarifications", id=A),
            officer_api(201),
            const({"text": "Both blocks have lifts."}),
        )
    ],
    ("GET", "/api/v1/challenges/{id:int}/proposals"): [
        Case(at("/challenges/{id}/proposals", id=A), officer_api(200))
    ],
    ("POST", "/api/v1/challenges/{id:int}/proposals"): [
        Case(
            at("/challenges/{id}/proposals", id="b_open"),
            role_api(s1=201, s2=201),
            const({"title": "Bin sensors"}),
        )
    ],
    # ---- API: proposals
    ("GET", "/api/v1/proposals"): [Case(fixed("/proposals"), role_api(s1=200, s2=200))],
    ("GET", "/api/v1/proposals/{id:int}"): [
        Case(
            at("/proposals/{id}", id="open_s1"),
            startup_api(200) | {"officer_a": 200, "officer_b": 404},
        ),
        Case(
            at("/proposals/{id}", id="open2_s1"),
            startup_api(200) | {"officer_a": 404, "officer_b": 404},
            variant="draft",
        ),
    ],
    ("PATCH", "/api/v1/proposals/{id:int}"): [
        Case(at("/proposals/{id}", id="open_s1"), startup_api(200), const({"timeline": "Soon."}))
    ],
    ("POST", "/api/v1/proposals/{id:int}/submit"): [
        Case(at("/proposals/{id}/submit", id="open2_s1"), startup_api(200), const({}))
    ],
    ("POST", "/api/v1/proposals/{id:int}/withdraw"): [
        Case(at("/proposals/{id}/withdraw", id="open_s1"), startup_api(200), const({}))
    ],
    ("POST", "/api/v1/proposals/{id:int}/reopen"): [
        Case(at("/proposals/{id}/reopen", id="open_s2"), role_api(s1=404, s2=200), const({}))
    ],
    ("GET", "/api/v1/proposals/{id:int}/outcome"): [
        Case(at("/proposals/{id}/outcome", id="dec_s1"), startup_api(200))
    ],
    # ---- API: matching
    ("GET", "/api/v1/challenges/{id:int}/matches"): [
        Case(at("/challenges/{id}/matches", id=A), officer_api(200))
    ],
    ("GET", "/api/v1/me/matches"): [Case(fixed("/me/matches"), role_api(s1=200, s2=200))],
    # ---- API: panels, reviews, results, decisions
    ("GET", "/api/v1/challenges/{id:int}/panel"): [
        Case(at("/challenges/{id}/panel", id="a_short"), officer_api(200))
    ],
    ("POST", "/api/v1/challenges/{id:int}/panel"): [
        Case(
            at("/challenges/{id}/panel", id="a_short"),
            officer_api(201),
            const({"email": "new.person@panel.example"}),
        )
    ],
    ("PATCH", "/api/v1/challenges/{id:int}/panel"): [
        Case(at("/challenges/{id}/panel", id=A), officer_api(200), const({"blind_panel": True}))
    ],
    ("DELETE", "/api/v1/challenges/{id:int}/panel/{member_id:int}"): [
        Case(
            at(
                "/challenges/{id}/panel/{member_id}", id="a_short", member_id="a_short:r_conflicted"
            ),
            officer_api(204),
        )
    ],
    ("GET", "/api/v1/challenges/{id:int}/shortlist"): [
        Case(at("/challenges/{id}/shortlist", id="a_short"), officer_api(200))
    ],
    ("PUT", "/api/v1/challenges/{id:int}/shortlist"): [
        Case(
            at("/challenges/{id}/shortlist", id="a_short"),
            officer_api(200),
            lambda w: {"proposal_ids": [w.pid("short_s1"), w.pid("short_s2")]},
        )
    ],
    ("GET", "/api/v1/reviews"): [
        Case(fixed("/reviews"), role_api(r_member=200, r_conflicted=200, r_blind=200, r_other=200))
    ],
    ("GET", "/api/v1/reviews/{proposal_id:int}"): [
        Case(
            at("/reviews/{proposal_id}", proposal_id="short_s1"),
            role_api(r_member=200, r_conflicted=403, r_blind=404, r_other=404),
        ),
        Case(
            at("/reviews/{proposal_id}", proposal_id="blind_s4"),
            role_api(r_member=404, r_conflicted=404, r_blind=200, r_other=404),
            variant="blind",
        ),
    ],
    ("PUT", "/api/v1/reviews/{proposal_id:int}"): [
        Case(
            at("/reviews/{proposal_id}", proposal_id="short_s1"),
            role_api(r_member=200, r_conflicted=403, r_blind=404, r_other=404),
            review_json,
        )
    ],
    ("GET", "/api/v1/challenges/{id:int}/results"): [
        Case(at("/challenges/{id}/results", id="a_short"), officer_api(200))
    ],
    ("POST", "/api/v1/challenges/{id:int}/decision"): [
        Case(
            at("/challenges/{id}/decision", id="a_short"),
            officer_api(200),
            lambda w: {"awarded": [w.pid("short_s1")], "reason": "Best value for residents."},
        )
    ],
    ("GET", "/api/v1/challenges/{id:int}/audit"): [
        Case(at("/challenges/{id}/audit", id="a_short"), officer_api(200))
    ],
}

CASES = [
    pytest.param(key, number, id=f"{key[0]} {key[1]}{' ' + case.variant if case.variant else ''}")
    for key, cases in TABLE.items()
    for number, case in enumerate(cases)
]


def _app() -> Starlette:
    return create_app(Settings(allowed_hosts=("testserver",)), manage_database=False)


def test_every_route_has_expectations() -> None:
    """A new page or endpoint fails here until someone decides who may use it."""
    routes = all_routes(_app())
    missing = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert not missing, f"routes with no row in TABLE: {missing}"
    assert not stale, f"rows in TABLE for routes that no longer exist: {stale}"


def test_the_matrix_covers_every_role_and_relationship() -> None:
    for cases in TABLE.values():
        for case in cases:
            assert set(case.expect) == set(ACTORS)
    assert len(CASES) * len(ACTORS) >= 1_000


def _leaks(world: World, actor_name: str, body: str) -> list[str]:
    """Canary words in ``body`` that ``actor_name`` may not see."""
    viewer = world.actors[actor_name]
    return [
        f"{item.key}.{field_name}"
        for item in world.items.values()
        for field_name, word in item.canaries.items()
        if word in body and not may_see(world, viewer, item, field_name)
    ]


@pytest.mark.parametrize(("key", "number"), CASES)
async def test_each_role_gets_exactly_the_access_the_table_allows(
    caller: Caller, world: World, key: RouteKey, number: int
) -> None:
    method, path = key
    case = TABLE[key][number]
    url = case.url(world)
    if is_api(path) and path != "/api/openapi.json":
        url = "/api/v1" + url
    body = case.body(world) if case.body is not None else None
    wrong: dict[str, tuple[object, object]] = {}
    for actor_name in ACTORS:
        actor = world.actors[actor_name]
        if is_api(path):
            response = await caller.isolated(actor, method, url, json=body)
        else:
            response = await caller.isolated(actor, method, url, form=body)
        wanted = case.expect[actor_name]
        got: object = response.status_code
        if wanted == SIGN_IN and response.status_code == 303:
            location = response.headers["location"]
            got = SIGN_IN if location.startswith("/sign-in?next=") else f"303 to {location}"
        if got != wanted:
            wrong[actor_name] = (wanted, got)
        check_security_headers(response)
        check_cookies(response, world.settings.session_cookie_name)
        leaked = _leaks(world, actor_name, response.text)
        assert not leaked, (actor_name, method, url, leaked)
        assert response.status_code < 500, (actor_name, method, url, response.text[:500])
    assert not wrong, f"{method} {url}: actor -> (expected, got): {wrong}"
