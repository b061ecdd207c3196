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

    return counts.as_dict()
