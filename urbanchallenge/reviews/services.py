"""Panels, invitations, the shortlist, conflicts, scores, results, decisions and outcomes.

No function here sees a Request. Who may do what:

- The owning public body's officers run the panel, the shortlist, the results and
  the decision; anyone else gets NotFound (we never confirm a challenge's panel exists).
- Panel members see and score the shortlisted proposals of the challenges they are on
  while the challenge is shortlisting; other proposals are NotFound. A member who
  declared a conflict of interest with a proposal gets PermissionDenied for it.
- A start-up sees the outcome of its own proposals only.

Every write locks the challenge's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
runs one transaction at a time), so a shortlist change, a score submission and the
decision never interleave, and records its audit event in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import DoesNotExist, IntegrityError
from tortoise.transactions import in_transaction

from urbanchallenge.accounts.models import Organisation, Role, User
from urbanchallenge.accounts.services import create_user
from urbanchallenge.audit.services import record
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import Challenge, Criterion, EligibilityQuestion
from urbanchallenge.domain import Conflict, NotFound, PermissionDenied
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking.models import MatchScore
from urbanchallenge.reviews.models import (
    ConflictDeclaration,
    PanelInvitation,
    PanelMember,
    Score,
    ShortlistEntry,
)
from urbanchallenge.validation import EMAIL_RE, ValidationFailed, clean_text

INVITATION_LIFETIME = timedelta(days=14)
INVITATION_PATH = "/invitations/"
# Panels can change while proposals come in and while shortlisting; not once it is over.
PANEL_STATUSES = frozenset({Status.OPEN, Status.CLOSED, Status.SHORTLISTING})


def now() -> datetime:
    return datetime.now(UTC)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _role_phrase(role: Role) -> str:
    return {
        Role.COUNCIL_OFFICER: "a public body officer's account",
        Role.STARTUP_MEMBER: "a start-up member's account",
        Role.ADMIN: "an administrator's account",
        Role.REVIEWER: "a panel member's account",
    }[role]


def quoted(text: str) -> str:
    """Text in the single curly quotes the GOV.UK style guide uses for titles."""
    return f"\u2018{text}\u2019"


# ------------------------------------------------------------------ access


async def owned_challenge(officer: User, challenge_id: int) -> Challenge:
    """The challenge, if ``officer`` is an officer of the body that owns it; else NotFound."""
    challenge = await Challenge.get_or_none(id=challenge_id)
    if (
        challenge is None
        or officer.role is not Role.COUNCIL_OFFICER
        or officer.organisation_id is None
        or challenge.organisation_id != officer.organisation_id
    ):
        raise NotFound("Challenge not found")
    return challenge


async def locked_challenge(challenge_id: int) -> Challenge:
    """Re-read the challenge inside a transaction, holding its row until commit."""
    return await Challenge.select_for_update().get(id=challenge_id)


async def shared_locked_challenge(conn: BaseDBAsyncClient, challenge_id: int) -> Challenge:
    """Re-read the challenge inside the transaction ``conn``, keeping it from changing
    until commit while letting others that only read it do the same.

    On PostgreSQL a ``FOR SHARE`` lock: many members' scores go in at once, while a
    transition or a decision (which take the row ``FOR UPDATE``) waits for them, and they
    for it. SQLite runs one writing transaction at a time, so there is nothing to add.
    """
    if conn.capabilities.dialect == "postgres":
        # The lock and the read in one round trip (the ORM has no FOR SHARE).
        rows = await conn.execute_query_dict(
            'SELECT * FROM "challenge" WHERE "id" = $1 FOR SHARE', [challenge_id]
        )
        if not rows:
            raise DoesNotExist(Challenge)
        return Challenge._init_from_db(**rows[0])
    return await Challenge.get(id=challenge_id, using_db=conn)


async def criteria_of(challenge_id: int) -> list[Criterion]:
    return list(await Criterion.filter(challenge_id=challenge_id).order_by("position", "id"))


async def int_column(query: Awaitable[Any]) -> list[int]:
    """A flat ``values_list`` query's values as ints (Tortoise types them as tuples)."""
    return [int(value) for value in await query]


async def shortlisted_ids(challenge_id: int) -> list[int]:
    return await int_column(
        ShortlistEntry.filter(challenge_id=challenge_id)
        .order_by("id")
        .values_list("proposal_id", flat=True)
    )


async def conflicted_pairs(proposal_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(member user id, proposal id) for every declared conflict on these proposals."""
    rows = await ConflictDeclaration.filter(
        proposal_id__in=list(proposal_ids), has_conflict=True
    ).values_list("member_id", "proposal_id")
    return {(int(m), int(p)) for m, p in rows}


# ------------------------------------------------------------------ the panel


@dataclass
class MemberRow:
    member: PanelMember
    user: User
    reviews_submitted: int
    removable: bool


@dataclass
class InvitationRow:
    invitation: PanelInvitation

    @property
    def expired(self) -> bool:
        return self.invitation.expires_at <= now()


@dataclass
class Panel:
    challenge: Challenge
    status: Status
    members: list[MemberRow]
    invitations: list[InvitationRow]
    can_change: bool
    blind_fixed: bool
    shortlist_size: int


async def review_started(challenge_id: int) -> bool:
    """Has any member declared an interest or scored a proposal of this challenge?"""
    return await ConflictDeclaration.exists(
        proposal__challenge_id=challenge_id
    ) or await Score.exists(proposal__challenge_id=challenge_id)


async def _submitted_counts(challenge_id: int) -> dict[int, int]:
    """Member user id -> how many proposals they submitted scores for."""
    rows = (
        await Score.filter(proposal__challenge_id=challenge_id, submitted_at__isnull=False)
        .distinct()
        .values_list("member_id", "proposal_id")
    )
    counts: dict[int, int] = defaultdict(int)
    for member_id, _ in set(rows):
        counts[int(member_id)] += 1
    return counts


async def panel(officer: User, challenge_id: int) -> Panel:
    challenge = await owned_challenge(officer, challenge_id)
    status = lifecycle.status_of(challenge)
    members = await PanelMember.filter(challenge_id=challenge_id).prefetch_related("user")
    counts = await _submitted_counts(challenge_id)
    can_change = status in PANEL_STATUSES
    rows = [
        MemberRow(
            member=m,
            user=m.user,
            reviews_submitted=counts.get(m.user_id, 0),
            removable=can_change and counts.get(m.user_id, 0) == 0,
        )
        for m in sorted(members, key=lambda m: (m.user.name.lower(), m.id))
    ]
    invitations = await PanelInvitation.filter(
        challenge_id=challenge_id, accepted_at__isnull=True
    ).order_by("email")
    return Panel(
        challenge=challenge,
        status=status,
        members=rows,
        invitations=[InvitationRow(i) for i in invitations],
        can_change=can_change,
        blind_fixed=(not can_change and status is not Status.DRAFT)
        or await review_started(challenge_id),
        shortlist_size=await ShortlistEntry.filter(challenge_id=challenge_id).count(),
    )


def _require_panel_can_change(challenge: Challenge) -> None:
    status = lifecycle.status_of(challenge)
    if status is Status.DRAFT:
        raise Conflict("Publish the challenge before you build its review panel")
    if status not in PANEL_STATUSES:
        raise Conflict(f"This challenge is {status.value}: its panel can no longer change")


def _clean_email(raw: object) -> str:
    email = clean_text(raw).lower()
    if not email:
        raise ValidationFailed({"email": "Enter the email address of the person to add"})
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValidationFailed(
            {"email": "Enter an email address in the correct format, like name@example.org"}
        )
    return email


@dataclass(frozen=True)
class Added:
    """What adding someone did: made them a member, or created an invitation link."""

    email: str
    member: PanelMember | None = None
    user: User | None = None
    invitation: PanelInvitation | None = None
    invitation_url: str | None = None


async def add_member(officer: User, challenge_id: int, email: object, *, base_url: str) -> Added:
    """Add a reviewer to the panel by email, or invite someone without an account.

    An existing panel member's account joins at once. For an address with no account
    a one-time link is created (only its hash is stored); adding the same address
    again replaces the link. Other kinds of account cannot join a panel.
    """
    challenge = await owned_challenge(officer, challenge_id)
    address = _clean_email(email)
    _require_panel_can_change(challenge)
    user = await User.get_or_none(email=address)
    if user is not None:
        return await _add_existing(officer, challenge, user)

    token = secrets.token_urlsafe(32)
    moment = now()
    async with in_transaction():
        await locked_challenge(challenge_id)
        invitation = await PanelInvitation.get_or_none(challenge_id=challenge_id, email=address)
        renewed = invitation is not None
        if invitation is None:
            invitation = await PanelInvitation.create(
                challenge_id=challenge_id,
                email=address,
                token_hash=_hash(token),
                invited_by=officer,
                created_at=moment,
                expires_at=moment + INVITATION_LIFETIME,
            )
        else:
            invitation.token_hash = _hash(token)
            invitation.invited_by = officer
            invitation.created_at = moment
            invitation.expires_at = moment + INVITATION_LIFETIME
            invitation.accepted_at = None
            invitation.accepted_by = None
            await invitation.save()
        await record(
            "panel.invitation_created",
            actor=officer,
            subject_type="panel_invitation",
            subject_id=invitation.id,
            challenge_id=challenge_id,
            details={"email": address, "renewed": renewed},
        )
    url = base_url.rstrip("/") + INVITATION_PATH + token
    return Added(email=address, invitation=invitation, invitation_url=url)


async def _add_existing(officer: User, challenge: Challenge, user: User) -> Added:
    if user.role is not Role.REVIEWER:
        raise ValidationFailed(
            {
                "email": f"{user.email} belongs to {_role_phrase(user.role)}. Only panel "
                "member accounts can join a review panel: ask the person for another "
                "email address to invite"
            }
        )
    if not user.is_active:
        raise ValidationFailed({"email": f"The account for {user.email} has been closed"})
    already = ValidationFailed({"email": f"{user.name} ({user.email}) is already on this panel"})
    if await PanelMember.exists(challenge_id=challenge.id, user_id=user.id):
        raise already
    try:
        async with in_transaction():
            await locked_challenge(challenge.id)
            member = await PanelMember.create(
                challenge_id=challenge.id, user=user, added_by=officer, created_at=now()
            )
            # Any earlier invitation to this address is no longer needed.
            await PanelInvitation.filter(
                challenge_id=challenge.id, email=user.email, accepted_at__isnull=True
            ).delete()
            await record(
                "panel.member_added",
                actor=officer,
                subject_type="panel_member",
                subject_id=member.id,
                challenge_id=challenge.id,
                details={"email": user.email},
            )
    except IntegrityError as exc:  # added by a concurrent request
        raise already from exc
    return Added(email=user.email, member=member, user=user)


async def remove_member(officer: User, challenge_id: int, member_id: int) -> User:
    """Take a member off the panel, with their draft scores; not once they have submitted."""
    challenge = await owned_challenge(officer, challenge_id)
    member = await PanelMember.get_or_none(id=member_id, challenge_id=challenge_id)
    if member is None:
        raise NotFound("Panel member not found")
    _require_panel_can_change(challenge)
    user = await User.get(id=member.user_id)
    proposal_ids = await int_column(
        Proposal.filter(challenge_id=challenge_id).values_list("id", flat=True)
    )
    async with in_transaction():
        await locked_challenge(challenge_id)
        if await Score.exists(
            member_id=user.id, proposal_id__in=proposal_ids, submitted_at__isnull=False
        ):
            raise Conflict(
                f"{user.name} has submitted scores, so they cannot leave the panel: "
                "their scores are part of the results"
            )
        await Score.filter(member_id=user.id, proposal_id__in=proposal_ids).delete()
        await PanelMember.filter(id=member.id).delete()
        await record(
            "panel.member_removed",
            actor=officer,
            subject_type="panel_member",
            subject_id=member.id,
            challenge_id=challenge_id,
            details={"email": user.email},
        )
    return user


async def member_to_remove(officer: User, challenge_id: int, member_id: int) -> MemberRow:
    """The member row, for the page that asks the officer to confirm the removal."""
    overview = await panel(officer, challenge_id)
    for row in overview.members:
        if row.member.id == member_id:
            return row
    raise NotFound("Panel member not found")


async def cancel_invitation(officer: User, challenge_id: int, invitation_id: int) -> str:
    """Withdraw an unused invitation, so its link stops working; return its email."""
    challenge = await owned_challenge(officer, challenge_id)
    invitation = await PanelInvitation.get_or_none(
        id=invitation_id, challenge_id=challenge_id, accepted_at__isnull=True
    )
    if invitation is None:
        raise NotFound("Invitation not found")
    _require_panel_can_change(challenge)
    async with in_transaction():
        await PanelInvitation.filter(id=invitation.id).delete()
        await record(
            "panel.invitation_cancelled",
            actor=officer,
            subject_type="panel_invitation",
            subject_id=invitation.id,
            challenge_id=challenge_id,
            details={"email": invitation.email},
        )
    return invitation.email


async def set_blind(officer: User, challenge_id: int, blind: bool) -> Challenge:
    """Make the panel blind (or not); fixed once a member has started reviewing."""
    challenge = await owned_challenge(officer, challenge_id)
    if lifecycle.status_of(challenge) is not Status.DRAFT:
        _require_panel_can_change(challenge)
    async with in_transaction():
        challenge = await locked_challenge(challenge_id)
        if challenge.blind_panel == blind:
            return challenge
        if await review_started(challenge_id):
            raise Conflict(
                "Panel members have started reviewing, so whether the panel is blind "
                "can no longer change"
            )
        challenge.blind_panel = blind
        await Challenge.filter(id=challenge_id).update(blind_panel=blind)
        await record(
            "panel.blind_changed",
            actor=officer,
            subject_type="challenge",
            subject_id=challenge_id,
            challenge_id=challenge_id,
            details={"blind_panel": blind},
        )
    return challenge


# ------------------------------------------------------------------ invitations


class InvitationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    CLOSED = "closed"  # the challenge was decided or withdrawn


@dataclass
class FoundInvitation:
    invitation: PanelInvitation
    challenge: Challenge
    body: Organisation
    state: InvitationState
    account_exists: bool


async def find_invitation(token: str) -> FoundInvitation:
    """The invitation a link's token belongs to; NotFound for a token never issued."""
    if not token or len(token) > 128:
        raise NotFound("This invitation link is not valid")
    invitation = await PanelInvitation.get_or_none(token_hash=_hash(token))
    if invitation is None:
        raise NotFound("This invitation link is not valid")
    challenge = await Challenge.get(id=invitation.challenge_id)
    if invitation.accepted_at is not None:
        state = InvitationState.ACCEPTED
    elif lifecycle.status_of(challenge) not in PANEL_STATUSES:
        state = InvitationState.CLOSED
    elif invitation.expires_at <= now():
        state = InvitationState.EXPIRED
    else:
        state = InvitationState.PENDING
    return FoundInvitation(
        invitation=invitation,
        challenge=challenge,
        body=await Organisation.get(id=challenge.organisation_id),
        state=state,
        account_exists=await User.exists(email=invitation.email),
    )


def _require_pending(found: FoundInvitation) -> None:
    if found.state is InvitationState.ACCEPTED:
        raise Conflict("This invitation has already been used")
    if found.state is InvitationState.EXPIRED:
        raise Conflict("This invitation has expired")
    if found.state is InvitationState.CLOSED:
        raise Conflict("The review of this challenge has finished")


async def _accept(found: FoundInvitation, user: User) -> PanelMember:
    """Inside a transaction: use the invitation once and make ``user`` a member."""
    moment = now()
    used = await PanelInvitation.filter(id=found.invitation.id, accepted_at__isnull=True).update(
        accepted_at=moment, accepted_by_id=user.id
    )
    if used != 1:
        raise Conflict("This invitation has already been used")
    member, created = await PanelMember.get_or_create(
        challenge_id=found.challenge.id,
        user_id=user.id,
        defaults={"added_by_id": found.invitation.invited_by_id, "created_at": moment},  # type: ignore[attr-defined]
    )
    await record(
        "panel.invitation_accepted",
        actor=user,
        subject_type="panel_invitation",
        subject_id=found.invitation.id,
        challenge_id=found.challenge.id,
        details={"email": user.email},
    )
    if created:
        await record(
            "panel.member_added",
            actor=user,
            subject_type="panel_member",
            subject_id=member.id,
            challenge_id=found.challenge.id,
            details={"email": user.email, "by_invitation": True},
        )
    return member


async def accept_invitation(token: str, user: User) -> FoundInvitation:
    """A signed-in panel member with the invited email address accepts."""
    found = await find_invitation(token)
    _require_pending(found)
    if user.role is not Role.REVIEWER or user.email != found.invitation.email:
        raise PermissionDenied(
            f"This invitation is for {found.invitation.email}. Sign in with that panel "
            "member account to accept it"
        )
    async with in_transaction():
        await locked_challenge(found.challenge.id)
        await _accept(found, user)
    return found


async def accept_with_new_account(token: str, name: str, password: str) -> User:
    """Create the invited person's panel member account and accept, atomically."""
    found = await find_invitation(token)
    _require_pending(found)
    if found.account_exists:
        raise Conflict(
            "An account with this email address already exists: sign in to accept the invitation"
        )
    async with in_transaction():
        await locked_challenge(found.challenge.id)
        user = await create_user(
            email=found.invitation.email, name=name, password=password, role=Role.REVIEWER
        )
        await _accept(found, user)
    return user


# ------------------------------------------------------------------ the shortlist


@dataclass
class Candidate:
    proposal: Proposal
    organisation: Organisation
    knocked_out: str  # why it is not eligible, or ""
    match: MatchScore | None
    shortlisted: bool
    has_submitted_scores: bool

    @property
    def eligible(self) -> bool:
        return not self.knocked_out


async def _knockouts(challenge_id: int, proposal_ids: Sequence[int]) -> dict[int, str]:
    """Proposal id -> the answer that rules it out ("" when eligible).

    Only an answer equal to a question's knock-out answer rules a proposal out.
    """
    questions = {q.id: q for q in await EligibilityQuestion.filter(challenge_id=challenge_id)}
    found = {pid: "" for pid in proposal_ids}
    answers = await EligibilityAnswer.filter(proposal_id__in=list(proposal_ids)).order_by("id")
    for answer in answers:
        question = questions.get(answer.question_id)
        if (
            question is not None
            and answer.answer == question.knockout_answer
            and not found.get(answer.proposal_id)
        ):
            said = quoted("Yes" if answer.answer else "No")
            found[answer.proposal_id] = f"Answered {said} to {quoted(question.question)}"
    return found


async def _scored_proposals(proposal_ids: Sequence[int]) -> set[int]:
    return set(
        await int_column(
            Score.filter(
                proposal_id__in=list(proposal_ids), submitted_at__isnull=False
            ).values_list("proposal_id", flat=True)
        )
    )


async def shortlist_candidates(
    officer: User, challenge_id: int
) -> tuple[Challenge, list[Candidate]]:
    """The submitted proposals, best match first (unranked ones last), with what the
    matcher said: an aid for the officer, never the decision."""
    challenge = await owned_challenge(officer, challenge_id)
    proposals = list(
        await Proposal.filter(
            challenge_id=challenge_id, submitted_at__isnull=False, withdrawn_at__isnull=True
        ).prefetch_related("organisation")
    )
    ids = [p.id for p in proposals]
    knockouts = await _knockouts(challenge_id, ids)
    matches = {m.proposal_id: m for m in await MatchScore.filter(challenge_id=challenge_id)}
    shortlisted = set(await shortlisted_ids(challenge_id))
    scored = await _scored_proposals(ids)
    candidates = [
        Candidate(
            proposal=p,
            organisation=p.organisation,
            knocked_out=knockouts.get(p.id, ""),
            match=matches.get(p.id),
            shortlisted=p.id in shortlisted,
            has_submitted_scores=p.id in scored,
        )
        for p in proposals
    ]

    def order(c: Candidate) -> tuple[int, int, datetime, int]:
        assert c.proposal.submitted_at is not None
        rank = c.match.rank if c.match is not None else 1 << 30
        return (0 if c.match else 1, rank, c.proposal.submitted_at, c.proposal.id)

    return challenge, sorted(candidates, key=order)


async def shortlist(officer: User, challenge_id: int) -> list[Proposal]:
    await owned_challenge(officer, challenge_id)
    ids = await shortlisted_ids(challenge_id)
    by_id = {p.id: p for p in await Proposal.filter(id__in=ids)}
    return [by_id[i] for i in ids]


async def set_shortlist(officer: User, challenge_id: int, proposal_ids: Iterable[int]) -> list[int]:
    """Replace the shortlist with these submitted, eligible proposals, atomically.

    A proposal that already has submitted scores cannot leave the shortlist.
    """
    challenge = await owned_challenge(officer, challenge_id)
    status = lifecycle.status_of(challenge)
    if status is not Status.SHORTLISTING:
        if status in {Status.OPEN, Status.CLOSED, Status.DRAFT}:
            raise Conflict("Start shortlisting the challenge before you choose a shortlist")
        raise Conflict(f"This challenge is {status.value}: its shortlist can no longer change")
    wanted = list(dict.fromkeys(int(i) for i in proposal_ids))
    proposals = {p.id: p for p in await Proposal.filter(id__in=wanted)}
    knockouts = await _knockouts(challenge_id, [i for i in wanted if i in proposals])
    problems = []
    for pid in wanted:
        proposal = proposals.get(pid)
        if proposal is None or proposal.challenge_id != challenge_id:
            problems.append(f"Proposal {pid} is not a proposal to this challenge")
        elif proposal.submitted_at is None:
            problems.append(f"{quoted(proposal.title)} has not been submitted")
        elif proposal.withdrawn_at is not None:
            problems.append(f"{quoted(proposal.title)} has been withdrawn")
        elif knockouts.get(pid):
            problems.append(
                f"{quoted(proposal.title)} is not eligible: {knockouts[pid][0].lower()}"
                f"{knockouts[pid][1:]}"
            )
    if problems:
        raise ValidationFailed({"proposal_ids": ". ".join(problems)})

    async with in_transaction():
        await locked_challenge(challenge_id)
        current = set(await shortlisted_ids(challenge_id))
        added = [pid for pid in wanted if pid not in current]
        removed = sorted(current - set(wanted))
        if removed:
            scored = await _scored_proposals(removed)
            if scored:
                titles = [quoted(p.title) for p in await Proposal.filter(id__in=sorted(scored))]
                raise Conflict(
                    f"{', '.join(titles)} already {'has' if len(titles) == 1 else 'have'} "
                    "submitted scores, so it must stay on the shortlist"
                )
            await ShortlistEntry.filter(challenge_id=challenge_id, proposal_id__in=removed).delete()
        moment = now()
        for pid in added:
            await ShortlistEntry.create(
                challenge_id=challenge_id, proposal_id=pid, added_by=officer, created_at=moment
            )
        if added or removed:
            await record(
                "shortlist.updated",
                actor=officer,
                subject_type="challenge",
                subject_id=challenge_id,
                challenge_id=challenge_id,
                details={
                    "proposal_ids": sorted(wanted),
                    "added": sorted(added),
                    "removed": removed,
                },
            )
    return await shortlisted_ids(challenge_id)
