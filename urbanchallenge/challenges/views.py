"""Challenge pages: the public list and challenge page, and the officer's drafting and actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from urbanchallenge.accounts.models import Role
from urbanchallenge.auth import current_user, requires, signed_in_user
from urbanchallenge.challenges import forms, lifecycle, services
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import SERVICE_AREA_LABELS, ServiceArea
from urbanchallenge.pagecache import kept_page
from urbanchallenge.proposals import services as proposals
from urbanchallenge.validation import ValidationFailed, clean_text, whole_number
from urbanchallenge.web import form_data, nav_section, render

LONDON = ZoneInfo("Europe/London")

STATUS_TAGS = {
    Status.DRAFT: "govuk-tag--grey",
    Status.OPEN: "govuk-tag--green",
    Status.CLOSED: "govuk-tag--orange",
    Status.SHORTLISTING: "govuk-tag--blue",
    Status.DECIDED: "govuk-tag--purple",
    Status.WITHDRAWN: "govuk-tag--red",
}

DONE = {
    "created": "Your draft challenge has been saved. Check it, then publish it.",
    "saved": "Your changes have been saved.",
    "published": "Your challenge is open. Start-ups can now find it and submit proposals.",
    "closed": "Your challenge is closed. Start-ups can no longer submit proposals.",
    "shortlisting": "Shortlisting has started.",
    "withdrawn": "Your challenge has been withdrawn.",
    "clarified": "Your clarification has been published on the challenge page.",
}
# a body waiting for verification can save a draft but not publish it yet
CREATED_WHILE_WAITING = (
    "Your draft challenge has been saved. You can publish it once your organisation is verified."
)


def closes_in(closes_at: datetime, now: datetime) -> str:
    """ "closes in 6 days", counted in UK calendar days; "closed" once past."""
    if closes_at <= now:
        return "closed"
    days = (closes_at.astimezone(LONDON).date() - now.astimezone(LONDON).date()).days
    if days <= 0:
        return "closes today"
    if days == 1:
        return "closes tomorrow"
    return f"closes in {days} days"


def status_tag(status: Status) -> dict[str, str]:
    return {"text": status.label, "classes": STATUS_TAGS[status]}


def _area_items(selected: str, *, blank: str | None = None) -> list[dict[str, Any]]:
    """Service areas for a select (``selected``) or radios (``checked``)."""
    items: list[dict[str, Any]] = []
    if blank is not None:
        items.append({"value": "", "text": blank, "selected": not selected})
    for area in ServiceArea:
        chosen = selected == area.value
        items.append(
            {
                "value": area.value,
                "text": SERVICE_AREA_LABELS[area],
                "selected": chosen,
                "checked": chosen,
            }
        )
    return items


def _redirect(request: Request, name: str, done: str | None = None, **params: Any) -> Response:
    target = request.url_for(name, **params).path
    if done:
        target += "?" + urlencode({"done": done})
    return RedirectResponse(target, status_code=303)


def _int(value: str | None, default: int | None = None) -> int | None:
    found = whole_number(value) if value is not None else None
    return default if found is None else found


# ---------------------------------------------------------------- public


async def index(request: Request) -> Response:
    """The public list of open challenges, searched and filtered (kept a few seconds for
    visitors who are not signed in: urbanchallenge.pagecache)."""
    return await kept_page(request, lambda: _index(request))


async def _index(request: Request) -> Response:
    params = request.query_params
    area = params.get("service_area", "")
    body = _int(params.get("body"))
    sort = params.get("sort", "closing")
    if sort not in services.SORTS:
        sort = "closing"
    filters = services.Filters(
        q=clean_text(params.get("q", ""))[:200],
        service_area=ServiceArea(area) if area in {a.value for a in ServiceArea} else None,
        organisation_id=body,
        closing_soon=params.get("closing_soon") == "yes",
        sort=sort,
        page=_int(params.get("page"), 1) or 1,
    )
    now = services.now_utc()
    page = await services.search_open(filters, now)
    bodies = await services.bodies_with_open_challenges(now)

    def link(page_number: int) -> str:
        kept = {
            "q": filters.q,
            "service_area": filters.service_area.value if filters.service_area else "",
            "body": str(filters.organisation_id or ""),
            "closing_soon": "yes" if filters.closing_soon else "",
            "sort": filters.sort if filters.sort != "closing" else "",
            "page": str(page_number) if page_number > 1 else "",
        }
        query = urlencode({k: v for k, v in kept.items() if v})
        return request.url_for("challenges:index").path + ("?" + query if query else "")

    pagination: dict[str, Any] | None = None
    if page.pages > 1:
        pagination = {
            "items": [
                {"number": n, "href": link(n), "current": n == page.page}
                for n in range(1, page.pages + 1)
                if n in {1, page.pages} or abs(n - page.page) <= 2
            ],
        }
        with_gaps: list[dict[str, Any]] = []
        for item in pagination["items"]:
            if with_gaps and item["number"] - with_gaps[-1].get("number", 0) > 1:
                with_gaps.append({"ellipsis": True})
            with_gaps.append(item)
        pagination["items"] = with_gaps
        if page.page > 1:
            pagination["previous"] = {"href": link(page.page - 1)}
        if page.page < page.pages:
            pagination["next"] = {"href": link(page.page + 1)}
    results = [
        {
            "challenge": f.challenge,
            "organisation": f.organisation,
            "area": SERVICE_AREA_LABELS[f.challenge.service_area],
            "closes_in": closes_in(f.challenge.closes_at, now),
            "terms": [t["term"] for t in f.terms[:6]],
        }
        for f in page.items
    ]
    return render(
        request,
        "challenges/index.html",
        {
            "filters": filters,
            "results": results,
            "total": page.total,
            "first": (page.page - 1) * page.per_page + 1,
            "last": (page.page - 1) * page.per_page + len(results),
            "pagination": pagination,
            "area_items": _area_items(area, blank="All service areas"),
            "body_items": [{"value": "", "text": "All public bodies", "selected": body is None}]
            + [{"value": str(b.id), "text": b.name, "selected": b.id == body} for b in bodies],
            "sort_items": [
                {"value": "closing", "text": "Closing soonest", "selected": sort == "closing"},
                {"value": "newest", "text": "Newest", "selected": sort == "newest"},
                {"value": "budget", "text": "Largest budget", "selected": sort == "budget"},
            ],
            "filtered": bool(
                filters.q or filters.service_area or body is not None or filters.closing_soon
            ),
        },
    )


async def detail(request: Request) -> Response:
    user = current_user(request)
    now = services.now_utc()
    found = await services.view(user, request.path_params["id"], now)
    challenge = found.challenge
    own_proposal = None
    if user is not None and user.role is Role.STARTUP_MEMBER and user.organisation_id:
        own_proposal = await proposals.own_for_challenge(user, challenge.id)
    submitted: list[proposals.Listed] = []
    if found.is_owner and user is not None:
        submitted = await proposals.visible_to_body(user, challenge.id)
        nav_section(request, "challenges:yours")
    status = found.status
    return render(
        request,
        "challenges/detail.html",
        {
            "found": found,
            "challenge": challenge,
            "status": status,
            "tag": status_tag(status),
            "area": SERVICE_AREA_LABELS[challenge.service_area],
            "closes_in": closes_in(challenge.closes_at, now),
            "is_open": status is Status.OPEN,
            "can_propose": status is Status.OPEN
            and user is not None
            and user.role is Role.STARTUP_MEMBER,
            "signed_out": user is None,
            "own_proposal": own_proposal,
            "submitted": submitted,
            "done": DONE.get(request.query_params.get("done", "")) if found.is_owner else None,
            "actions": _actions(status) if found.is_owner else [],
        },
    )


def _actions(status: Status) -> list[str]:
    """What the owning body can do next, by route name."""
    actions = []
    if status is Status.DRAFT:
        actions += ["challenges:edit", "challenges:publish"]
    if status in services.CLARIFIABLE:
        actions.append("challenges:clarify")
    if Status.CLOSED in lifecycle.ALLOWED[status]:
        actions.append("challenges:close")
    if Status.SHORTLISTING in lifecycle.ALLOWED[status]:
        actions.append("challenges:start_shortlisting")
    if Status.WITHDRAWN in lifecycle.ALLOWED[status]:
        actions.append("challenges:withdraw")
    return actions


# ---------------------------------------------------------------- the officer's pages


@requires(Role.COUNCIL_OFFICER)
async def yours(request: Request) -> Response:
    user = signed_in_user(request)
    now = services.now_utc()
    grouped = await services.yours(user, now)
    sections = [
        {
            "status": status,
            "tag": status_tag(status),
            "rows": [
                {
                    "challenge": c,
                    "submitted": n,
                    "closes_in": closes_in(c.closes_at, now),
                }
                for c, n in grouped[status]
            ],
        }
        for status in Status
        if grouped[status]
    ]
    return render(request, "challenges/yours.html", {"sections": sections})


def _form_context(form: forms.ChallengeForm, errors: dict[str, str]) -> dict[str, Any]:
    criteria_rows = max(forms.CRITERIA_ROWS, min(len(form.criteria), services.MAX_CRITERIA))
    question_rows = max(forms.QUESTION_ROWS, min(len(form.questions), services.MAX_QUESTIONS))
    return {
        "values": form.values,
        "criteria": forms.padded(form.criteria, criteria_rows, ("name", "description", "weight")),
        "questions": forms.padded(form.questions, question_rows, ("question", "knockout_answer")),
        "can_add_criterion": criteria_rows < services.MAX_CRITERIA,
        "can_add_question": question_rows < services.MAX_QUESTIONS,
        "area_items": _area_items(form.values.get("service_area", "")),
        "errors": errors,
        "max_criteria": services.MAX_CRITERIA,
        "max_questions": services.MAX_QUESTIONS,
    }


ADD_ROW = {"add_criterion", "add_question"}


async def _challenge_form(request: Request, challenge_id: int | None) -> Response:
    """The new-challenge and edit-draft form. "Add another" buttons re-show it with a row more."""
    user = signed_in_user(request)
    errors: dict[str, str] = {}
    challenge = None
    if challenge_id is not None:
        challenge = await services.get_owned(user, challenge_id)
        services.check_editable(challenge, services.now_utc())
    if request.method == "POST":
        data = await form_data(request)
        form = forms.read(data)
        action = data.get("action", "")
        if action == "add_criterion" and len(form.criteria) < services.MAX_CRITERIA:
            form.criteria.append(dict.fromkeys(("name", "description", "weight"), ""))
        elif action == "add_question" and len(form.questions) < services.MAX_QUESTIONS:
            form.questions.append(dict.fromkeys(("question", "knockout_answer"), ""))
        elif action not in ADD_ROW:
            try:
                if challenge_id is None:
                    saved = await services.create_draft(user, form.data, errors=form.errors)
                    return _redirect(request, "challenges:publish", "created", id=saved.id)
                await services.update_draft(user, challenge_id, form.data, errors=form.errors)
                return _redirect(request, "challenges:publish", "saved", id=challenge_id)
            except ValidationFailed as exc:
                errors = forms.page_errors(exc.errors)
    elif challenge is not None:
        form = forms.from_stored(await services.current_values(challenge))
    else:
        form = forms.ChallengeForm(values={"opens_at-time": "9am", "closes_at-time": "12pm"})
    context = _form_context(form, errors)
    context["challenge"] = challenge
    return render(request, "challenges/form.html", context, 400 if errors else 200)


@requires(Role.COUNCIL_OFFICER)
async def new(request: Request) -> Response:
    return await _challenge_form(request, None)


@requires(Role.COUNCIL_OFFICER)
async def edit(request: Request) -> Response:
    return await _challenge_form(request, request.path_params["id"])


@requires(Role.COUNCIL_OFFICER)
async def publish(request: Request) -> Response:
    """Check your answers, then publish."""
    user = signed_in_user(request)
    challenge_id = request.path_params["id"]
    now = services.now_utc()
    challenge = await services.get_owned(user, challenge_id)
    lifecycle.check(challenge, Status.OPEN, now)
    found = await services.detail(challenge, user, now)
    problems = services.publish_problems(
        challenge,
        found.criteria,
        now,
        awaiting_verification=found.organisation.awaiting_verification,
    )
    if request.method == "POST":
        await form_data(request)
        if not problems:
            await services.publish(user, challenge_id, now)
            return _redirect(request, "challenges:detail", "published", id=challenge_id)
    edit_url = request.url_for("challenges:edit", id=challenge_id).path
    errors = dict(problems) if request.method == "POST" else {}
    done = request.query_params.get("done", "")
    return render(
        request,
        "challenges/check.html",
        {
            "found": found,
            "challenge": challenge,
            "area": SERVICE_AREA_LABELS[challenge.service_area],
            "problems": [
                {
                    "text": message,
                    "href": "#verification"
                    if key == "organisation"
                    else f"{edit_url}#{forms.form_id(key)}",
                }
                for key, message in problems.items()
            ],
            "has_errors": bool(errors),
            "done": CREATED_WHILE_WAITING
            if done == "created" and found.organisation.awaiting_verification
            else DONE.get(done),
            "edit_url": edit_url,
        },
        400 if errors else 200,
    )


async def _confirm(
    request: Request, to: Status, template: str, done: str, *, with_reason: bool = False
) -> Response:
    user = signed_in_user(request)
    challenge_id = request.path_params["id"]
    now = services.now_utc()
    challenge = await services.get_owned(user, challenge_id)
    lifecycle.check(challenge, to, now)
    errors: dict[str, str] = {}
    reason = ""
    if request.method == "POST":
        data = await form_data(request)
        reason = clean_text(data.get("reason"), multiline=True)
        if with_reason and not reason:
            errors["reason"] = "Enter why you are withdrawing this challenge"
        elif len(reason) > services.REASON_MAX:
            errors["reason"] = f"The reason must be {services.REASON_MAX} characters or fewer"
        else:
            await services.move(user, challenge_id, to, reason=reason, now=now)
            return _redirect(request, "challenges:detail", done, id=challenge_id)
    found = await services.detail(challenge, user, now)
    counts = await services.proposal_counts(challenge_id)
    return render(
        request,
        template,
        {
            "challenge": challenge,
            "found": found,
            "errors": errors,
            "reason": reason,
            "submitted": counts["submitted"],
            "closes_in": closes_in(challenge.closes_at, now),
        },
        400 if errors else 200,
    )


@requires(Role.COUNCIL_OFFICER)
async def close(request: Request) -> Response:
    return await _confirm(request, Status.CLOSED, "challenges/close.html", "closed")


@requires(Role.COUNCIL_OFFICER)
async def start_shortlisting(request: Request) -> Response:
    return await _confirm(
        request, Status.SHORTLISTING, "challenges/start_shortlisting.html", "shortlisting"
    )


@requires(Role.COUNCIL_OFFICER)
async def withdraw(request: Request) -> Response:
    return await _confirm(
        request, Status.WITHDRAWN, "challenges/withdraw.html", "withdrawn", with_reason=True
    )


@requires(Role.COUNCIL_OFFICER)
async def clarify(request: Request) -> Response:
    user = signed_in_user(request)
    challenge_id = request.path_params["id"]
    now = services.now_utc()
    challenge = await services.get_owned(user, challenge_id)
    services.check_clarifiable(challenge, now)
    errors: dict[str, str] = {}
    text = ""
    if request.method == "POST":
        data = await form_data(request)
        text = data.get("text", "")
        try:
            await services.add_clarification(user, challenge_id, text, now)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            return _redirect(request, "challenges:detail", "clarified", id=challenge_id)
    found = await services.detail(challenge, user, now)
    return render(
        request,
        "challenges/clarify.html",
        {"challenge": challenge, "found": found, "errors": errors, "text": text},
        400 if errors else 200,
    )
