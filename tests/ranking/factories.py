"""Build challenges and proposals directly in the database for matching tests."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from tests.conftest import make_user
from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.challenges.models import Challenge, Criterion, ServiceArea
from urbanchallenge.proposals.models import Proposal


async def public_body(name: str | None = None) -> tuple[Organisation, User]:
    org_name = name or f"Council {secrets.token_hex(3)}"
    org = await Organisation.create(
        name=org_name, name_key=org_name.lower(), kind=OrganisationKind.PUBLIC_BODY
    )
    return org, await make_user(Role.COUNCIL_OFFICER, organisation=org)


async def startup(name: str | None = None, description: str = "") -> tuple[Organisation, User]:
    org_name = name or f"Start-up {secrets.token_hex(3)}"
    org = await Organisation.create(
        name=org_name,
        name_key=org_name.lower(),
        kind=OrganisationKind.STARTUP,
        description=description,
    )
    return org, await make_user(Role.STARTUP_MEMBER, organisation=org)


async def open_challenge(
    body: Organisation, title: str, problem: str, *, summary: str = "", outcomes: str = ""
) -> Challenge:
    now = datetime.now(UTC)
    challenge = await Challenge.create(
        organisation=body,
        title=title,
        summary=summary or title,
        problem=problem,
        outcomes=outcomes or "Fewer problems.",
        service_area=ServiceArea.TRANSPORT,
        location="Birmingham",
        budget_gbp=50_000,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=20),
        published_at=now - timedelta(days=3),
    )
    await Criterion.create(challenge=challenge, name="Fit", weight=100)
    return challenge


async def submitted_proposal(
    challenge: Challenge, startup_org: Organisation, title: str, text: str
) -> Proposal:
    return await Proposal.create(
        challenge=challenge,
        organisation=startup_org,
        title=title,
        summary=text,
        approach=text,
        impact="Measured in a pilot.",
        team="Two engineers.",
        cost_gbp=10_000,
        timeline="Six months.",
        submitted_at=datetime.now(UTC) - timedelta(hours=1),
    )
