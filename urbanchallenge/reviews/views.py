"""The reviews area's pages: the owning body's panel pages, members' reviews,
invitation links and start-ups' outcomes.

Each view reads the request, calls one service and renders or redirects; services
raise NotFound for anything the user may not know exists.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from urbanchallenge.accounts.models import Role
from urbanchallenge.accounts.signin import signed_in_redirect
from urbanchallenge.auth import current_user, requires, signed_in_user
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.domain import Conflict, NotFound, PermissionDenied
from urbanchallenge.reviews import decisions, scoring, services
from urbanchallenge.reviews.results import csv_cell, one_decimal
from urbanchallenge.validation import ValidationFailed, whole_number
from urbanchallenge.web import form_data, form_lists, nav_section, render

OFFICER = Role.COUNCIL_OFFICER
REVIEWER = Role.REVIEWER


def _challenge_id(request: Request) -> int:
    return int(request.path_params["challenge_id"])


def _proposal_id(request: Request) -> int:
    return int(request.path_params["proposal_id"])


def _redirect(request: Request, name: str, query: str = "", **params: Any) -> Response:
    target = request.url_for(name, **params).path
    return RedirectResponse(target + (f"?{query}" if query else ""), status_code=303)


def _ids(values: list[str]) -> list[int] | None:
    """Form values as proposal ids; None if any is not a whole number."""
    ids = []
    for value in values:
        number = whole_number(value.strip())
        if number is None:
            return None
        ids.append(number)
    return ids


# ------------------------------------------------------------------ the officer's pages


@requires(OFFICER)
async def panels(request: Request) -> Response:
    summaries = await decisions.body_challenges(signed_in_user(request))
    return render(request, "panels/index.html", {"summaries": summaries})


async def _panel_page(
    request: Request, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> Response:
    overview = await services.panel(signed_in_user(request), _challenge_id(request))
    added = request.query_params.get("added", "")
    added_name = next(
        (row.user.name for row in overview.members if str(row.member.id) == added), None
    )
    return render(
        request,
        "panels/panel.html",
        {
            "panel": overview,
            "errors": errors or {},
            "values": values or {},
            "added_name": added_name,
            "notice": request.query_params.get("notice", ""),
        },
        400 if errors else 200,
    )


@requires(OFFICER)
async def panel(request: Request) -> Response:
    return await _panel_page(request)


@requires(OFFICER)
async def add_member(request: Request) -> Response:
    data = await form_data(request)
    user = signed_in_user(request)
    try:
        added = await services.add_member(
            user,
            _challenge_id(request),
            data.get("email", ""),
            base_url=request.app.state.settings.base_url,
        )
    except ValidationFailed as exc:
        return await _panel_page(request, exc.errors, data)
    except Conflict as exc:
        return await _panel_page(request, {"email": exc.detail}, data)
    if added.member is not None:
        return _redirect(
            request,
            "panels:panel",
            f"added={added.member.id}",
            challenge_id=_challenge_id(request),
        )
    overview = await services.panel(user, _challenge_id(request))
    return render(
        request,
        "panels/invitation_created.html",
        {"panel": overview, "added": added},
    )


@requires(OFFICER)
async def remove_member(request: Request) -> Response:
    user = signed_in_user(request)
    challenge_id = _challenge_id(request)
    member_id = int(request.path_params["member_id"])
    row = await services.member_to_remove(user, challenge_id, member_id)
    error = ""
    if request.method == "POST":
        try:
            await services.remove_member(user, challenge_id, member_id)
        except Conflict as exc:
            error = exc.detail
        else:
            return _redirect(request, "panels:panel", "notice=removed", challenge_id=challenge_id)
    return render(
        request,
        "panels/remove_member.html",
        {"row": row, "challenge_id": challenge_id, "errors": {"confirm": error} if error else {}},
        409 if error else 200,
    )


@requires(OFFICER)
async def cancel_invitation(request: Request) -> Response:
    challenge_id = _challenge_id(request)
    try:
        await services.cancel_invitation(
            signed_in_user(request), challenge_id, int(request.path_params["invitation_id"])
        )
    except Conflict as exc:
        return await _panel_page(request, {"email": exc.detail})
    return _redirect(request, "panels:panel", "notice=cancelled", challenge_id=challenge_id)


@requires(OFFICER)
async def blind(request: Request) -> Response:
    data = await form_data(request)
    choice = data.get("blind_panel", "")
    if choice not in {"yes", "no"}:
        return await _panel_page(
            request, {"blind_panel": "Select whether the panel is blind"}, data
        )
    try:
        await services.set_blind(signed_in_user(request), _challenge_id(request), choice == "yes")
    except Conflict as exc:
        return await _panel_page(request, {"blind_panel": exc.detail}, data)
    return _redirect(request, "panels:panel", "notice=blind", challenge_id=_challenge_id(request))


@requires(OFFICER)
async def shortlist(request: Request) -> Response:
    user = signed_in_user(request)
    challenge_id = _challenge_id(request)
    errors: dict[str, str] = {}
    chosen: set[int] | None = None
    if request.method == "POST":
        values = (await form_lists(request)).get("proposal_ids", [])
        ids = _ids(values)
        if ids is None:
            errors["proposal_ids"] = "Select proposals from the list"
        else:
            chosen = set(ids)
            try:
                await services.set_shortlist(user, challenge_id, ids)
            except ValidationFailed as exc:
                errors = exc.errors
            except Conflict as exc:
                errors["proposal_ids"] = exc.detail
            else:
                return _redirect(request, "panels:shortlist", "saved=1", challenge_id=challenge_id)
    challenge, candidates = await services.shortlist_candidates(user, challenge_id)
    if chosen is None:
        chosen = {c.proposal.id for c in candidates if c.shortlisted}
    ranked = sum(1 for c in candidates if c.match is not None)
    return render(
        request,
        "panels/shortlist.html",
        {
            "challenge": challenge,
            "status": (await services.panel(user, challenge_id)).status,
            "eligible": [c for c in candidates if c.eligible],
            "ineligible": [c for c in candidates if not c.eligible],
            "ranked": ranked,
            "chosen": chosen,
            "saved": request.query_params.get("saved") == "1",
            "errors": errors,
        },
        400 if errors else 200,
    )


@requires(OFFICER)
async def results(request: Request) -> Response:
    found = await decisions.panel_results(signed_in_user(request), _challenge_id(request))
    rows = sorted(
        found.rows,
        key=lambda r: (r.result.raw_total is None, -(r.result.raw_total or 0), r.proposal.id),
    )
    return render(
        request,
        "panels/results.html",
        {"found": found, "rows": rows, "one_decimal": one_decimal},
    )


RESULT_COLUMNS = [
    "Proposal ID",
    "Proposal",
    "Start-up",
    "Reviews submitted",
    "Raw total (mean)",
    "Calibrated total",
    "Median",
    "Spread",
    "Disagreement",
    "Awarded",
    "Members' totals",
]


@requires(OFFICER)
async def results_csv(request: Request) -> Response:
    found = await decisions.panel_results(signed_in_user(request), _challenge_id(request))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RESULT_COLUMNS)
    for row in found.rows:
        r = row.result
        writer.writerow(
            [
                csv_cell(value)
                for value in (
                    row.proposal.id,
                    row.proposal.title,
                    row.organisation.name,
                    r.reviews,
                    one_decimal(r.raw_total),
                    one_decimal(r.calibrated_total),
                    one_decimal(r.median),
                    one_decimal(r.spread),
                    r.disagreement,
                    row.awarded,
                    "; ".join(f"{t:.1f}" for t in r.totals),
                )
            ]
        )
    filename = f"challenge-{found.challenge.id}-results.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


async def _decision_form(
    request: Request, errors: dict[str, str], values: dict[str, Any], status: int
) -> Response:
    user = signed_in_user(request)
    challenge_id = _challenge_id(request)
    found = await decisions.panel_results(user, challenge_id)
    return render(
        request,
        "panels/decision.html",
        {"found": found, "errors": errors, "values": values, "one_decimal": one_decimal},
        status,
    )


def _decision_values(form: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    awarded = form.get("awarded", [])
    none = "none" in awarded
    chosen = [v for v in awarded if v != "none"]
    values: dict[str, Any] = {
        "awarded": chosen,
        "none": none,
        "reason": (form.get("reason") or [""])[0],
    }
    errors: dict[str, str] = {}
    if none and chosen:
        errors["awarded"] = "Select proposals to award, or select that you will not award, not both"
    elif not none and not chosen:
        errors["awarded"] = "Select the proposals to award, or select that you will not award"
    elif _ids(chosen) is None:
        errors["awarded"] = "Select proposals from the list"
    return values, errors


@requires(OFFICER)
async def decision(request: Request) -> Response:
    user = signed_in_user(request)
    challenge_id = _challenge_id(request)
    found = await decisions.panel_results(user, challenge_id)
    if request.method == "GET" or found.status is not Status.SHORTLISTING:
        return render(
            request,
            "panels/decision.html",
            {
                "found": found,
                "errors": {},
                "values": {"awarded": [], "none": False, "reason": ""},
                "done": request.query_params.get("done") == "1",
                "one_decimal": one_decimal,
            },
        )
    form = await form_lists(request)
    values, errors = _decision_values(form)
    if form.get("change"):
        return await _decision_form(request, {}, values, 200)
    try:
        _, chosen, reason = await decisions.validate_decision(
            user, challenge_id, _ids(values["awarded"]) or [], values["reason"]
        )
    except ValidationFailed as exc:
        errors = {**errors, **exc.errors}
    except Conflict as exc:
        errors["awarded"] = exc.detail
    if errors:
        return await _decision_form(request, errors, values, 400)
    return render(
        request,
        "panels/decision_check.html",
        {"found": found, "chosen": chosen, "reason": reason},
    )


@requires(OFFICER)
async def confirm_decision(request: Request) -> Response:
    user = signed_in_user(request)
    challenge_id = _challenge_id(request)
    values, errors = _decision_values(await form_lists(request))
    if not errors:
        try:
            await decisions.decide(
                user, challenge_id, _ids(values["awarded"]) or [], values["reason"]
            )
        except ValidationFailed as exc:
            errors = exc.errors
        except Conflict as exc:
            errors["awarded"] = exc.detail
    if errors:
        return await _decision_form(request, errors, values, 400)
    return _redirect(request, "panels:decision", "done=1", challenge_id=challenge_id)


@requires(OFFICER)
async def audit(request: Request) -> Response:
    challenge, rows = await decisions.audit_log(signed_in_user(request), _challenge_id(request))
    return render(request, "panels/audit.html", {"challenge": challenge, "rows": rows})


# ------------------------------------------------------------------ panel members' pages


@requires(REVIEWER)
async def my_reviews(request: Request) -> Response:
    found = await scoring.my_reviews(signed_in_user(request))
    groups: dict[int, list[scoring.Assignment]] = {}
    for item in found.reviewing:
        groups.setdefault(item.challenge.id, []).append(item)
    titles = {a.challenge.id: a.challenge.title for a in found.reviewing}
    titles.update({c.id: c.title for c in found.waiting})
    joined = request.query_params.get("joined", "")
    return render(
        request,
        "reviews/list.html",
        {
            "found": found,
            "groups": list(groups.values()),
            "joined": titles.get(number) if (number := whole_number(joined)) else None,
            "notice": request.query_params.get("notice", ""),
        },
    )


@requires(REVIEWER)
async def review_proposal(request: Request) -> Response:
    found = await scoring.assignment(signed_in_user(request), _proposal_id(request))
    if found.status is scoring.ReviewStatus.NOT_DECLARED:
        return _redirect(request, "reviews:conflict", proposal_id=found.proposal.id)
    if found.status is scoring.ReviewStatus.CONFLICTED:
        raise PermissionDenied(
            "You declared a conflict of interest with this proposal, so you cannot see it"
        )
    return render(request, "reviews/proposal.html", {"item": found})


@requires(REVIEWER)
async def conflict(request: Request) -> Response:
    user = signed_in_user(request)
    proposal_id = _proposal_id(request)
    found = await scoring.assignment(user, proposal_id)
    if found.status is scoring.ReviewStatus.CONFLICTED:
        raise PermissionDenied(
            "You declared a conflict of interest with this proposal. Ask the challenge owner "
            "if that was a mistake"
        )
    if found.status is scoring.ReviewStatus.SUBMITTED:
        return _redirect(request, "reviews:proposal", proposal_id=proposal_id)
    errors: dict[str, str] = {}
    values: dict[str, str] = {"conflict": "" if found.declaration is None else "no"}
    if request.method == "POST":
        values = await form_data(request)
        choice = values.get("conflict", "")
        if choice not in {"yes", "no"}:
            errors["conflict"] = "Select whether you have a conflict of interest"
        else:
            try:
                await scoring.declare(
                    user, proposal_id, choice == "yes", values.get("conflict_reason", "")
                )
            except ValidationFailed as exc:
                errors = exc.errors
            except Conflict as exc:
                errors["conflict"] = exc.detail
            else:
                if choice == "yes":
                    return _redirect(request, "reviews:list", "notice=conflict")
                return _redirect(request, "reviews:proposal", proposal_id=proposal_id)
    return render(
        request,
        "reviews/conflict.html",
        {"item": found, "errors": errors, "values": values},
        400 if errors else 200,
    )


def _score_entries(data: dict[str, str], found: scoring.Assignment) -> list[scoring.ScoreInput]:
    return [
        scoring.ScoreInput(
            criterion=c.id,
            score=data.get(f"score-{c.id}", ""),
            comment=data.get(f"comment-{c.id}", ""),
            key=f"scores.{c.id}",
        )
        for c in found.criteria
    ]


def _typed(found: scoring.Assignment, data: dict[str, str] | None = None) -> dict[int, Any]:
    """What each criterion's fields show: what was typed, else what is saved."""
    typed: dict[int, Any] = {}
    for c in found.criteria:
        saved = found.scores.get(c.id)
        if data is not None:
            typed[c.id] = {
                "score": data.get(f"score-{c.id}", ""),
                "comment": data.get(f"comment-{c.id}", ""),
            }
        else:
            typed[c.id] = {
                "score": "" if saved is None else str(saved.score),
                "comment": "" if saved is None else saved.comment,
            }
    return typed


@requires(REVIEWER)
async def scores(request: Request) -> Response:
    user = signed_in_user(request)
    proposal_id = _proposal_id(request)
    found = await scoring.readable_assignment(user, proposal_id)
    if found.status is scoring.ReviewStatus.NOT_DECLARED:
        return _redirect(request, "reviews:conflict", proposal_id=proposal_id)
    if found.status is scoring.ReviewStatus.SUBMITTED:
        return _redirect(request, "reviews:proposal", proposal_id=proposal_id)
    errors: dict[str, str] = {}
    data: dict[str, str] | None = None
    if request.method == "POST":
        data = await form_data(request)
        draft = data.get("action") == "draft"
        try:
            await scoring.save_scores(
                user,
                proposal_id,
                _score_entries(data, found),
                require_complete=not draft,
                loaded=found,
            )
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            if draft:
                return _redirect(request, "reviews:list", "notice=draft")
            return _redirect(request, "reviews:check", proposal_id=proposal_id)
    return render(
        request,
        "reviews/scores.html",
        {"item": found, "typed": _typed(found, data), "errors": errors},
        400 if errors else 200,
    )


@requires(REVIEWER)
async def check_scores(request: Request) -> Response:
    user = signed_in_user(request)
    proposal_id = _proposal_id(request)
    found = await scoring.readable_assignment(user, proposal_id)
    if found.status is scoring.ReviewStatus.SUBMITTED:
        return _redirect(request, "reviews:submitted", proposal_id=proposal_id)
    if not found.complete:
        return _redirect(request, "reviews:scores", proposal_id=proposal_id)
    if request.method == "POST":
        try:
            await scoring.save_scores(user, proposal_id, [], submit=True, loaded=found)
        except ValidationFailed as exc:
            return render(
                request,
                "reviews/scores.html",
                {"item": found, "typed": _typed(found), "errors": exc.errors},
                400,
            )
        except Conflict:
            found = await scoring.readable_assignment(user, proposal_id)
            if found.status is not scoring.ReviewStatus.SUBMITTED:
                raise
        return _redirect(request, "reviews:submitted", proposal_id=proposal_id)
    return render(request, "reviews/check.html", {"item": found})


@requires(REVIEWER)
async def submitted(request: Request) -> Response:
    found = await scoring.readable_assignment(signed_in_user(request), _proposal_id(request))
    if found.status is not scoring.ReviewStatus.SUBMITTED:
        return _redirect(request, "reviews:proposal", proposal_id=found.proposal.id)
    panels = await scoring.my_reviews(signed_in_user(request))
    remaining = [
        a
        for a in panels.reviewing
        if a.challenge.id == found.challenge.id
        and a.status not in {scoring.ReviewStatus.SUBMITTED, scoring.ReviewStatus.CONFLICTED}
    ]
    return render(request, "reviews/submitted.html", {"item": found, "remaining": remaining})


# ------------------------------------------------------------------ start-ups' outcomes


@requires(Role.STARTUP_MEMBER)
async def outcome(request: Request) -> Response:
    found = await decisions.proposal_outcome(signed_in_user(request), _proposal_id(request))
    nav_section(request, "proposals:index")
    return render(request, "reviews/outcome.html", {"found": found, "one_decimal": one_decimal})


# ------------------------------------------------------------------ invitation links


async def invitation(request: Request) -> Response:
    token = str(request.path_params["token"])
    user = current_user(request)
    try:
        found = await services.find_invitation(token)
    except NotFound:
        return render(request, "panels/invitation_invalid.html", {}, 404)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    status = 200
    if request.method == "POST" and found.state is services.InvitationState.PENDING:
        values = await form_data(request)
        action = values.get("action")
        try:
            if action == "accept" and user is not None:
                await services.accept_invitation(token, user)
                return _redirect(request, "reviews:list", f"joined={found.challenge.id}")
            if action == "create" and user is None:
                new_user = await services.accept_with_new_account(
                    token, values.get("name", ""), values.get("password", "")
                )
                target = request.url_for("reviews:list").path + f"?joined={found.challenge.id}"
                return await signed_in_redirect(request, new_user, target)
        except ValidationFailed as exc:
            errors = exc.errors
            status = 400
        except (Conflict, PermissionDenied):
            found = await services.find_invitation(token)
        values.pop("password", None)
    if found.state is not services.InvitationState.PENDING:
        status = 410
    return render(
        request,
        "panels/invitation.html",
        {
            "found": found,
            "user": user,
            "token": token,
            "errors": errors,
            "values": values,
            "states": services.InvitationState,
        },
        status,
    )
