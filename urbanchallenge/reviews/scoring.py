"""A panel member's reviews: declaring interests, reading and scoring shortlisted proposals.

Members see the shortlisted proposals of challenges they are on while the challenge
is shortlisting; anything else is NotFound, and a proposal they declared a conflict
with is PermissionDenied (see ``services`` for the locking every write uses).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from urbanchallenge.accounts.models import Organisation, Role, User
from urbanchallenge.audit.services import record
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import Challenge, Criterion
from urbanchallenge.domain import Conflict, NotFound, PermissionDenied
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.reviews import results
from urbanchallenge.reviews.blind import redact
from urbanchallenge.reviews.models import (
    ConflictDeclaration,
    PanelMember,
    Score,
    ShortlistEntry,
)
from urbanchallenge.reviews.services import (
    PANEL_STATUSES,
    criteria_of,
    int_column,
    locked_challenge,
    now,
    quoted,
    shared_locked_challenge,
    shortlisted_ids,
)
from urbanchallenge.validation import Errors, ValidationFailed, clean_text, whole_number

CONFLICT_REASON_MAX = 2000
COMMENT_MAX = 3000


class ReviewStatus(StrEnum):
    NOT_DECLARED = "conflict_not_declared"
    NO_CONFLICT = "no_conflict"
    CONFLICTED = "conflicted"
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return {
            ReviewStatus.NOT_DECLARED: "Declare interests",
            ReviewStatus.NO_CONFLICT: "Not started",
            ReviewStatus.CONFLICTED: "Conflict declared",
            ReviewStatus.DRAFT: "In progress",
            ReviewStatus.SUBMITTED: "Submitted",
        }[self]

    @property
    def can_read(self) -> bool:
        return self in {ReviewStatus.NO_CONFLICT, ReviewStatus.DRAFT, ReviewStatus.SUBMITTED}


@dataclass(frozen=True)
class MemberProposal:
    """A proposal as one panel member may see it.

    Before declaring interests: the title and summary. With no conflict: everything.
    With a conflict: the title only. On a blind panel the organisation is None and
    its name is taken out of the text.
    """

    id: int
    title: str
    organisation: str | None
    website: str | None
    summary: str | None
    approach: str | None
    impact: str | None
    team: str | None
    cost_gbp: int | None
    timeline: str | None


def _member_view(
    proposal: Proposal, organisation: Organisation, *, blind: bool, status: ReviewStatus
) -> MemberProposal:
    def shown(text: str) -> str:
        return redact(text, organisation.name, organisation.website) if blind else text

    full = status.can_read
    summary = status is not ReviewStatus.CONFLICTED
    return MemberProposal(
        id=proposal.id,
        title=shown(proposal.title),
        organisation=None if blind else organisation.name,
        website=None if blind else (organisation.website or None),
        summary=shown(proposal.summary) if summary else None,
        approach=shown(proposal.approach) if full else None,
        impact=shown(proposal.impact) if full else None,
        team=shown(proposal.team) if full else None,
        cost_gbp=proposal.cost_gbp if full else None,
        timeline=shown(proposal.timeline) if full else None,
    )


@dataclass
class Assignment:
    challenge: Challenge
    body: Organisation
    proposal: MemberProposal
    status: ReviewStatus
    declaration: ConflictDeclaration | None
    criteria: list[Criterion]
    scores: dict[int, Score] = field(default_factory=dict)  # criterion id -> score

    @property
    def conflict(self) -> bool | None:
        return None if self.declaration is None else self.declaration.has_conflict

    @property
    def submitted_at(self) -> datetime | None:
        if self.status is not ReviewStatus.SUBMITTED:
            return None
        return max(s.submitted_at for s in self.scores.values() if s.submitted_at)

    @property
    def complete(self) -> bool:
        """Every criterion has a score and a comment."""
        return all(c.id in self.scores and self.scores[c.id].comment.strip() for c in self.criteria)

    @property
    def total(self) -> float | None:
        if not all(c.id in self.scores for c in self.criteria):
            return None
        return results.weighted_total(
            {c.id: self.scores[c.id].score for c in self.criteria},
            {c.id: c.weight for c in self.criteria},
        )


def _status(declaration: ConflictDeclaration | None, scores: Sequence[Score]) -> ReviewStatus:
    if declaration is None:
        return ReviewStatus.NOT_DECLARED
    if declaration.has_conflict:
        return ReviewStatus.CONFLICTED
    if scores and all(s.submitted_at is not None for s in scores):
        return ReviewStatus.SUBMITTED
    return ReviewStatus.DRAFT if scores else ReviewStatus.NO_CONFLICT


async def _assignments_in(
    member: User, challenges: Sequence[Challenge], *, only: int | None = None
) -> list[Assignment]:
    """The member's assignments in ``challenges``; with ``only``, just that shortlisted
    proposal's (the caller has checked it is on the shortlist)."""
    found: list[Assignment] = []
    for challenge in challenges:
        ids = [only] if only is not None else await shortlisted_ids(challenge.id)
        if not ids:
            continue
        proposals = {
            p.id: p for p in await Proposal.filter(id__in=ids).select_related("organisation")
        }
        declarations = {
            d.proposal_id: d
            for d in await ConflictDeclaration.filter(member_id=member.id, proposal_id__in=ids)
        }
        scores: dict[int, list[Score]] = defaultdict(list)
        for score in await Score.filter(member_id=member.id, proposal_id__in=ids):
            scores[score.proposal_id].append(score)
        criteria = await criteria_of(challenge.id)
        body = await Organisation.get(id=challenge.organisation_id)
        for pid in ids:
            proposal = proposals[pid]
            declaration = declarations.get(pid)
            status = _status(declaration, scores[pid])
            own = (
                {}
                if status is ReviewStatus.CONFLICTED
                else {s.criterion_id: s for s in scores[pid]}
            )
            found.append(
                Assignment(
                    challenge=challenge,
                    body=body,
                    proposal=_member_view(
                        proposal, proposal.organisation, blind=challenge.blind_panel, status=status
                    ),
                    status=status,
                    declaration=declaration,
                    criteria=criteria,
                    scores=own,
                )
            )
    return found


@dataclass
class MemberPanels:
    reviewing: list[Assignment]
    waiting: list[Challenge]  # on the panel; shortlisting has not started (or no shortlist yet)
    finished: list[Challenge]  # decided or withdrawn


async def my_reviews(member: User) -> MemberPanels:
    """Every shortlisted proposal the member reviews now, and their other panels."""
    challenge_ids = await int_column(
        PanelMember.filter(user_id=member.id).values_list("challenge_id", flat=True)
    )
    challenges = list(
        await Challenge.filter(id__in=list(challenge_ids)).order_by("closes_at", "id")
    )
    active = [c for c in challenges if lifecycle.status_of(c) is Status.SHORTLISTING]
    reviewing = await _assignments_in(member, active)
    with_work = {a.challenge.id for a in reviewing}
    waiting = [
        c for c in challenges if lifecycle.status_of(c) in PANEL_STATUSES and c.id not in with_work
    ]
    finished = [c for c in challenges if lifecycle.status_of(c) not in PANEL_STATUSES]
    return MemberPanels(reviewing=reviewing, waiting=waiting, finished=finished)


async def assignment(member: User, proposal_id: int) -> Assignment:
    """One shortlisted proposal the member reviews; NotFound unless it is on their panel
    and the challenge is shortlisting."""
    entry = await ShortlistEntry.get_or_none(proposal_id=proposal_id)
    if entry is None or member.role is not Role.REVIEWER:
        raise NotFound("Proposal not found")
    challenge = await Challenge.get(id=entry.challenge_id)
    if lifecycle.status_of(challenge) is not Status.SHORTLISTING or not await PanelMember.exists(
        challenge_id=challenge.id, user_id=member.id
    ):
        raise NotFound("Proposal not found")
    return (await _assignments_in(member, [challenge], only=proposal_id))[0]


async def readable_assignment(member: User, proposal_id: int) -> Assignment:
    """As :func:`assignment`, but PermissionDenied if the member declared a conflict."""
    return readable(await assignment(member, proposal_id))


def readable(found: Assignment) -> Assignment:
    """``found``, or PermissionDenied if the member declared a conflict with it."""
    if found.status is ReviewStatus.CONFLICTED:
        raise PermissionDenied(
            "You declared a conflict of interest with this proposal, so you cannot see or score it"
        )
    return found


async def declare(
    member: User, proposal_id: int, has_conflict: bool, reason: object = ""
) -> Assignment:
    """Declare no conflict, or a conflict with a reason, on one shortlisted proposal.

    A declared conflict is final (ask the challenge owner if it was a mistake). No
    conflict can become a conflict until scores are submitted; the drafts go.
    """
    found = await assignment(member, proposal_id)
    why = clean_text(reason, multiline=True) if has_conflict else ""
    if has_conflict and not why:
        raise ValidationFailed(
            {
                "conflict_reason": "Explain your conflict of interest, for example a job, shares "
                "or a close relationship"
            }
        )
    if len(why) > CONFLICT_REASON_MAX:
        raise ValidationFailed(
            {"conflict_reason": f"Reason must be {CONFLICT_REASON_MAX} characters or fewer"}
        )
    async with in_transaction():
        await locked_challenge(found.challenge.id)
        declaration = await ConflictDeclaration.select_for_update().get_or_none(
            proposal_id=proposal_id, member_id=member.id
        )
        if declaration is not None and declaration.has_conflict:
            if has_conflict:
                return await assignment(member, proposal_id)
            raise PermissionDenied(
                "You declared a conflict of interest with this proposal. Ask the challenge "
                "owner if that was a mistake"
            )
        if declaration is not None and not has_conflict:
            return await assignment(member, proposal_id)
        if declaration is not None:
            if await Score.exists(
                proposal_id=proposal_id, member_id=member.id, submitted_at__isnull=False
            ):
                raise Conflict(
                    "Your scores for this proposal are submitted. Tell the challenge owner "
                    "about the conflict"
                )
            await Score.filter(proposal_id=proposal_id, member_id=member.id).delete()
            declaration.has_conflict = True
            declaration.reason = why
            declaration.declared_at = now()
            await declaration.save()
        else:
            declaration = await ConflictDeclaration.create(
                proposal_id=proposal_id,
                member_id=member.id,
                has_conflict=has_conflict,
                reason=why,
                declared_at=now(),
            )
        await record(
            "conflict.declared",
            actor=member,
            subject_type="proposal",
            subject_id=proposal_id,
            challenge_id=found.challenge.id,
            details={"proposal_id": proposal_id, "has_conflict": has_conflict},
        )
    return await assignment(member, proposal_id)


@dataclass(frozen=True)
class ScoreInput:
    """One criterion's score as sent. ``key`` prefixes error fields: ``{key}.score``."""

    criterion: str | int
    score: object  # an int (API), text (form) or None/"" when left blank
    comment: object
    key: str


@dataclass(frozen=True)
class _Clean:
    criterion: Criterion
    score: int | None
    comment: str
    key: str


def _parse_score(raw: object) -> int | str | None:
    """The score, None when blank, or a message when it is not a whole number 0-10."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return "must be a whole number from 0 to 10"
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        digits = whole_number(text.removeprefix("-"), 3)
        if digits is None:
            return "must be a whole number from 0 to 10"
        value = -digits if text.startswith("-") else digits
    if not 0 <= value <= 10:
        return "must be from 0 to 10"
    return value


def _find_criterion(criteria: Sequence[Criterion], ref: str | int) -> Criterion | None:
    if isinstance(ref, int) and not isinstance(ref, bool):
        return next((c for c in criteria if c.id == ref), None)
    name = clean_text(ref).casefold()
    by_name = next((c for c in criteria if c.name.casefold() == name), None)
    number = whole_number(name)
    if by_name is not None or number is None:
        return by_name
    return next((c for c in criteria if c.id == number), None)


def _clean_scores(
    criteria: Sequence[Criterion], entries: Sequence[ScoreInput], errors: Errors
) -> tuple[list[_Clean], set[int]]:
    """The valid entries, and the ids of criteria whose entry has an error."""
    cleaned: list[_Clean] = []
    failed: set[int] = set()
    seen: set[int] = set()
    for entry in entries:
        criterion = _find_criterion(criteria, entry.criterion)
        if criterion is None:
            names = ", ".join(quoted(c.name) for c in criteria)
            errors.add(
                f"{entry.key}.criterion",
                f"There is no criterion {quoted(str(entry.criterion))} in this challenge. "
                f"Its criteria are {names}",
            )
            continue
        if criterion.id in seen:
            errors.add(
                f"{entry.key}.criterion", f"{quoted(criterion.name)} is scored twice: send it once"
            )
            continue
        seen.add(criterion.id)
        failed.add(criterion.id)
        score = _parse_score(entry.score)
        comment = clean_text(entry.comment, multiline=True)
        if isinstance(score, str):
            errors.add(f"{entry.key}.score", f"The score for {criterion.name} {score}")
            continue
        if len(comment) > COMMENT_MAX:
            errors.add(
                f"{entry.key}.comment",
                f"The comment on {criterion.name} must be {COMMENT_MAX} characters or fewer",
            )
            continue
        if score is None and comment:
            errors.add(
                f"{entry.key}.score", f"Enter a score for {criterion.name} to keep your comment"
            )
            continue
        failed.discard(criterion.id)
        cleaned.append(_Clean(criterion=criterion, score=score, comment=comment, key=entry.key))
    return cleaned, failed


def _check_complete(
    criteria: Sequence[Criterion],
    stored: dict[int, Score],
    cleaned: Sequence[_Clean],
    failed: set[int],
    errors: Errors,
) -> None:
    """Every criterion needs a score and a comment before the scores are submitted."""
    sent = {c.criterion.id: c for c in cleaned}
    missing: list[str] = []
    for criterion in criteria:
        if criterion.id in failed:  # its own error says what is wrong
            continue
        entry = sent.get(criterion.id)
        score = (
            entry.score
            if entry is not None
            else (stored[criterion.id].score if criterion.id in stored else None)
        )
        comment = (
            entry.comment
            if entry is not None
            else (stored[criterion.id].comment if criterion.id in stored else "")
        )
        if entry is not None and score is None:
            errors.add(f"{entry.key}.score", f"Enter a score for {criterion.name}, from 0 to 10")
        elif entry is not None and not comment.strip():
            errors.add(
                f"{entry.key}.comment",
                f"Enter a comment explaining your score for {criterion.name}",
            )
        elif score is None or not comment.strip():
            missing.append(criterion.name)
    if missing:
        errors.add(
            "scores",
            "Score and comment on every criterion before you submit. Still to do: "
            + ", ".join(missing),
        )


def _validated(found: Assignment, entries: Sequence[ScoreInput], *, complete: bool) -> list[_Clean]:
    if found.status is ReviewStatus.SUBMITTED:
        raise Conflict("You have already submitted your scores for this proposal: they are final")
    errors = Errors()
    cleaned, failed = _clean_scores(found.criteria, entries, errors)
    if complete:
        _check_complete(found.criteria, found.scores, cleaned, failed, errors)
    errors.raise_if_any()
    return cleaned


def check_scores(found: Assignment, entries: Sequence[ScoreInput], *, submit: bool = False) -> None:
    """Refuse, as :func:`save_scores` would, scores that are not valid for the assignment
    ``found``; save nothing.

    Lets a request that declares no conflict and scores in one go fail as a whole.
    """
    _validated(readable(found), entries, complete=submit)


async def save_scores(
    member: User,
    proposal_id: int,
    entries: Sequence[ScoreInput],
    *,
    submit: bool = False,
    require_complete: bool = False,
    loaded: Assignment | None = None,
) -> Assignment:
    """Save the member's scores as a draft and, with ``submit``, submit all of them.

    Scores are 0-10 with a comment; a draft may be partial, a submission needs every
    criterion scored and commented (``require_complete`` checks that without
    submitting). On any error nothing is saved. Submitted scores are final: a
    second submission, even a concurrent one, is refused and counts nothing twice.
    """
    # ``loaded``: the assignment as the caller just read it (what is checked again under
    # the locks below is read afresh).
    found = (
        readable(loaded) if loaded is not None else await readable_assignment(member, proposal_id)
    )
    if found.status is ReviewStatus.NOT_DECLARED:
        raise Conflict("Declare whether you have a conflict of interest before you score")
    cleaned = _validated(found, entries, complete=submit or require_complete)

    moment = now()
    async with in_transaction() as conn:
        # Other members' scores may go in alongside (a shared lock on the challenge); this
        # member's own declaration row is locked, so their second submission waits for the
        # first and then finds it final.
        challenge = await shared_locked_challenge(conn, found.challenge.id)
        if lifecycle.status_of(
            challenge
        ) is not Status.SHORTLISTING or not await ShortlistEntry.exists(
            challenge_id=challenge.id, proposal_id=proposal_id
        ):
            raise NotFound("Proposal not found")
        declaration = await ConflictDeclaration.select_for_update().get_or_none(
            proposal_id=proposal_id, member_id=member.id
        )
        if declaration is None or declaration.has_conflict:
            raise PermissionDenied("You cannot score a proposal you have a conflict with")
        # This member's scores on this proposal, as they stand: nothing else changes them
        # until commit (every writer of them holds the challenge or this declaration locked),
        # so what is written below is kept up to date here; only new rows are read back, for
        # the ids their one INSERT does not return.
        current = {
            s.criterion_id: s
            for s in await Score.filter(proposal_id=proposal_id, member_id=member.id)
        }
        if any(s.submitted_at is not None for s in current.values()):
            raise Conflict(
                "You have already submitted your scores for this proposal: they are final"
            )
        scored = [entry for entry in cleaned if entry.score is not None]
        if submit:
            # Checked before the transaction; checked again now the row is locked.
            comments = {cid: score.comment for cid, score in current.items()}
            comments.update((entry.criterion.id, entry.comment) for entry in scored)
            if any(not comments.get(c.id, "").strip() for c in found.criteria):
                raise Conflict("Score and comment on every criterion before you submit")
        fresh = [e for e in scored if e.criterion.id not in current]
        updated = [e for e in scored if e.criterion.id in current]
        # A submission's new scores go in submitted; earlier drafts are marked below.
        stamp = moment if submit else None
        for added in await _add_scores(member, proposal_id, fresh, moment, stamp):
            current[added.criterion_id] = added
        for entry in updated:
            existing = current[entry.criterion.id]
            current[entry.criterion.id] = await _put_score(
                member, proposal_id, entry, existing, moment
            )
        if submit:
            if any(score.submitted_at is None for score in current.values()):
                await Score.filter(
                    proposal_id=proposal_id, member_id=member.id, submitted_at__isnull=True
                ).update(submitted_at=moment)
                for score in current.values():
                    score.submitted_at = moment
            await record(
                "score.submitted",
                actor=member,
                subject_type="proposal",
                subject_id=proposal_id,
                challenge_id=challenge.id,
                details={"proposal_id": proposal_id, "criteria": len(found.criteria)},
            )
        if fresh:
            current = {
                s.criterion_id: s
                for s in await Score.filter(proposal_id=proposal_id, member_id=member.id)
            }
    # What this transaction saved, as the member now sees it: the proposal's view is the
    # same for every status a member who may score can have.
    status = _status(declaration, list(current.values()))
    return replace(
        found,
        challenge=challenge,
        status=status,
        declaration=declaration,
        scores=current,
    )


async def _add_scores(
    member: User,
    proposal_id: int,
    entries: Sequence[_Clean],
    moment: datetime,
    submitted_at: datetime | None = None,
) -> list[Score]:
    """Insert the member's first scores on these criteria in one statement; if one of them
    went in meanwhile, each is saved on its own instead. Returns the scores as saved (those
    inserted together without their ids)."""
    if not entries:
        return []
    try:
        async with in_transaction():  # a savepoint: a lost race must not end the outer one
            created = [
                Score(**_new_score(member, proposal_id, entry, moment), submitted_at=submitted_at)
                for entry in entries
            ]
            await Score.bulk_create(created)
            return created
    except IntegrityError:
        return [await _put_score(member, proposal_id, entry, None, moment) for entry in entries]


def _new_score(member: User, proposal_id: int, entry: _Clean, moment: datetime) -> dict[str, Any]:
    return {
        "proposal_id": proposal_id,
        "member_id": member.id,
        "criterion_id": entry.criterion.id,
        "score": entry.score,
        "comment": entry.comment,
        "updated_at": moment,
    }


async def _put_score(
    member: User, proposal_id: int, entry: _Clean, existing: Score | None, moment: datetime
) -> Score:
    """Save one score, over ``existing`` if given; returns it as saved."""
    assert entry.score is not None
    if existing is None:
        try:
            async with in_transaction():  # a savepoint: a lost race must not end the outer one
                return await Score.create(**_new_score(member, proposal_id, entry, moment))
        except IntegrityError:
            existing = await Score.get(
                proposal_id=proposal_id, member_id=member.id, criterion_id=entry.criterion.id
            )
    if existing.submitted_at is not None:
        raise Conflict("You have already submitted your scores for this proposal: they are final")
    await Score.filter(id=existing.id, submitted_at__isnull=True).update(
        score=entry.score, comment=entry.comment, updated_at=moment
    )
    existing.score, existing.comment, existing.updated_at = entry.score, entry.comment, moment
    return existing
