"""The owning body's results, decision and audit log, and each start-up's outcome."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from urbanchallenge.accounts.models import Organisation, Role, User
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.audit.services import record
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import Challenge, Criterion, Outcome
from urbanchallenge.domain import NotFound
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.reviews import feedback, results
from urbanchallenge.reviews.models import (
    PanelMember,
    Score,
    ShortlistEntry,
)
from urbanchallenge.reviews.services import (
    conflicted_pairs,
    criteria_of,
    int_column,
    locked_challenge,
    now,
    owned_challenge,
    quoted,
    shortlist,
    shortlisted_ids,
)
from urbanchallenge.templating import london_date
from urbanchallenge.validation import Errors, clean_text

DECISION_REASON_MAX = 5000

# ------------------------------------------------------------------ results


@dataclass
class ResultRow:
    proposal: Proposal
    organisation: Organisation
    result: results.ProposalResult
    awarded: bool


@dataclass
class MemberProgress:
    user: User
    reviews_submitted: int
    calibrated: bool


@dataclass
class PanelResults:
    challenge: Challenge
    status: Status
    rows: list[ResultRow]
    members: list[MemberProgress]
    criteria: list[Criterion]

    @property
    def reviews(self) -> int:
        return sum(r.result.reviews for r in self.rows)


async def submitted_reviews(challenge_id: int, proposal_ids: Sequence[int]) -> list[results.Review]:
    """Every complete, submitted set of scores on these proposals, as weighted totals.

    Scores from a member who declared a conflict with the proposal never count.
    """
    criteria = await criteria_of(challenge_id)
    weights = {c.id: c.weight for c in criteria}
    conflicted = await conflicted_pairs(proposal_ids)
    sets: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for score in await Score.filter(proposal_id__in=list(proposal_ids), submitted_at__isnull=False):
        if (score.member_id, score.proposal_id) not in conflicted:
            sets[(score.member_id, score.proposal_id)][score.criterion_id] = score.score
    return [
        results.Review(member=m, proposal=p, total=results.weighted_total(scores, weights))
        for (m, p), scores in sorted(sets.items())
        if set(scores) >= set(weights)
    ]


async def panel_results(officer: User, challenge_id: int) -> PanelResults:
    challenge = await owned_challenge(officer, challenge_id)
    ids = await shortlisted_ids(challenge_id)
    proposals = {
        p.id: p for p in await Proposal.filter(id__in=ids).prefetch_related("organisation")
    }
    reviews = await submitted_reviews(challenge_id, ids)
    computed = {r.proposal: r for r in results.compute(reviews, ids)}
    rows = [
        ResultRow(
            proposal=proposals[pid],
            organisation=proposals[pid].organisation,
            result=computed[pid],
            awarded=proposals[pid].awarded_at is not None,
        )
        for pid in ids
    ]
    calibrated = results.calibrated_members(reviews)
    counts: dict[int, int] = defaultdict(int)
    for review in reviews:
        counts[review.member] += 1
    members = await PanelMember.filter(challenge_id=challenge_id).prefetch_related("user")
    return PanelResults(
        challenge=challenge,
        status=lifecycle.status_of(challenge),
        rows=rows,
        members=[
            MemberProgress(
                user=m.user, reviews_submitted=counts[m.user_id], calibrated=m.user_id in calibrated
            )
            for m in sorted(members, key=lambda m: (m.user.name.lower(), m.id))
        ],
        criteria=await criteria_of(challenge_id),
    )


# ------------------------------------------------------------------ the decision


def _check_decision(challenge: Challenge) -> None:
    lifecycle.check(challenge, Status.DECIDED)


async def decision_choices(officer: User, challenge_id: int) -> tuple[Challenge, list[Proposal]]:
    challenge = await owned_challenge(officer, challenge_id)
    return challenge, await shortlist(officer, challenge_id)


async def validate_decision(
    officer: User, challenge_id: int, awarded: Iterable[int], reason: object
) -> tuple[Challenge, list[Proposal], str]:
    """Check a decision without making it: the awarded proposals and the cleaned reason."""
    challenge = await owned_challenge(officer, challenge_id)
    _check_decision(challenge)
    wanted = list(dict.fromkeys(int(i) for i in awarded))
    errors = Errors()
    shortlisted = {p.id: p for p in await shortlist(officer, challenge_id)}
    strangers = [i for i in wanted if i not in shortlisted]
    if strangers:
        others = {
            p.id: p for p in await Proposal.filter(id__in=strangers, challenge_id=challenge_id)
        }
        names = [quoted(others[i].title) if i in others else f"proposal {i}" for i in strangers]
        errors.add(
            "awarded",
            f"You can only award shortlisted proposals: {', '.join(names)} "
            f"{'is' if len(names) == 1 else 'are'} not on the shortlist",
        )
    text = clean_text(reason, multiline=True)
    if not text:
        errors.add("reason", "Enter the reason for your decision. Every start-up will read it")
    elif len(text) > DECISION_REASON_MAX:
        errors.add("reason", f"Reason must be {DECISION_REASON_MAX} characters or fewer")
    errors.raise_if_any()
    return challenge, [shortlisted[i] for i in wanted], text


async def decide(
    officer: User, challenge_id: int, awarded: Iterable[int], reason: object
) -> Challenge:
    """Award some shortlisted proposals (or none) and move the challenge to decided."""
    _, chosen, text = await validate_decision(officer, challenge_id, awarded, reason)
    ids = [p.id for p in chosen]
    moment = now()
    async with in_transaction():
        challenge = await locked_challenge(challenge_id)
        outcome = Outcome.AWARDED if ids else Outcome.NOT_AWARDED
        changed = lifecycle.transition(challenge, Status.DECIDED, now=moment, outcome=outcome)
        challenge.decision_reason = text
        await challenge.save(update_fields=[*changed, "decision_reason"])
        if ids:
            await Proposal.filter(id__in=ids).update(awarded_at=moment)
        await record(
            "challenge.decided",
            actor=officer,
            subject_type="challenge",
            subject_id=challenge_id,
            challenge_id=challenge_id,
            details={"outcome": outcome.value, "awarded": ids},
        )
    return challenge


async def awarded(challenge_id: int) -> list[Proposal]:
    return list(
        await Proposal.filter(challenge_id=challenge_id, awarded_at__isnull=False).order_by("id")
    )


# ------------------------------------------------------------------ outcomes


@dataclass
class ProposalOutcome:
    proposal: Proposal
    challenge: Challenge
    body: Organisation
    kind: feedback.Kind
    shortlisted: bool
    criteria: list[feedback.CriterionFeedback]
    reviews: int
    letter: str | None

    @property
    def outcome(self) -> str:
        return self.kind.outcome

    @property
    def overall(self) -> float | None:
        return feedback.overall(self.criteria) if self.reviews else None


async def proposal_outcome(startup_user: User, proposal_id: int) -> ProposalOutcome:
    """The outcome of the start-up's own proposal, and its feedback letter once decided."""
    proposal = await Proposal.get_or_none(id=proposal_id)
    if (
        proposal is None
        or startup_user.role is not Role.STARTUP_MEMBER
        or startup_user.organisation_id is None
        or proposal.organisation_id != startup_user.organisation_id
    ):
        raise NotFound("Proposal not found")
    challenge = await Challenge.get(id=proposal.challenge_id)
    body = await Organisation.get(id=challenge.organisation_id)
    startup = await Organisation.get(id=proposal.organisation_id)
    status = lifecycle.status_of(challenge)
    shortlisted = await ShortlistEntry.exists(challenge_id=challenge.id, proposal_id=proposal.id)
    if proposal.withdrawn_at is not None:
        kind = feedback.Kind.WITHDRAWN
    elif status is Status.WITHDRAWN:
        kind = feedback.Kind.CHALLENGE_WITHDRAWN
    elif status is not Status.DECIDED:
        kind = (
            feedback.Kind.NOT_SUBMITTED
            if proposal.submitted_at is None and status in {Status.CLOSED, Status.SHORTLISTING}
            else feedback.Kind.PENDING
        )
    elif proposal.submitted_at is None:
        kind = feedback.Kind.NOT_SUBMITTED
    elif proposal.awarded_at is not None:
        kind = feedback.Kind.AWARDED
    elif shortlisted:
        kind = feedback.Kind.NOT_AWARDED
    else:
        kind = feedback.Kind.NOT_SHORTLISTED

    criteria: list[feedback.CriterionFeedback] = []
    reviews = 0
    if kind in {feedback.Kind.AWARDED, feedback.Kind.NOT_AWARDED}:
        criteria, reviews = await _panel_feedback(challenge.id, proposal.id)
    withdrawn_at = proposal.withdrawn_at or challenge.withdrawn_at
    facts = feedback.LetterFacts(
        kind=kind,
        startup=startup.name,
        body=body.name,
        challenge_title=challenge.title,
        proposal_title=proposal.title,
        decision_reason=challenge.decision_reason,
        decided_on=london_date(challenge.decided_at),
        withdrawn_on=london_date(withdrawn_at),
        shortlist_size=await ShortlistEntry.filter(challenge_id=challenge.id).count(),
        reviews=reviews,
    )
    return ProposalOutcome(
        proposal=proposal,
        challenge=challenge,
        body=body,
        kind=kind,
        shortlisted=shortlisted,
        criteria=criteria,
        reviews=reviews,
        letter=feedback.letter(facts, criteria),
    )


async def _panel_feedback(
    challenge_id: int, proposal_id: int
) -> tuple[list[feedback.CriterionFeedback], int]:
    """Per criterion, the submitted scores and comments of members with no conflict."""
    conflicted = await conflicted_pairs([proposal_id])
    members = set(
        await int_column(
            PanelMember.filter(challenge_id=challenge_id).values_list("user_id", flat=True)
        )
    )
    by_criterion: dict[int, list[tuple[int, str]]] = defaultdict(list)
    reviewers: set[int] = set()
    for score in await Score.filter(proposal_id=proposal_id, submitted_at__isnull=False):
        if (score.member_id, proposal_id) in conflicted or score.member_id not in members:
            continue
        by_criterion[score.criterion_id].append((score.score, score.comment))
        reviewers.add(score.member_id)
    criteria = [
        feedback.criterion_feedback(c.name, c.weight, by_criterion.get(c.id, []))
        for c in await criteria_of(challenge_id)
    ]
    return criteria, len(reviewers)


# ------------------------------------------------------------------ the audit log

ACTION_LABELS = {
    "panel.member_added": "Panel member added",
    "panel.member_removed": "Panel member removed",
    "panel.invitation_created": "Panel invitation created",
    "panel.invitation_accepted": "Panel invitation accepted",
    "panel.invitation_cancelled": "Panel invitation cancelled",
    "panel.blind_changed": "Blind panel setting changed",
    "shortlist.updated": "Shortlist updated",
    "conflict.declared": "Conflict of interest declared",
    "score.submitted": "Scores submitted",
    "challenge.decided": "Decision made",
}


@dataclass
class AuditRow:
    event: AuditEvent
    actor_name: str | None
    who: str
    what: str
    detail: str


def _describe(event: AuditEvent, titles: dict[int, str]) -> tuple[str, str]:
    details: dict[str, Any] = event.details or {}
    label = ACTION_LABELS.get(event.action) or event.action.replace(".", ": ").replace("_", " ")
    label = label[:1].upper() + label[1:]
    action = event.action

    def title(pid: object) -> str:
        return quoted(titles[pid]) if isinstance(pid, int) and pid in titles else f"proposal {pid}"

    if action == "conflict.declared":
        label = (
            "Conflict of interest declared"
            if details.get("has_conflict")
            else "No conflict of interest declared"
        )
        return label, title(details.get("proposal_id"))
    if action == "score.submitted":
        return label, title(details.get("proposal_id"))
    if action == "shortlist.updated":
        added = [title(p) for p in details.get("added", [])]
        removed = [title(p) for p in details.get("removed", [])]
        parts = []
        if added:
            parts.append("Added " + ", ".join(added))
        if removed:
            parts.append("Removed " + ", ".join(removed))
        parts.append(f"{len(details.get('proposal_ids', []))} on the shortlist")
        return label, ". ".join(parts)
    if action == "challenge.decided":
        chosen = [title(p) for p in details.get("awarded", [])]
        return label, ("Awarded " + ", ".join(chosen)) if chosen else "No award made"
    if action == "panel.blind_changed":
        return label, "Blind panel" if details.get("blind_panel") else "Not a blind panel"
    if action == "panel.invitation_created" and details.get("renewed"):
        return "Panel invitation renewed", str(details.get("email", ""))
    if "email" in details:
        return label, str(details["email"])
    return label, ""


def _audit_proposal_ids(events: Iterable[AuditEvent]) -> set[int]:
    ids: set[int] = set()
    for event in events:
        details = event.details or {}
        for key in ("proposal_id",):
            if isinstance(details.get(key), int):
                ids.add(details[key])
        for key in ("added", "removed", "awarded"):
            ids.update(i for i in details.get(key, []) if isinstance(i, int))
    return ids


async def audit_log(officer: User, challenge_id: int) -> tuple[Challenge, list[AuditRow]]:
    """Every event of the challenge, newest first, with who did it."""
    challenge = await owned_challenge(officer, challenge_id)
    events = list(await AuditEvent.filter(challenge_id=challenge_id).order_by("-created_at", "-id"))
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    names = {u.id: u.name for u in await User.filter(id__in=list(actor_ids))}
    titles = {
        p.id: p.title for p in await Proposal.filter(id__in=list(_audit_proposal_ids(events)))
    }
    rows = []
    for event in events:
        name = names.get(event.actor_id) if event.actor_id is not None else None
        if name is not None:
            who = f"{name} ({event.actor_email})" if event.actor_email else name
        else:
            who = event.actor_email or "The service"
        what, detail = _describe(event, titles)
        rows.append(AuditRow(event=event, actor_name=name, who=who, what=what, detail=detail))
    return challenge, rows


# ------------------------------------------------------------------ officer overview


@dataclass
class ChallengeSummary:
    challenge: Challenge
    status: Status
    members: int
    shortlisted: int


async def body_challenges(officer: User) -> list[ChallengeSummary]:
    """Every challenge of the officer's body, for the list of review panels."""
    if officer.role is not Role.COUNCIL_OFFICER or officer.organisation_id is None:
        return []
    challenges = await Challenge.filter(organisation_id=officer.organisation_id).order_by(
        "-closes_at", "id"
    )
    ids = [c.id for c in challenges]
    members: dict[int, int] = defaultdict(int)
    for cid in await int_column(
        PanelMember.filter(challenge_id__in=ids).values_list("challenge_id", flat=True)
    ):
        members[cid] += 1
    entries: dict[int, int] = defaultdict(int)
    for cid in await int_column(
        ShortlistEntry.filter(challenge_id__in=ids).values_list("challenge_id", flat=True)
    ):
        entries[cid] += 1
    return [
        ChallengeSummary(
            challenge=c,
            status=lifecycle.status_of(c),
            members=members[c.id],
            shortlisted=entries[c.id],
        )
        for c in challenges
    ]
