"""Load the demo data in fixtures/demo/ so a first visit shows a working service.

Idempotent: every record is found by its natural key (an organisation's name, a
user's email, a challenge's organisation and title, a proposal's challenge and
start-up) and left alone when it already exists. Dates are offsets from the day
of loading, so the demo always has challenges open now.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.accounts.passwords import hash_password
from urbanchallenge.challenges.models import (
    Challenge,
    Clarification,
    Criterion,
    EligibilityQuestion,
    Outcome,
    ServiceArea,
)
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking.jobs import request_all_startups_refit, request_challenge_rescore
from urbanchallenge.settings import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "fixtures" / "demo"
# For local demos only: README.md lists it beside the demo accounts.
DEMO_PASSWORD = "demo-passphrase-2026"  # noqa: S105


@dataclass
class Tally:
    created: int = 0
    existing: int = 0


@dataclass
class Counts:
    tables: dict[str, Tally] = field(default_factory=dict)

    def note(self, table: str, created: bool) -> None:
        tally = self.tables.setdefault(table, Tally())
        if created:
            tally.created += 1
        else:
            tally.existing += 1

    def as_dict(self) -> dict[str, tuple[int, int]]:
        return {name: (t.created, t.existing) for name, t in self.tables.items()}


def _read(directory: Path, name: str) -> list[dict[str, Any]]:
    data = json.loads((directory / name).read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{name} must hold a list"
    return data


async def database_is_empty() -> bool:
    return not await User.exists()


def _challenge_times(item: dict[str, Any], now: datetime, decided: bool) -> dict[str, Any]:
    """Turn a stage and day offsets into the timestamps the lifecycle is derived from."""
    opens = now + timedelta(days=item["opens_offset_days"])
    closes = now + timedelta(days=item["closes_offset_days"])
    stage = item["stage"]
    times: dict[str, Any] = {"opens_at": opens, "closes_at": closes}
    if stage != "draft":
        times["published_at"] = min(opens, now) - timedelta(days=2)
    if stage in {"shortlisting", "decided"}:
        times["shortlisting_at"] = min(closes + timedelta(days=1), now)
    if stage == "decided":
        times["decided_at"] = min(closes + timedelta(days=10), now)
        times["outcome"] = Outcome.AWARDED if decided else Outcome.NOT_AWARDED
    if stage == "withdrawn":
        times["withdrawn_at"] = min(now, max(opens, now - timedelta(days=3)))
    return times


async def load_demo(
    directory: Path = DEMO_DIR,
    *,
    progress: Callable[[int], object] = lambda n: None,
    set_total: Callable[[int], object] = lambda n: None,
    now: datetime | None = None,
) -> dict[str, tuple[int, int]]:
    """Load the demo data; return ``{table: (created, already present)}``."""
    now = now or datetime.now(UTC)
    organisations = _read(directory, "organisations.json")
    users = _read(directory, "users.json")
    challenges = _read(directory, "challenges.json")
    proposals = _read(directory, "proposals.json")
    reviews = {r["challenge"]: r for r in _read(directory, "reviews.json")}
    set_total(len(organisations) + len(users) + len(challenges) + len(proposals))
    counts = Counts()

    orgs: dict[str, Organisation] = {}
    for item in organisations:
        org, created = await Organisation.get_or_create(
            name_key=item["name"].lower(),
            defaults={
                "name": item["name"],
                "kind": OrganisationKind(item["kind"]),
                "region": item["region"],
                "website": item["website"],
                # a body that registered itself and waits for an administrator to verify it
                "awaiting_verification": item.get("awaiting_verification", False),
            },
        )
        orgs[item["slug"]] = org
        counts.note("organisations", created)
        progress(1)

    password_hash = await hash_password(DEMO_PASSWORD)
    first_user_of: dict[str, User] = {}
    for item in users:
        org_slug = item["organisation"]
        user, created = await User.get_or_create(
            email=item["email"].lower(),
            defaults={
                "name": item["name"],
                "role": Role(item["role"]),
                "organisation": orgs[org_slug] if org_slug else None,
                "password_hash": password_hash,
            },
        )
        if org_slug:
            first_user_of.setdefault(org_slug, user)
        counts.note("users", created)
        progress(1)

    by_slug: dict[str, Challenge] = {}
    questions_of: dict[str, list[EligibilityQuestion]] = {}
    for item in challenges:
        org = orgs[item["organisation"]]
        existing = await Challenge.get_or_none(organisation=org, title=item["title"])
        if existing is not None:
            by_slug[item["slug"]] = existing
            questions_of[item["slug"]] = list(
                await EligibilityQuestion.filter(challenge=existing).order_by("position", "id")
            )
            counts.note("challenges", False)
            progress(1)
            continue
        decision = (reviews.get(item["slug"]) or {}).get("decision") or {}
        async with in_transaction():
            challenge = await Challenge.create(
                organisation=org,
                created_by=first_user_of.get(item["organisation"]),
                title=item["title"],
                summary=item["summary"],
                problem=item["problem"],
                outcomes=item["outcomes"],
                service_area=ServiceArea(item["service_area"]),
                location=item["location"],
                budget_gbp=item["budget_gbp"],
                blind_panel=bool((reviews.get(item["slug"]) or {}).get("blind", False)),
                decision_reason=decision.get("reason", ""),
                **_challenge_times(item, now, bool(decision.get("awarded"))),
            )
            for position, criterion in enumerate(item["criteria"]):
                await Criterion.create(
                    challenge=challenge,
                    name=criterion["name"],
                    description=criterion.get("description", ""),
                    weight=criterion["weight"],
                    position=position,
                )
            questions = []
            for position, question in enumerate(item["eligibility"]):
                questions.append(
                    await EligibilityQuestion.create(
                        challenge=challenge,
                        question=question["question"],
                        knockout_answer=question["knockout_answer"],
                        position=position,
                    )
                )
            for clarification in item.get("clarifications", []):
                await Clarification.create(
                    challenge=challenge,
                    text=clarification["text"],
                    author=first_user_of.get(item["organisation"]),
                    created_at=challenge.opens_at + timedelta(days=clarification["offset_days"]),
                )
        by_slug[item["slug"]] = challenge
        questions_of[item["slug"]] = questions
        counts.note("challenges", True)
        progress(1)

    for number, item in enumerate(proposals):
        challenge = by_slug[item["challenge"]]
        startup = orgs[item["startup"]]
        if await Proposal.exists(challenge=challenge, organisation=startup):
            counts.note("proposals", False)
            progress(1)
            continue
        # Spread submissions over the days before closing (or before now, if still open).
        submitted_at = None
        withdrawn_at = None
        if item["status"] in {"submitted", "withdrawn"}:
            latest = min(challenge.closes_at, now) - timedelta(hours=2)
            submitted_at = max(challenge.opens_at, latest - timedelta(hours=7 * (number % 20)))
        if item["status"] == "withdrawn":
            assert submitted_at is not None
            withdrawn_at = submitted_at + (min(challenge.closes_at, now) - submitted_at) / 2
        async with in_transaction():
            proposal = await Proposal.create(
                challenge=challenge,
                organisation=startup,
                created_by=first_user_of.get(item["startup"]),
                title=item["title"],
                summary=item["summary"],
                approach=item["approach"],
                impact=item["impact"],
                team=item["team"],
                cost_gbp=item["cost_gbp"],
                timeline=item["timeline"],
                submitted_at=submitted_at,
                withdrawn_at=withdrawn_at,
            )
            for question, answer in zip(
                questions_of[item["challenge"]], item["eligibility_answers"], strict=True
            ):
                await EligibilityAnswer.create(proposal=proposal, question=question, answer=answer)
        counts.note("proposals", True)
        progress(1)

    await load_reviews(directory, counts, now=now)
    # Ask for match scores for every challenge with proposals and every start-up; the
    # app's worker (or `urbanchallenge reindex`) computes them.
    for challenge in by_slug.values():
        await request_challenge_rescore(challenge.id)
    await request_all_startups_refit()
    return counts.as_dict()


async def load_reviews(
    directory: Path = DEMO_DIR, counts: Counts | None = None, *, now: datetime | None = None
) -> dict[str, tuple[int, int]]:
    """Load reviews.json: panels, shortlists, conflicts, scores and decisions.

    Runs after the challenges and proposals exist and finds them by their natural keys,
    so it is idempotent too. A member's scores on a proposal are submitted when they
    cover every criterion and drafts otherwise; every member who scored a proposal
    declared no conflict with it; the awarded proposals of a decided challenge get
    ``awarded_at``. Each row created gets its audit event, dated between the
    challenge's shortlisting and its decision (or now).
    """
    from urbanchallenge.audit.models import AuditEvent
    from urbanchallenge.reviews.models import (
        ConflictDeclaration,
        PanelMember,
        Score,
        ShortlistEntry,
    )

    now = now or datetime.now(UTC)
    counts = counts if counts is not None else Counts()
    org_names = {o["slug"]: o["name"] for o in _read(directory, "organisations.json")}
    challenge_items = {c["slug"]: c for c in _read(directory, "challenges.json")}
    proposal_items = {p["slug"]: p for p in _read(directory, "proposals.json")}

    async def organisation(slug: str) -> Organisation:
        return await Organisation.get(name_key=org_names[slug].lower())

    async def audit(
        action: str,
        actor: User | None,
        challenge: Challenge,
        when: datetime,
        subject: tuple[str, int],
        details: dict[str, Any],
    ) -> None:
        await AuditEvent.create(
            actor=actor,
            actor_email=actor.email if actor else "",
            action=action,
            challenge=challenge,
            subject_type=subject[0],
            subject_id=subject[1],
            details=details,
            created_at=when,
        )

    for review in _read(directory, "reviews.json"):
        item = challenge_items[review["challenge"]]
        body = await organisation(item["organisation"])
        challenge = await Challenge.get(organisation=body, title=item["title"])
        officer = await User.filter(organisation=body).order_by("id").first()
        start = challenge.shortlisting_at or now
        end = challenge.decided_at or now

        def moment(share: float, start: datetime = start, end: datetime = end) -> datetime:
            return start + (end - start) * share

        proposals: dict[str, Proposal] = {}
        for slug in review["shortlist"]:
            startup = await organisation(proposal_items[slug]["startup"])
            proposals[slug] = await Proposal.get(challenge=challenge, organisation=startup)
        members = {u.email: u for u in await User.filter(email__in=review["members"])}
        criteria = {c.name: c for c in await Criterion.filter(challenge=challenge)}

        async with in_transaction():
            for email in review["members"]:
                member, created = await PanelMember.get_or_create(
                    challenge=challenge,
                    user=members[email],
                    defaults={"added_by": officer, "created_at": start - timedelta(days=2)},
                )
                counts.note("panel members", created)
                if created:
                    await audit(
                        "panel.member_added",
                        officer,
                        challenge,
                        member.created_at,
                        ("panel_member", member.id),
                        {"email": email},
                    )
            new_entries = []
            for proposal in proposals.values():
                _, created = await ShortlistEntry.get_or_create(
                    challenge=challenge,
                    proposal=proposal,
                    defaults={"added_by": officer, "created_at": start},
                )
                counts.note("shortlist entries", created)
                if created:
                    new_entries.append(proposal.id)
            if new_entries:
                ids = sorted(p.id for p in proposals.values())
                await audit(
                    "shortlist.updated",
                    officer,
                    challenge,
                    start,
                    ("challenge", challenge.id),
                    {"proposal_ids": ids, "added": sorted(new_entries), "removed": []},
                )

            by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for score in review["scores"]:
                by_pair.setdefault((score["member"], score["proposal"]), []).append(score)
            declarations = [(c["member"], c["proposal"], c["reason"]) for c in review["conflicts"]]
            declarations += [(member, slug, "") for member, slug in by_pair]
            for email, slug, reason in declarations:
                declared, created = await ConflictDeclaration.get_or_create(
                    proposal=proposals[slug],
                    member=members[email],
                    defaults={
                        "has_conflict": bool(reason),
                        "reason": reason,
                        "declared_at": moment(0.1),
                    },
                )
                counts.note("conflict declarations", created)
                if created:
                    await audit(
                        "conflict.declared",
                        members[email],
                        challenge,
                        declared.declared_at,
                        ("proposal", proposals[slug].id),
                        {"proposal_id": proposals[slug].id, "has_conflict": bool(reason)},
                    )

            for number, ((email, slug), scores) in enumerate(sorted(by_pair.items())):
                complete = {s["criterion"] for s in scores} == set(criteria)
                when = moment(0.2 + 0.7 * number / max(len(by_pair), 1))
                created_any = False
                for score in scores:
                    _, created = await Score.get_or_create(
                        proposal=proposals[slug],
                        member=members[email],
                        criterion=criteria[score["criterion"]],
                        defaults={
                            "score": score["score"],
                            "comment": score["comment"],
                            "updated_at": when,
                            "submitted_at": when if complete else None,
                        },
                    )
                    counts.note("scores", created)
                    created_any = created_any or created
                if complete and created_any:
                    await audit(
                        "score.submitted",
                        members[email],
                        challenge,
                        when,
                        ("proposal", proposals[slug].id),
                        {"proposal_id": proposals[slug].id, "criteria": len(criteria)},
                    )

            decision = review["decision"]
            if decision is not None and challenge.decided_at is not None:
                awarded = [proposals[slug] for slug in decision["awarded"]]
                for proposal in awarded:
                    created = proposal.awarded_at is None
                    if created:
                        proposal.awarded_at = challenge.decided_at
                        await proposal.save(update_fields=["awarded_at"])
                    counts.note("awards", created)
                if not await AuditEvent.exists(challenge=challenge, action="challenge.decided"):
                    outcome = challenge.outcome.value if challenge.outcome else ""
                    await audit(
                        "challenge.decided",
                        officer,
                        challenge,
                        challenge.decided_at,
                        ("challenge", challenge.id),
                        {"outcome": outcome, "awarded": [p.id for p in awarded]},
                    )
    return counts.as_dict()
