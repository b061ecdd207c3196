"""Proposals: a start-up drafts, edits, submits, withdraws and reopens its answer to a challenge.

No function here sees a Request. The rules decided here:

- A draft may be partial (only its title is needed); submitting needs every field
  and an answer to every eligibility question.
- Until the challenge closes, a start-up may change a submitted proposal: it stays
  submitted, so every change must keep it complete. After closing nothing changes.
- Withdrawing (a draft or a submitted proposal) before closing takes it out of
  consideration; because a start-up has one proposal per challenge, a withdrawn
  one can be reopened as a draft before closing.
- An answer equal to a question's knock-out answer makes the proposal "not
  eligible". The start-up is told before it submits and may still submit; the
  owning body sees the flag.
- A start-up sees only its own proposals. The owning body's officers see those
  that were submitted (including ones withdrawn after submitting), never drafts.
  Everyone else gets NotFound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from urbanchallenge.accounts.models import Organisation, Role, User
from urbanchallenge.audit.services import record
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges import services as challenges
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import Challenge, EligibilityQuestion
from urbanchallenge.domain import Conflict, NotFound, PermissionDenied
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking import jobs
from urbanchallenge.templating import london
from urbanchallenge.validation import Errors, ValidationFailed, clean_text, whole_pounds_field

TITLE_MAX = 120
SUMMARY_MAX = 600
APPROACH_MAX = 6_000
IMPACT_MAX = 4_000
TEAM_MAX = 3_000
TIMELINE_MAX = 3_000

# Field, what to ask for when it is missing, its limit, and whether it has several lines.
TEXT_FIELDS: tuple[tuple[str, str, int, bool], ...] = (
    ("title", "a title for your proposal", TITLE_MAX, False),
    ("summary", "a summary of your proposal", SUMMARY_MAX, True),
    ("approach", "how you will solve the problem", APPROACH_MAX, True),
    ("impact", "evidence of your impact", IMPACT_MAX, True),
    ("team", "who is in your team", TEAM_MAX, True),
    ("timeline", "your timeline", TIMELINE_MAX, True),
)
EDITABLE = (*(f for f, *_ in TEXT_FIELDS), "cost_gbp", "eligibility_answers")


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "submitted": "Submitted", "withdrawn": "Withdrawn"}[self.value]


def status_of(proposal: Proposal) -> ProposalStatus:
    if proposal.withdrawn_at is not None:
        return ProposalStatus.WITHDRAWN
    if proposal.submitted_at is not None:
        return ProposalStatus.SUBMITTED
    return ProposalStatus.DRAFT


def now_utc() -> datetime:
    return datetime.now(UTC)


class AlreadyProposed(Conflict):
    """The start-up already has a proposal for this challenge; ``proposal_id`` is it."""

    def __init__(self, proposal_id: int) -> None:
        super().__init__(
            "Your start-up already has a proposal for this challenge "
            f"(proposal {proposal_id}). Change that one instead: "
            f"/proposals/{proposal_id}"
        )
        self.proposal_id = proposal_id


# ---------------------------------------------------------------- eligibility


def knocked_out(
    questions: Sequence[EligibilityQuestion], answers: Mapping[int, bool]
) -> list[EligibilityQuestion]:
    """The questions answered with the answer that rules a proposal out."""
    return [q for q in questions if q.id in answers and answers[q.id] == q.knockout_answer]


def _answer(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False}.get(clean_text(value).lower())


def read_answers(
    errors: Errors, raw: object, questions: Sequence[EligibilityQuestion]
) -> dict[int, bool | None]:
    """Answers by question id; None removes an answer.

    Accepts a list of booleans, one per question in the challenge's order (the API);
    a list of ``{"question_id", "answer"}`` objects (the API); or a mapping from a
    question's position to "yes", "no" or "" (the page's radios).
    """
    found: dict[int, bool | None] = {}
    if raw is None:
        return found
    if isinstance(raw, Mapping):
        for position, question in enumerate(questions):
            value = raw.get(position)
            found[question.id] = _answer(value) if value not in (None, "") else None
        return found
    if not isinstance(raw, list):
        errors.add("eligibility_answers", "Give the eligibility answers as a list")
        return found
    if all(isinstance(v, bool) for v in raw):
        if len(raw) != len(questions):
            errors.add(
                "eligibility_answers",
                f"Give one answer for each of the challenge's {len(questions)} eligibility "
                "questions, in order",
            )
            return found
        return {q.id: bool(v) for q, v in zip(questions, raw, strict=True)}
    by_id = {q.id: q for q in questions}
    for index, item in enumerate(raw):
        key = f"eligibility_answers.{index}"
        if not isinstance(item, Mapping):
            errors.add(key, "Use either true/false answers or question_id and answer objects")
            continue
        question_id = item.get("question_id")
        answer = item.get("answer")
        if not isinstance(question_id, int) or question_id not in by_id:
            errors.add(f"{key}.question_id", "This is not one of the challenge's questions")
        elif question_id in found:
            errors.add(f"{key}.question_id", "This question is answered twice")
        elif not isinstance(answer, bool):
            errors.add(f"{key}.answer", "Answer true (yes) or false (no)")
        else:
            found[question_id] = answer
    return found


# ---------------------------------------------------------------- reading


@dataclass
class ProposalDetail:
    proposal: Proposal
    status: ProposalStatus
    challenge: Challenge
    challenge_status: Status
    organisation: Organisation
    questions: list[EligibilityQuestion]
    answers: dict[int, bool]
    knocked_out: list[EligibilityQuestion]
    viewer_is_owner: bool
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return not self.knocked_out

    @property
    def changeable(self) -> bool:
        """The start-up may still change, submit, withdraw or reopen it."""
        return self.viewer_is_owner and self.challenge_status is Status.OPEN


async def _answers(proposal_ids: Sequence[int]) -> dict[int, dict[int, bool]]:
    found: dict[int, dict[int, bool]] = {pid: {} for pid in proposal_ids}
    if proposal_ids:
        for a in await EligibilityAnswer.filter(proposal_id__in=list(proposal_ids)):
            found[a.proposal_id][a.question_id] = a.answer
    return found


async def _questions(challenge_id: int) -> list[EligibilityQuestion]:
    return await EligibilityQuestion.filter(challenge_id=challenge_id).order_by("position", "id")


def _is_member(user: User | None, organisation_id: int) -> bool:
    return (
        user is not None
        and user.role is Role.STARTUP_MEMBER
        and user.organisation_id is not None
        and user.organisation_id == organisation_id
    )


async def detail(
    proposal: Proposal, viewer: User | None, now: datetime | None = None
) -> ProposalDetail:
    moment = now or now_utc()
    challenge = await Challenge.get(id=proposal.challenge_id)
    questions = await _questions(challenge.id)
    answers = (await _answers([proposal.id]))[proposal.id]
    found = ProposalDetail(
        proposal=proposal,
        status=status_of(proposal),
        challenge=challenge,
        challenge_status=lifecycle.status_of(challenge, moment),
        organisation=await Organisation.get(id=proposal.organisation_id),
        questions=questions,
        answers=answers,
        knocked_out=knocked_out(questions, answers),
        viewer_is_owner=_is_member(viewer, proposal.organisation_id),
    )
    found.problems = missing(_values_of(proposal), questions, answers)
    return found


async def get_visible(viewer: User, proposal_id: int) -> Proposal:
    """A proposal ``viewer`` may see: their start-up's own, or one submitted to their body."""
    proposal = await Proposal.get_or_none(id=proposal_id)
    if proposal is None:
        raise NotFound("Proposal not found")
    if _is_member(viewer, proposal.organisation_id):
        return proposal
    if (
        viewer.role is Role.COUNCIL_OFFICER
        and viewer.organisation_id is not None
        and proposal.submitted_at is not None
        and await Challenge.exists(id=proposal.challenge_id, organisation_id=viewer.organisation_id)
    ):
        return proposal
    raise NotFound("Proposal not found")


async def view(viewer: User, proposal_id: int, now: datetime | None = None) -> ProposalDetail:
    return await detail(await get_visible(viewer, proposal_id), viewer, now)


async def _get_own(user: User, proposal_id: int, *, for_update: bool = False) -> Proposal:
    query = Proposal.filter(id=proposal_id)
    if for_update:
        query = query.select_for_update()
    proposal = await query.first()
    if proposal is None or not _is_member(user, proposal.organisation_id):
        raise NotFound("Proposal not found")
    return proposal


async def own_for_challenge(user: User, challenge_id: int) -> Proposal | None:
    if user.role is not Role.STARTUP_MEMBER or user.organisation_id is None:
        return None
    return await Proposal.get_or_none(
        challenge_id=challenge_id, organisation_id=user.organisation_id
    )


@dataclass
class Listed:
    """A proposal in a list, with what the list shows about it."""

    proposal: Proposal
    status: ProposalStatus
    organisation: Organisation
    challenge: Challenge
    challenge_status: Status
    eligible: bool
    complete: bool


async def _listed(proposals: Sequence[Proposal], now: datetime) -> list[Listed]:
    if not proposals:
        return []
    challenge_ids = {p.challenge_id for p in proposals}
    challenge_by_id = {c.id: c for c in await Challenge.filter(id__in=challenge_ids)}
    org_by_id = {
        o.id: o for o in await Organisation.filter(id__in={p.organisation_id for p in proposals})
    }
    questions: dict[int, list[EligibilityQuestion]] = {cid: [] for cid in challenge_ids}
    for q in await EligibilityQuestion.filter(challenge_id__in=challenge_ids).order_by(
        "position", "id"
    ):
        questions[q.challenge_id].append(q)
    answers = await _answers([p.id for p in proposals])
    return [
        Listed(
            proposal=p,
            status=status_of(p),
            organisation=org_by_id[p.organisation_id],
            challenge=challenge_by_id[p.challenge_id],
            challenge_status=lifecycle.status_of(challenge_by_id[p.challenge_id], now),
            eligible=not knocked_out(questions[p.challenge_id], answers[p.id]),
            complete=not missing(_values_of(p), questions[p.challenge_id], answers[p.id]),
        )
        for p in proposals
    ]


async def for_startup(user: User, now: datetime | None = None) -> list[Listed]:
    """The user's start-up's proposals, most recently changed first."""
    if user.role is not Role.STARTUP_MEMBER or user.organisation_id is None:
        return []
    proposals = await Proposal.filter(organisation_id=user.organisation_id).order_by(
        "-updated_at", "-id"
    )
    return await _listed(proposals, now or now_utc())


async def visible_to_body(
    user: User, challenge_id: int, now: datetime | None = None
) -> list[Listed]:
    """The proposals submitted to one of the user's body's challenges, oldest first.

    Withdrawn ones are included (as withdrawn) if they had been submitted; drafts never.
    """
    await challenges.get_owned(user, challenge_id)
    proposals = await Proposal.filter(
        challenge_id=challenge_id, submitted_at__isnull=False
    ).order_by("submitted_at", "id")
    return await _listed(proposals, now or now_utc())


# ---------------------------------------------------------------- validation


def _values_of(proposal: Proposal) -> dict[str, Any]:
    values: dict[str, Any] = {f: getattr(proposal, f) for f, *_ in TEXT_FIELDS}
    values["cost_gbp"] = proposal.cost_gbp or None
    return values


def missing(
    values: Mapping[str, Any],
    questions: Sequence[EligibilityQuestion],
    answers: Mapping[int, bool | None],
) -> dict[str, str]:
    """What a proposal still needs before it can be submitted, by field."""
    problems: dict[str, str] = {}
    for name, ask, _limit, _multiline in TEXT_FIELDS:
        if not clean_text(values.get(name), multiline=True):
            problems[name] = f"Enter {ask}"
    if not values.get("cost_gbp"):
        problems["cost_gbp"] = "Enter the cost of your proposal"
    for position, question in enumerate(questions):
        if answers.get(question.id) is None:
            problems[f"eligibility_answers.{position}"] = (
                f"Answer eligibility question {position + 1}: {question.question}"
            )
    return problems


@dataclass
class CleanProposal:
    values: dict[str, Any]
    answers: dict[int, bool | None]


def validate(
    data: Mapping[str, Any],
    questions: Sequence[EligibilityQuestion],
    *,
    complete: bool,
    stored_answers: Mapping[int, bool] | None = None,
) -> CleanProposal:
    """Check a proposal's fields; with ``complete`` also that nothing is missing.

    ``data`` holds only the fields being set; ``stored_answers`` are merged under
    the new answers when checking completeness.
    """
    errors = Errors()
    values: dict[str, Any] = {}
    for name, ask, limit, multiline in TEXT_FIELDS:
        if name not in data:
            continue
        value = clean_text(data.get(name), multiline=multiline)
        if name == "title" and not value:
            errors.add(name, f"Enter {ask}")
        elif len(value) > limit:
            label = name.replace("_", " ").capitalize()
            errors.add(name, f"{label} must be {limit:,} characters or fewer")
        values[name] = value
    if "cost_gbp" in data:
        raw = data.get("cost_gbp")
        if raw is None or raw == "":
            values["cost_gbp"] = None
        else:
            cost = whole_pounds_field(errors, data, "cost_gbp", "the cost")
            if cost is not None and cost < 1:
                errors.add("cost_gbp", "The cost must be at least £1")
            values["cost_gbp"] = cost
    answers = read_answers(errors, data.get("eligibility_answers"), questions)
    errors.raise_if_any()
    if complete:
        merged = {**(stored_answers or {}), **answers}
        problems = missing(values, questions, merged)
        if problems:
            raise ValidationFailed(problems)
    return CleanProposal(values, answers)


def _closed(challenge: Challenge, status: Status, action: str) -> Conflict:
    if status is Status.WITHDRAWN:
        return Conflict(f"This challenge has been withdrawn: proposals can no longer be {action}")
    when = london(min(challenge.closes_at, now_utc()))
    return Conflict(f"This challenge closed on {when}: proposals can no longer be {action}")


def require_open(challenge: Challenge, now: datetime, action: str) -> None:
    status = lifecycle.status_of(challenge, now)
    if status is not Status.OPEN:
        raise _closed(challenge, status, action)


# ---------------------------------------------------------------- changes


async def _save_answers(proposal: Proposal, answers: Mapping[int, bool | None]) -> None:
    for question_id, answer in answers.items():
        await EligibilityAnswer.filter(proposal_id=proposal.id, question_id=question_id).delete()
        if answer is not None:
            await EligibilityAnswer.create(
                proposal_id=proposal.id, question_id=question_id, answer=answer
            )


async def _request_matching(proposal: Proposal) -> None:
    await jobs.request_challenge_rescore(proposal.challenge_id)
    await jobs.request_startup_refit(proposal.organisation_id)


async def start(
    user: User,
    challenge_id: int,
    data: Mapping[str, Any],
    *,
    complete: bool = False,
    now: datetime | None = None,
) -> Proposal:
    """Start the user's start-up's draft proposal to an open challenge.

    Raises AlreadyProposed (a Conflict) if the start-up has one for it already,
    even when two requests race.
    """
    moment = now or now_utc()
    if user.role is not Role.STARTUP_MEMBER or user.organisation_id is None:
        raise PermissionDenied("Only start-up members can write proposals")
    challenge = await challenges.get_visible(user, challenge_id)
    existing = await own_for_challenge(user, challenge_id)
    if existing is not None:
        raise AlreadyProposed(existing.id)
    require_open(challenge, moment, "started")
    questions = await _questions(challenge_id)
    clean = validate(
        {"title": "", **data, "cost_gbp": data.get("cost_gbp")},
        questions,
        complete=complete,
    )
    values = {f: clean.values.get(f, "") for f, *_ in TEXT_FIELDS}
    try:
        async with in_transaction():
            proposal = await Proposal.create(
                challenge_id=challenge_id,
                organisation_id=user.organisation_id,
                created_by=user,
                cost_gbp=clean.values.get("cost_gbp"),
                **values,
            )
            await _save_answers(proposal, clean.answers)
            await record(
                "proposal.created",
                actor=user,
                subject_type="proposal",
                subject_id=proposal.id,
                challenge_id=challenge_id,
            )
    except IntegrityError as exc:
        # Another request from the same start-up won the race: point to its proposal.
        winner = await own_for_challenge(user, challenge_id)
        if winner is None:  # pragma: no cover - the constraint that fired says it exists
            raise
        raise AlreadyProposed(winner.id) from exc
    return proposal


async def update(
    user: User,
    proposal_id: int,
    data: Mapping[str, Any],
    *,
    complete: bool = False,
    now: datetime | None = None,
) -> Proposal:
    """Change the fields in ``data`` of a draft or submitted proposal, before closing.

    A submitted proposal must stay complete, so it is always checked as ``complete``.
    """
    moment = now or now_utc()
    proposal = await _get_own(user, proposal_id)
    challenge = await Challenge.get(id=proposal.challenge_id)
    status = status_of(proposal)
    require_open(challenge, moment, "changed")
    if status is ProposalStatus.WITHDRAWN:
        raise Conflict("This proposal has been withdrawn. Reopen it as a draft to change it")
    questions = await _questions(challenge.id)
    stored_answers = (await _answers([proposal.id]))[proposal.id]
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    merged_values = {**_values_of(proposal), **fields}
    clean = validate(
        merged_values,
        questions,
        complete=complete or status is ProposalStatus.SUBMITTED,
        stored_answers=stored_answers,
    )
    async with in_transaction():
        locked = await _get_own(user, proposal_id, for_update=True)
        if status_of(locked) is not status:
            raise Conflict("This proposal changed while you were editing it. Try again")
        changed = [f for f in fields if f != "eligibility_answers"]
        for name in changed:
            value = clean.values[name]
            if name == "cost_gbp":
                value = value or 0  # 0 is stored for "not entered yet"
            setattr(locked, name, value)
        await locked.save(update_fields=[*changed, "updated_at"])
        await _save_answers(locked, clean.answers)
        if status is ProposalStatus.SUBMITTED:
            await record(
                "proposal.updated",
                actor=user,
                subject_type="proposal",
                subject_id=locked.id,
                challenge_id=locked.challenge_id,
                details={"fields": sorted(fields)},
            )
            await _request_matching(locked)
    return locked


async def submit(user: User, proposal_id: int, now: datetime | None = None) -> Proposal:
    """Submit a complete draft before the challenge closes."""
    moment = now or now_utc()
    async with in_transaction():
        proposal = await _get_own(user, proposal_id, for_update=True)
        challenge = await Challenge.get(id=proposal.challenge_id)
        status = status_of(proposal)
        if status is ProposalStatus.SUBMITTED:
            raise Conflict("This proposal has already been submitted")
        require_open(challenge, moment, "submitted")
        if status is ProposalStatus.WITHDRAWN:
            raise Conflict("This proposal has been withdrawn. Reopen it as a draft to submit it")
        questions = await _questions(challenge.id)
        answers = (await _answers([proposal.id]))[proposal.id]
        problems = missing(_values_of(proposal), questions, answers)
        if problems:
            raise ValidationFailed(problems)
        out = knocked_out(questions, answers)
        proposal.submitted_at = moment
        await proposal.save(update_fields=["submitted_at", "updated_at"])
        await record(
            "proposal.submitted",
            actor=user,
            subject_type="proposal",
            subject_id=proposal.id,
            challenge_id=challenge.id,
            details={"eligible": not out, "knocked_out": [q.id for q in out]},
        )
        await _request_matching(proposal)
    return proposal


async def withdraw(user: User, proposal_id: int, now: datetime | None = None) -> Proposal:
    """Withdraw a draft or submitted proposal before the challenge closes."""
    moment = now or now_utc()
    async with in_transaction():
        proposal = await _get_own(user, proposal_id, for_update=True)
        challenge = await Challenge.get(id=proposal.challenge_id)
        status = status_of(proposal)
        if status is ProposalStatus.WITHDRAWN:
            raise Conflict("This proposal has already been withdrawn")
        require_open(challenge, moment, "withdrawn")
        proposal.withdrawn_at = moment
        await proposal.save(update_fields=["withdrawn_at", "updated_at"])
        await record(
            "proposal.withdrawn",
            actor=user,
            subject_type="proposal",
            subject_id=proposal.id,
            challenge_id=challenge.id,
            details={"was": status.value},
        )
        await _request_matching(proposal)
    return proposal


async def reopen(user: User, proposal_id: int, now: datetime | None = None) -> Proposal:
    """Turn a withdrawn proposal back into a draft, before the challenge closes."""
    moment = now or now_utc()
    async with in_transaction():
        proposal = await _get_own(user, proposal_id, for_update=True)
        challenge = await Challenge.get(id=proposal.challenge_id)
        if status_of(proposal) is not ProposalStatus.WITHDRAWN:
            raise Conflict("Only a withdrawn proposal can be reopened")
        require_open(challenge, moment, "reopened")
        proposal.withdrawn_at = None
        proposal.submitted_at = None
        await proposal.save(update_fields=["withdrawn_at", "submitted_at", "updated_at"])
        await record(
            "proposal.reopened",
            actor=user,
            subject_type="proposal",
            subject_id=proposal.id,
            challenge_id=challenge.id,
        )
    return proposal
