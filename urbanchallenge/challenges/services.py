"""Challenges: drafting, publishing, closing, shortlisting, withdrawing and clarifying.

No function here sees a Request. Callers pass plain values (the pages parse UK dates
and times into UTC first; the API passes ISO 8601 strings) and get models back, or
:class:`ValidationFailed`, :class:`NotFound` or :class:`Conflict`.

Rules decided here:

- A draft is complete from the start: every field is validated on create and on
  each edit (criteria weights sum to exactly 100), so publishing only re-checks
  what time can spoil.
- Publishing opens the challenge at once (the lifecycle moves a later planned
  opening time to now; an earlier one is moved up to now too, so ``opens_at`` is
  when start-ups could really first see it). The closing time must then be at
  least :data:`MIN_OPEN_PERIOD` away.
- Only the owning public body's officers see a draft or act on a challenge; for
  everyone else it does not exist. Once published a challenge is public for good,
  withdrawn or not, so what was asked stays on the record.
- After opening, the only edit is a clarification.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.audit.services import record
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import (
    Challenge,
    Clarification,
    Criterion,
    EligibilityQuestion,
    ServiceArea,
)
from urbanchallenge.domain import Conflict, NotFound
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.ranking import jobs
from urbanchallenge.ranking.search import search_challenges, search_indexed
from urbanchallenge.validation import (
    Errors,
    ValidationFailed,
    clean_text,
    text_field,
    whole_number,
    whole_pounds_field,
)

MAX_CRITERIA = 8
MAX_QUESTIONS = 10
# Start-ups need at least a day to see and answer a challenge.
MIN_OPEN_PERIOD = timedelta(days=1)
CLOSING_SOON = timedelta(days=7)
PAGE_SIZE = 20

TITLE_MAX = 120
SUMMARY_MAX = 300
PROBLEM_MAX = 10_000
OUTCOMES_MAX = 5_000
LOCATION_MAX = 120
CRITERION_NAME_MAX = 100
CRITERION_DESCRIPTION_MAX = 1_000
QUESTION_MAX = 300
CLARIFICATION_MAX = 2_000
REASON_MAX = 2_000

# The fields a draft edit may change; everything else moves only through the lifecycle.
EDITABLE = (
    "title",
    "summary",
    "problem",
    "outcomes",
    "service_area",
    "location",
    "budget_gbp",
    "opens_at",
    "closes_at",
    "criteria",
    "eligibility",
)
# Moves an officer makes here; deciding belongs to the reviews area.
OFFICER_MOVES = (Status.OPEN, Status.CLOSED, Status.SHORTLISTING, Status.WITHDRAWN)
# Clarifications are for start-ups still answering, or about to be judged on their answers.
CLARIFIABLE = frozenset({Status.OPEN, Status.CLOSED, Status.SHORTLISTING})


def now_utc() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- reading


@dataclass
class ChallengeDetail:
    """A challenge with everything a page or the API shows about it."""

    challenge: Challenge
    status: Status
    organisation: Organisation
    criteria: list[Criterion]
    questions: list[EligibilityQuestion]
    clarifications: list[Clarification]
    is_owner: bool = False
    proposal_counts: dict[str, int] = field(default_factory=dict)


def is_owner(user: User | None, challenge: Challenge) -> bool:
    return (
        user is not None
        and user.role is Role.COUNCIL_OFFICER
        and user.organisation_id is not None
        and user.organisation_id == challenge.organisation_id
    )


def is_public(challenge: Challenge) -> bool:
    """Published once: public from then on (a draft withdrawn unpublished never is)."""
    return challenge.published_at is not None


async def details(
    challenges: Sequence[Challenge], viewer: User | None, now: datetime
) -> list[ChallengeDetail]:
    """Each challenge with its body, criteria, questions and clarifications (a few queries)."""
    ids = [c.id for c in challenges]
    if not ids:
        return []
    organisations = {
        o.id: o for o in await Organisation.filter(id__in={c.organisation_id for c in challenges})
    }
    criteria: dict[int, list[Criterion]] = {i: [] for i in ids}
    for criterion in await Criterion.filter(challenge_id__in=ids).order_by("position", "id"):
        criteria[criterion.challenge_id].append(criterion)
    questions: dict[int, list[EligibilityQuestion]] = {i: [] for i in ids}
    for question in await EligibilityQuestion.filter(challenge_id__in=ids).order_by(
        "position", "id"
    ):
        questions[question.challenge_id].append(question)
    clarifications: dict[int, list[Clarification]] = {i: [] for i in ids}
    for note in await Clarification.filter(challenge_id__in=ids).order_by("created_at", "id"):
        clarifications[note.challenge_id].append(note)
    return [
        ChallengeDetail(
            challenge=c,
            status=lifecycle.status_of(c, now),
            organisation=organisations[c.organisation_id],
            criteria=criteria[c.id],
            questions=questions[c.id],
            clarifications=clarifications[c.id],
            is_owner=is_owner(viewer, c),
        )
        for c in challenges
    ]


async def detail(challenge: Challenge, viewer: User | None, now: datetime) -> ChallengeDetail:
    return (await details([challenge], viewer, now))[0]


async def get_visible(viewer: User | None, challenge_id: int) -> Challenge:
    """A challenge ``viewer`` may see: published ones, and their own body's drafts."""
    challenge = await Challenge.get_or_none(id=challenge_id)
    if challenge is None or not (is_public(challenge) or is_owner(viewer, challenge)):
        raise NotFound("Challenge not found")
    return challenge


async def view(
    viewer: User | None, challenge_id: int, now: datetime | None = None
) -> ChallengeDetail:
    moment = now or now_utc()
    challenge = await get_visible(viewer, challenge_id)
    found = await detail(challenge, viewer, moment)
    if found.is_owner:
        found.proposal_counts = await proposal_counts(challenge.id)
    return found


async def get_owned(user: User, challenge_id: int, *, for_update: bool = False) -> Challenge:
    """One of the user's own body's challenges; another body's is NotFound."""
    query = Challenge.filter(id=challenge_id)
    if for_update:
        query = query.select_for_update()
    challenge = await query.first()
    if challenge is None or not is_owner(user, challenge):
        raise NotFound("Challenge not found")
    return challenge


async def proposal_counts(challenge_id: int) -> dict[str, int]:
    """How many proposals the owning body can see: submitted, and withdrawn after submitting."""
    submitted = await Proposal.filter(
        challenge_id=challenge_id, submitted_at__isnull=False, withdrawn_at__isnull=True
    ).count()
    withdrawn = await Proposal.filter(
        challenge_id=challenge_id, submitted_at__isnull=False, withdrawn_at__isnull=False
    ).count()
    return {"submitted": submitted, "withdrawn": withdrawn}


def open_filter(now: datetime) -> dict[str, Any]:
    """The query for challenges that are open at ``now`` (mirrors ``lifecycle.status_of``)."""
    return {
        "published_at__isnull": False,
        "withdrawn_at__isnull": True,
        "decided_at__isnull": True,
        "shortlisting_at__isnull": True,
        "closes_at__gt": now,
    }


def status_filter(status: Status, now: datetime) -> dict[str, Any]:
    """The query for challenges in ``status`` at ``now``."""
    if status is Status.OPEN:
        return open_filter(now)
    if status is Status.WITHDRAWN:
        return {"withdrawn_at__isnull": False}
    live = {"withdrawn_at__isnull": True}
    if status is Status.DECIDED:
        return {**live, "decided_at__isnull": False}
    live["decided_at__isnull"] = True
    if status is Status.SHORTLISTING:
        return {**live, "shortlisting_at__isnull": False}
    live["shortlisting_at__isnull"] = True
    if status is Status.DRAFT:
        return {**live, "published_at__isnull": True}
    return {**live, "published_at__isnull": False, "closes_at__lte": now}


@dataclass(frozen=True)
class Filters:
    """What a visitor chose on the list of open challenges."""

    q: str = ""
    service_area: ServiceArea | None = None
    organisation_id: int | None = None
    closing_soon: bool = False
    sort: str = "closing"
    page: int = 1
    per_page: int = PAGE_SIZE


SORTS = {
    "closing": ("closes_at", "id"),
    "newest": ("-opens_at", "-id"),
    "budget": ("-budget_gbp", "closes_at", "id"),
}


@dataclass
class Found:
    """One open challenge in a list, and why a search matched it."""

    challenge: Challenge
    organisation: Organisation
    score: float | None = None
    terms: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Page:
    items: list[Found]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


async def rank_by_text(
    q: str, challenges: Sequence[Challenge], explain: bool = True
) -> list[tuple[Challenge, float, list[dict[str, Any]]]]:
    """The challenges that match free text ``q``, best first, with the matcher's reasons
    (none without ``explain``)."""
    return await search_challenges(clean_text(q), challenges, explain)


async def search_open(filters: Filters, now: datetime | None = None) -> Page:
    """Open challenges matching ``filters``; a free-text ``q`` is ranked by the matcher.

    Without ``q`` they are sorted by ``filters.sort`` (closing soonest first by
    default); with it, best match first.
    """
    moment = now or now_utc()
    query = Challenge.filter(**open_filter(moment)).select_related("organisation")
    if filters.service_area is not None:
        query = query.filter(service_area=filters.service_area)
    if filters.organisation_id is not None:
        query = query.filter(organisation_id=filters.organisation_id)
    if filters.closing_soon:
        query = query.filter(closes_at__lte=moment + CLOSING_SOON)
    page = max(1, filters.page)
    start = (page - 1) * filters.per_page
    q = clean_text(filters.q)
    if q:
        # Rank the ids on the shared index and load only the page's challenges; only when
        # the index lags behind (a challenge just opened) are they all loaded and ranked.
        found: list[Any] = await query.order_by(*SORTS["closing"]).values_list("id", flat=True)
        ids = [int(i) for i in found]
        hits = await search_indexed(q, ids, slice(start, start + filters.per_page))
        if hits is None:
            candidates = await query.order_by(*SORTS["closing"])
            ranked = await rank_by_text(q, candidates)
            items = [
                Found(challenge=c, organisation=c.organisation, score=score, terms=terms)
                for c, score, terms in ranked
            ]
            return Page(items[start : start + filters.per_page], len(items), page, filters.per_page)
        shown = hits[start : start + filters.per_page]
        loaded = {c.id: c for c in await query.filter(id__in=[h.id for h in shown])}
        return Page(
            [
                Found(challenge=c, organisation=c.organisation, score=h.score, terms=h.terms)
                for h in shown
                if (c := loaded.get(h.id)) is not None  # not closed meanwhile
            ],
            len(hits),
            page,
            filters.per_page,
        )
    total = await query.count()
    rows = (
        await query.order_by(*SORTS.get(filters.sort, SORTS["closing"]))
        .offset(start)
        .limit(filters.per_page)
    )
    return Page(
        [Found(challenge=c, organisation=c.organisation) for c in rows],
        total,
        page,
        filters.per_page,
    )


async def bodies_with_open_challenges(now: datetime | None = None) -> list[Organisation]:
    moment = now or now_utc()
    with_open = Challenge.filter(**open_filter(moment)).values("organisation_id")
    return await Organisation.filter(id__in=Subquery(with_open)).order_by("name")


async def list_for_body(
    user: User, status: Status | None = None, now: datetime | None = None
) -> list[ChallengeDetail]:
    """The user's own body's challenges (optionally in one status), newest first."""
    moment = now or now_utc()
    if user.role is not Role.COUNCIL_OFFICER or user.organisation_id is None:
        return []
    query = Challenge.filter(organisation_id=user.organisation_id)
    if status is not None:
        query = query.filter(**status_filter(status, moment))
    return await details(await query.order_by("-created_at", "-id"), user, moment)


async def yours(
    user: User, now: datetime | None = None
) -> dict[Status, list[tuple[Challenge, int]]]:
    """The officer's body's challenges grouped by status, each with its submitted proposals."""
    moment = now or now_utc()
    grouped: dict[Status, list[tuple[Challenge, int]]] = {s: [] for s in Status}
    if user.organisation_id is None:
        return grouped
    challenges = await Challenge.filter(organisation_id=user.organisation_id).order_by(
        "closes_at", "id"
    )
    counted = (
        await Proposal.filter(
            challenge__organisation_id=user.organisation_id,
            submitted_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        .annotate(n=Count("id"))
        .group_by("challenge_id")
        .values_list("challenge_id", "n")
    )
    counts = {int(cid): int(n) for cid, n in counted}
    for challenge in challenges:
        grouped[lifecycle.status_of(challenge, moment)].append(
            (challenge, counts.get(challenge.id, 0))
        )
    return grouped


# ---------------------------------------------------------------- validation


def parse_iso_datetime(value: object) -> datetime | None:
    """An ISO 8601 date-time as aware UTC; one without an offset is read as UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00:00-05:00 is after the year 9999 in UTC
        return None


def _datetime_field(
    errors: Errors, data: Mapping[str, Any], name: str, label: str
) -> datetime | None:
    raw = data.get(name)
    if raw is None or raw == "":
        errors.add(name, f"Enter the {label}")
        return None
    moment = parse_iso_datetime(raw)
    if moment is None:
        errors.add(name, f"Enter the {label} as a date and time, like 2027-03-01T12:00:00Z")
    return moment


def _weight(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return whole_number(clean_text(value), 3)


@dataclass
class CriterionRow:
    index: int
    name: str
    description: str
    weight: int


@dataclass
class QuestionRow:
    index: int
    question: str
    knockout_answer: bool


def _criteria(errors: Errors, rows: object) -> list[CriterionRow]:
    """Validate criteria rows; ``None`` entries are blank page rows and are skipped."""
    if not isinstance(rows, Sequence) or isinstance(rows, str):
        errors.add("criteria", "Add at least 1 evaluation criterion")
        return []
    found: list[CriterionRow] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row is None:
            continue
        key = f"criteria.{index}"
        if not isinstance(row, Mapping):
            errors.add(key, "Enter a name and weight for this criterion")
            continue
        name = text_field(
            errors,
            {f"{key}.name": row.get("name")},
            f"{key}.name",
            "the name of the criterion",
            max_length=CRITERION_NAME_MAX,
        )
        description = text_field(
            errors,
            {f"{key}.description": row.get("description")},
            f"{key}.description",
            "a description of the criterion",
            max_length=CRITERION_DESCRIPTION_MAX,
            required=False,
            multiline=True,
        )
        raw_weight = row.get("weight")
        weight = _weight(raw_weight)
        if raw_weight is None or raw_weight == "":
            errors.add(f"{key}.weight", "Enter the weight of the criterion, from 1 to 100")
        elif weight is None or not 1 <= weight <= 100:
            errors.add(f"{key}.weight", "The weight must be a whole number from 1 to 100")
        if name and name.casefold() in seen:
            errors.add(f"{key}.name", f"Criterion {seen[name.casefold()] + 1} has the same name")
        elif name:
            seen[name.casefold()] = len(found)
        found.append(CriterionRow(index, name, description, weight or 0))
    if not found:
        errors.add("criteria", "Add at least 1 evaluation criterion")
    elif len(found) > MAX_CRITERIA:
        errors.add("criteria", f"Add no more than {MAX_CRITERIA} evaluation criteria")
    elif not any(k.startswith("criteria.") for k in errors.errors):
        total = sum(row.weight for row in found)
        if total != 100:
            errors.add("criteria", f"The weights add up to {total}. They must add up to 100")
    return found


def _knockout(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False}.get(clean_text(value).lower())


def _questions(errors: Errors, rows: object) -> list[QuestionRow]:
    """Validate eligibility questions; ``None`` entries are blank page rows and are skipped."""
    if rows is None:
        return []
    if not isinstance(rows, Sequence) or isinstance(rows, str):
        errors.add("eligibility", "Eligibility questions must be a list")
        return []
    found: list[QuestionRow] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if row is None:
            continue
        key = f"eligibility.{index}"
        if not isinstance(row, Mapping):
            errors.add(key, "Enter the question and the answer that rules a proposal out")
            continue
        question = text_field(
            errors,
            {f"{key}.question": row.get("question")},
            f"{key}.question",
            "the question",
            max_length=QUESTION_MAX,
        )
        knockout = _knockout(row.get("knockout_answer"))
        if knockout is None:
            errors.add(f"{key}.knockout_answer", "Select the answer that rules a proposal out")
        if question and question.casefold() in seen:
            errors.add(f"{key}.question", "You have already asked this question")
        seen.add(question.casefold())
        found.append(QuestionRow(index, question, bool(knockout)))
    if len(found) > MAX_QUESTIONS:
        errors.add("eligibility", f"Ask no more than {MAX_QUESTIONS} eligibility questions")
    return found


@dataclass
class CleanChallenge:
    values: dict[str, Any]
    criteria: list[CriterionRow]
    questions: list[QuestionRow]


def validate(
    data: Mapping[str, Any],
    *,
    errors: Errors | None = None,
    now: datetime,
    stored: Challenge | None = None,
) -> CleanChallenge:
    """Check every field of a challenge; raise ValidationFailed naming each bad one.

    ``errors`` may already hold problems the caller found while parsing (a page's
    date that is not a real date); they win over anything found here. Keys name
    the field, with rows as ``criteria.2.weight``.
    """
    errors = errors or Errors()
    values: dict[str, Any] = {
        "title": text_field(errors, data, "title", "a title", max_length=TITLE_MAX),
        "summary": text_field(errors, data, "summary", "a summary", max_length=SUMMARY_MAX),
        "problem": text_field(
            errors,
            data,
            "problem",
            "the problem you want solved",
            max_length=PROBLEM_MAX,
            multiline=True,
        ),
        "outcomes": text_field(
            errors,
            data,
            "outcomes",
            "the outcomes you want",
            max_length=OUTCOMES_MAX,
            multiline=True,
        ),
        "location": text_field(
            errors, data, "location", "where the challenge is", max_length=LOCATION_MAX
        ),
    }
    area = clean_text(data.get("service_area"))
    if area not in {a.value for a in ServiceArea}:
        errors.add("service_area", "Select a service area")
    else:
        values["service_area"] = ServiceArea(area)
    budget = whole_pounds_field(errors, data, "budget_gbp", "the budget")
    if budget is not None and budget < 1:
        errors.add("budget_gbp", "The budget must be at least £1")
    values["budget_gbp"] = budget
    opens = _datetime_field(errors, data, "opens_at", "opening date")
    closes = _datetime_field(errors, data, "closes_at", "closing date")
    if opens is not None and closes is not None and "opens_at" not in errors:
        if closes <= opens:
            errors.add("closes_at", "The closing date must be after the opening date")
        elif closes - opens < MIN_OPEN_PERIOD:
            errors.add(
                "closes_at", "The closing date must be at least 1 day after the opening date"
            )
    closing_changed = stored is None or closes != stored.closes_at
    if closes is not None and closing_changed and closes <= now and "closes_at" not in errors:
        errors.add("closes_at", "The closing date must be in the future")
    values["opens_at"] = opens
    values["closes_at"] = closes
    criteria = _criteria(errors, data.get("criteria"))
    questions = _questions(errors, data.get("eligibility"))
    errors.raise_if_any()
    return CleanChallenge(values, criteria, questions)


AWAITING_VERIFICATION = (
    "Your organisation is waiting to be verified by the UrbanChallenge service team. You can "
    "keep preparing this challenge, and publish it once your organisation is verified"
)


def publish_problems(
    challenge: Challenge,
    criteria: Sequence[Criterion],
    now: datetime,
    *,
    awaiting_verification: bool = False,
) -> dict[str, str]:
    """What stops a draft being published now, by field (empty when it is ready); a body
    that registered itself and is ``awaiting_verification`` may not publish yet."""
    problems: dict[str, str] = {}
    if awaiting_verification:
        problems["organisation"] = AWAITING_VERIFICATION
    if not criteria:
        problems["criteria"] = "Add at least 1 evaluation criterion"
    elif sum(c.weight for c in criteria) != 100:
        total = sum(c.weight for c in criteria)
        problems["criteria"] = f"The weights add up to {total}. They must add up to 100"
    if challenge.closes_at - now < MIN_OPEN_PERIOD:
        problems["closes_at"] = (
            "The closing date must be at least 1 day from now, so start-ups have time to answer"
        )
    return problems


# ---------------------------------------------------------------- changes


async def _audit_and_request(
    action: str,
    user: User,
    challenge: Challenge,
    *,
    refit_all: bool,
    details: dict[str, Any] | None = None,
) -> None:
    await record(
        action,
        actor=user,
        subject_type="challenge",
        subject_id=challenge.id,
        challenge_id=challenge.id,
        details=details,
    )
    await jobs.request_challenge_rescore(challenge.id)
    if refit_all:
        await jobs.request_all_startups_refit()


async def _write_rows(
    challenge: Challenge, criteria: Sequence[CriterionRow], questions: Sequence[QuestionRow]
) -> None:
    await Criterion.filter(challenge_id=challenge.id).delete()
    await EligibilityQuestion.filter(challenge_id=challenge.id).delete()
    for position, row in enumerate(criteria):
        await Criterion.create(
            challenge=challenge,
            name=row.name,
            description=row.description,
            weight=row.weight,
            position=position,
        )
    for position, q in enumerate(questions):
        await EligibilityQuestion.create(
            challenge=challenge,
            question=q.question,
            knockout_answer=q.knockout_answer,
            position=position,
        )


def _duplicate_title() -> ValidationFailed:
    return ValidationFailed(
        {"title": "Your organisation already has a challenge with this title. Use a different one"}
    )


def _require_officer(user: User) -> int:
    if user.role is not Role.COUNCIL_OFFICER or user.organisation_id is None:
        raise NotFound("Challenge not found")
    return user.organisation_id


async def create_draft(
    user: User,
    data: Mapping[str, Any],
    *,
    errors: Errors | None = None,
    now: datetime | None = None,
) -> Challenge:
    """Save a new draft for the user's public body, or raise ValidationFailed."""
    moment = now or now_utc()
    organisation_id = _require_officer(user)
    organisation = await Organisation.get(id=organisation_id)
    if organisation.kind is not OrganisationKind.PUBLIC_BODY:
        raise NotFound("Challenge not found")
    clean = validate(data, errors=errors, now=moment)
    if await Challenge.exists(organisation_id=organisation_id, title=clean.values["title"]):
        raise _duplicate_title()
    try:
        async with in_transaction():
            challenge = await Challenge.create(
                organisation_id=organisation_id, created_by=user, **clean.values
            )
            await _write_rows(challenge, clean.criteria, clean.questions)
            await _audit_and_request("challenge.created", user, challenge, refit_all=False)
    except IntegrityError as exc:
        raise _duplicate_title() from exc
    return challenge


def _not_editable(status: Status) -> Conflict:
    if status is Status.OPEN:
        return Conflict(
            "This challenge is open, so it can no longer be edited. "
            "Add a clarification to tell start-ups about a change"
        )
    return Conflict(f"This challenge is {status.value}, so it can no longer be edited")


def check_editable(challenge: Challenge, now: datetime) -> None:
    status = lifecycle.status_of(challenge, now)
    if status is not Status.DRAFT:
        raise _not_editable(status)


def check_clarifiable(challenge: Challenge, now: datetime) -> Status:
    status = lifecycle.status_of(challenge, now)
    if status is Status.DRAFT:
        raise Conflict("This challenge is a draft: edit it instead of adding a clarification")
    if status not in CLARIFIABLE:
        raise Conflict(f"This challenge is {status.value}: it can no longer be clarified")
    return status


async def current_values(challenge: Challenge) -> dict[str, Any]:
    """A draft's stored fields, in the shape ``validate`` takes."""
    criteria = await Criterion.filter(challenge_id=challenge.id).order_by("position", "id")
    questions = await EligibilityQuestion.filter(challenge_id=challenge.id).order_by(
        "position", "id"
    )
    return {
        "title": challenge.title,
        "summary": challenge.summary,
        "problem": challenge.problem,
        "outcomes": challenge.outcomes,
        "service_area": challenge.service_area.value,
        "location": challenge.location,
        "budget_gbp": challenge.budget_gbp,
        "opens_at": challenge.opens_at,
        "closes_at": challenge.closes_at,
        "criteria": [
            {"name": c.name, "description": c.description, "weight": c.weight} for c in criteria
        ],
        "eligibility": [
            {"question": q.question, "knockout_answer": q.knockout_answer} for q in questions
        ],
    }


async def update_draft(
    user: User,
    challenge_id: int,
    data: Mapping[str, Any],
    *,
    partial: bool = False,
    errors: Errors | None = None,
    now: datetime | None = None,
) -> Challenge:
    """Change a draft. With ``partial`` only the fields in ``data`` change (the API's PATCH).

    Criteria and eligibility questions, when given, replace the old ones. Once a
    challenge has opened this raises Conflict: only clarifications are possible.
    """
    moment = now or now_utc()
    challenge = await get_owned(user, challenge_id)
    check_editable(challenge, moment)
    merged = await current_values(challenge) if partial else {}
    merged.update({k: v for k, v in data.items() if k in EDITABLE})
    clean = validate(merged, errors=errors, now=moment, stored=challenge)
    title = clean.values["title"]
    if (
        await Challenge.filter(organisation_id=challenge.organisation_id, title=title)
        .exclude(id=challenge.id)
        .exists()
    ):
        raise _duplicate_title()
    try:
        async with in_transaction():
            locked = await get_owned(user, challenge_id, for_update=True)
            check_editable(locked, moment)
            changed = [k for k, v in clean.values.items() if getattr(locked, k) != v]
            for name, value in clean.values.items():
                setattr(locked, name, value)
            await locked.save(update_fields=[*clean.values, "updated_at"])
            await _write_rows(locked, clean.criteria, clean.questions)
            await _audit_and_request(
                "challenge.updated",
                user,
                locked,
                refit_all=False,
                details={"fields": changed},
            )
    except IntegrityError as exc:
        raise _duplicate_title() from exc
    return locked


async def move(
    user: User,
    challenge_id: int,
    to: Status,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> Challenge:
    """Move one of the user's body's challenges to ``to`` (open, closed, shortlisting or
    withdrawn), or raise Conflict saying why not.

    Publishing first checks the draft is ready (:func:`publish_problems`). Withdrawing
    records ``reason`` in the audit log.
    """
    if to not in OFFICER_MOVES:
        raise Conflict("Deciding a challenge is done from its panel's results")
    async with in_transaction():
        challenge = await get_owned(user, challenge_id, for_update=True)
        # The clock is read once the row is locked: a request that waited behind another
        # change (two officers closing at once) judges the challenge as that change left it.
        moment = now or now_utc()
        before = lifecycle.check(challenge, to, moment)
        details: dict[str, Any] = {"from": before.value, "to": to.value}
        if to is Status.OPEN:
            criteria = await Criterion.filter(challenge_id=challenge.id)
            awaiting = await Organisation.exists(
                id=challenge.organisation_id, awaiting_verification=True
            )
            problems = publish_problems(challenge, criteria, moment, awaiting_verification=awaiting)
            if problems:
                raise Conflict(
                    "This challenge cannot be published yet. " + ". ".join(problems.values())
                )
        changed = lifecycle.transition(challenge, to, now=moment)
        if to is Status.OPEN and challenge.opens_at < moment:
            # It opens now, whatever the draft planned: record when it really opened.
            challenge.opens_at = moment
            changed.append("opens_at")
        if to is Status.WITHDRAWN:
            details["reason"] = clean_text(reason, multiline=True)[:REASON_MAX]
        await challenge.save(update_fields=sorted({*changed, "updated_at"}))
        action = {
            Status.OPEN: "challenge.opened",
            Status.CLOSED: "challenge.closed",
            Status.SHORTLISTING: "challenge.shortlisting_started",
            Status.WITHDRAWN: "challenge.withdrawn",
        }[to]
        # The set of open challenges changes when one opens or stops being open.
        refit = Status.OPEN in (before, to)
        await _audit_and_request(action, user, challenge, refit_all=refit, details=details)
    return challenge


async def publish(user: User, challenge_id: int, now: datetime | None = None) -> Challenge:
    return await move(user, challenge_id, Status.OPEN, now=now)


async def close_early(user: User, challenge_id: int, now: datetime | None = None) -> Challenge:
    return await move(user, challenge_id, Status.CLOSED, now=now)


async def start_shortlisting(
    user: User, challenge_id: int, now: datetime | None = None
) -> Challenge:
    return await move(user, challenge_id, Status.SHORTLISTING, now=now)


async def withdraw(
    user: User, challenge_id: int, reason: str, now: datetime | None = None
) -> Challenge:
    return await move(user, challenge_id, Status.WITHDRAWN, reason=reason, now=now)


async def add_clarification(
    user: User, challenge_id: int, text: object, now: datetime | None = None
) -> Clarification:
    """Add a public, dated clarification to an open, closed or shortlisting challenge."""
    moment = now or now_utc()
    errors = Errors()
    clean = text_field(
        errors,
        {"text": text},
        "text",
        "the clarification",
        max_length=CLARIFICATION_MAX,
        multiline=True,
    )
    check_clarifiable(await get_owned(user, challenge_id), moment)
    errors.raise_if_any()
    async with in_transaction():
        challenge = await get_owned(user, challenge_id, for_update=True)
        status = check_clarifiable(challenge, moment)
        clarification = await Clarification.create(
            challenge=challenge, text=clean, author=user, created_at=moment
        )
        await _audit_and_request(
            "challenge.clarified",
            user,
            challenge,
            refit_all=status is Status.OPEN,
            details={"clarification_id": clarification.id},
        )
    return clarification
