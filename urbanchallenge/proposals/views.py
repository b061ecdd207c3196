"""Proposal pages: a start-up's drafting, checking, submitting and withdrawing; the body's view."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from urbanchallenge.accounts.models import Role
from urbanchallenge.auth import requires, signed_in_user
from urbanchallenge.challenges import services as challenges
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import SERVICE_AREA_LABELS
from urbanchallenge.challenges.views import closes_in
from urbanchallenge.domain import Conflict, NotFound
from urbanchallenge.proposals import services
from urbanchallenge.proposals.services import ProposalStatus
from urbanchallenge.validation import ValidationFailed, whole_number
from urbanchallenge.web import form_data, render

TAGS = {
    ProposalStatus.DRAFT: "govuk-tag--grey",
    ProposalStatus.SUBMITTED: "govuk-tag--green",
    ProposalStatus.WITHDRAWN: "govuk-tag--red",
}
DONE = {
    "draft": "Your draft has been saved. Nobody else can see it until you submit it.",
    "saved": "Your changes have been saved.",
    "withdrawn": "Your proposal has been withdrawn.",
    "reopened": "Your proposal is a draft again. Submit it before the challenge closes.",
    "exists": "Your start-up already has a proposal for this challenge. This is it.",
}
TEXT_FIELDS = [f for f, *_ in services.TEXT_FIELDS]


def status_tag(status: ProposalStatus) -> dict[str, str]:
    return {"text": status.label, "classes": TAGS[status]}


def _redirect(request: Request, name: str, done: str | None = None, **params: Any) -> Response:
    target = request.url_for(name, **params).path
    if done:
        target += "?" + urlencode({"done": done})
    return RedirectResponse(target, status_code=303)


def form_id(key: str) -> str:
    """The page's id for a service field name: eligibility_answers.2 -> eligibility-2."""
    return key.replace("eligibility_answers.", "eligibility-").replace(".", "-")


def _read(data: dict[str, str], question_count: int) -> dict[str, Any]:
    fields: dict[str, Any] = {name: data.get(name, "") for name in TEXT_FIELDS}
    fields["cost_gbp"] = data.get("cost_gbp", "")
    fields["eligibility_answers"] = {
        i: data.get(f"eligibility-{i}", "") for i in range(question_count)
    }
    return fields


def _values_from(found: services.ProposalDetail) -> dict[str, str]:
    p = found.proposal
    values = {name: getattr(p, name) for name in TEXT_FIELDS}
    values["cost_gbp"] = str(p.cost_gbp) if p.cost_gbp else ""
    for i, question in enumerate(found.questions):
        answer = found.answers.get(question.id)
        values[f"eligibility-{i}"] = "" if answer is None else ("yes" if answer else "no")
    return values


# ---------------------------------------------------------------- lists and pages


@requires(Role.STARTUP_MEMBER)
async def index(request: Request) -> Response:
    user = signed_in_user(request)
    now = services.now_utc()
    rows = [
        {
            "item": item,
            "tag": status_tag(item.status),
            "closes_in": closes_in(item.challenge.closes_at, now),
            "open": item.challenge_status is Status.OPEN,
        }
        for item in await services.for_startup(user, now)
    ]
    return render(request, "proposals/index.html", {"rows": rows})


async def _form(
    request: Request,
    *,
    challenge_id: int,
    found: services.ProposalDetail | None,
) -> Response:
    user = signed_in_user(request)
    now = services.now_utc()
    challenge = await challenges.view(user, challenge_id, now)
    errors: dict[str, str] = {}
    values: dict[str, str] = _values_from(found) if found is not None else {}
    if request.method == "POST":
        data = await form_data(request)
        values = {k: v for k, v in data.items() if k != "csrftoken"}
        fields = _read(data, len(challenge.questions))
        complete = data.get("action") != "draft"
        try:
            if found is None:
                proposal = await services.start(
                    user, challenge_id, fields, complete=complete, now=now
                )
            else:
                proposal = await services.update(
                    user, found.proposal.id, fields, complete=complete, now=now
                )
        except services.AlreadyProposed as exc:
            return _redirect(request, "proposals:detail", "exists", id=exc.proposal_id)
        except ValidationFailed as exc:
            errors = {form_id(k): v for k, v in exc.errors.items()}
        else:
            if found is not None and found.status is ProposalStatus.SUBMITTED:
                return _redirect(request, "proposals:detail", "saved", id=proposal.id)
            if complete:
                return _redirect(request, "proposals:check", id=proposal.id)
            return _redirect(request, "proposals:detail", "draft", id=proposal.id)
    return render(
        request,
        "proposals/form.html",
        {
            "challenge": challenge.challenge,
            "found_challenge": challenge,
            "closes_in": closes_in(challenge.challenge.closes_at, now),
            "found": found,
            "values": values,
            "errors": errors,
            "questions": challenge.questions,
            "submitted": found is not None and found.status is ProposalStatus.SUBMITTED,
        },
        400 if errors else 200,
    )


@requires(Role.STARTUP_MEMBER)
async def new(request: Request) -> Response:
    """Start a proposal to the challenge named in ``?challenge=ID``."""
    user = signed_in_user(request)
    challenge_id = whole_number(request.query_params.get("challenge", ""))
    if challenge_id is None:
        return RedirectResponse(request.url_for("challenges:index").path, status_code=303)
    challenge = await challenges.get_visible(user, challenge_id)
    existing = await services.own_for_challenge(user, challenge_id)
    if existing is not None:
        return _redirect(request, "proposals:detail", "exists", id=existing.id)
    services.require_open(challenge, services.now_utc(), "started")
    return await _form(request, challenge_id=challenge_id, found=None)


@requires(Role.STARTUP_MEMBER, Role.COUNCIL_OFFICER)
async def detail(request: Request) -> Response:
    user = signed_in_user(request)
    now = services.now_utc()
    found = await services.view(user, request.path_params["id"], now)
    return render(
        request,
        "proposals/detail.html",
        _page_context(request, found, now),
    )


def _page_context(request: Request, found: services.ProposalDetail, now: Any) -> dict[str, Any]:
    challenge = found.challenge
    budget = challenge.budget_gbp
    return {
        "found": found,
        "proposal": found.proposal,
        "challenge": challenge,
        "tag": status_tag(found.status),
        "area": SERVICE_AREA_LABELS[challenge.service_area],
        "closes_in": closes_in(challenge.closes_at, now),
        "challenge_open": found.challenge_status is Status.OPEN,
        "over_budget": bool(found.proposal.cost_gbp) and found.proposal.cost_gbp > budget,
        "answers": [
            {
                "question": q,
                "answer": found.answers.get(q.id),
                "knocked_out": q in found.knocked_out,
                "position": i,
            }
            for i, q in enumerate(found.questions)
        ],
        "problems": [
            {"text": message, "href": _edit_href(request, found, key)}
            for key, message in found.problems.items()
        ],
        "done": DONE.get(request.query_params.get("done", "")) if found.viewer_is_owner else None,
    }


def _edit_href(request: Request, found: services.ProposalDetail, key: str) -> str:
    return request.url_for("proposals:edit", id=found.proposal.id).path + "#" + form_id(key)


async def _own(request: Request) -> services.ProposalDetail:
    """The signed-in start-up's own proposal from the path (NotFound for anyone else's)."""
    user = signed_in_user(request)
    found = await services.view(user, request.path_params["id"])
    if not found.viewer_is_owner:  # pragma: no cover - only start-up members get here
        raise NotFound("Proposal not found")
    return found


@requires(Role.STARTUP_MEMBER)
async def edit(request: Request) -> Response:
    found = await _own(request)
    if found.status is ProposalStatus.WITHDRAWN:
        raise Conflict("This proposal has been withdrawn. Reopen it as a draft to change it")
    services.require_open(found.challenge, services.now_utc(), "changed")
    return await _form(request, challenge_id=found.challenge.id, found=found)


@requires(Role.STARTUP_MEMBER)
async def check(request: Request) -> Response:
    """Check your proposal: everything in one place, knock-out warnings, then submit."""
    user = signed_in_user(request)
    found = await _own(request)
    if found.status is not ProposalStatus.DRAFT:
        return _redirect(request, "proposals:detail", id=found.proposal.id)
    now = services.now_utc()
    services.require_open(found.challenge, now, "submitted")
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        await form_data(request)
        try:
            await services.submit(user, found.proposal.id, now)
        except ValidationFailed as exc:
            errors = [
                {"text": message, "href": _edit_href(request, found, key)}
                for key, message in exc.errors.items()
            ]
        else:
            return _redirect(request, "proposals:submitted", id=found.proposal.id)
    context = _page_context(request, found, now)
    context["submit_errors"] = errors
    return render(request, "proposals/check.html", context, 400 if errors else 200)


@requires(Role.STARTUP_MEMBER)
async def submitted(request: Request) -> Response:
    found = await _own(request)
    if found.status is not ProposalStatus.SUBMITTED:
        return _redirect(request, "proposals:detail", id=found.proposal.id)
    return render(
        request,
        "proposals/submitted.html",
        _page_context(request, found, services.now_utc()),
    )


@requires(Role.STARTUP_MEMBER)
async def withdraw(request: Request) -> Response:
    user = signed_in_user(request)
    found = await _own(request)
    now = services.now_utc()
    if found.status is ProposalStatus.WITHDRAWN:
        raise Conflict("This proposal has already been withdrawn")
    services.require_open(found.challenge, now, "withdrawn")
    if request.method == "POST":
        await form_data(request)
        await services.withdraw(user, found.proposal.id, now)
        return _redirect(request, "proposals:detail", "withdrawn", id=found.proposal.id)
    return render(request, "proposals/withdraw.html", _page_context(request, found, now))


@requires(Role.STARTUP_MEMBER)
async def reopen(request: Request) -> Response:
    user = signed_in_user(request)
    found = await _own(request)
    await form_data(request)
    await services.reopen(user, found.proposal.id)
    return _redirect(request, "proposals:detail", "reopened", id=found.proposal.id)
