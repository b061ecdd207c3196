"""Builders shared by the challenge and proposal tests: good input, drafts, open challenges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.api.conftest import ApiClient
from tests.conftest import make_user
from urbanchallenge.accounts.models import Organisation, Role, User
from urbanchallenge.accounts.tokens import issue_token
from urbanchallenge.challenges import services
from urbanchallenge.challenges.models import Challenge


def now() -> datetime:
    return datetime.now(UTC)


def challenge_data(**changes: Any) -> dict[str, Any]:
    """A complete, valid challenge as the services take it (datetimes, rows as dicts)."""
    data: dict[str, Any] = {
        "title": "Bus punctuality on the Hagley Road corridor",
        "summary": "Buses on the A456 lose time unpredictably in the evening peak.",
        "problem": "Only 71% of outbound evening departures run on time at Bearwood.\n\n"
        "We hold AVL feeds, signal timings and roadworks logs but have not joined them up.",
        "outcomes": "A ranked list of the causes of delay and three costed interventions.",
        "service_area": "transport",
        "location": "Hagley Road corridor (A456), Birmingham",
        "budget_gbp": 120000,
        "opens_at": now() + timedelta(days=1),
        "closes_at": now() + timedelta(days=30),
        "criteria": [
            {"name": "Understanding of the corridor", "description": "", "weight": 40},
            {"name": "Method", "description": "Sound and repeatable", "weight": 35},
            {"name": "Value for money", "weight": 25},
        ],
        "eligibility": [
            {"question": "Are you registered as a company in the UK?", "knockout_answer": False},
            {"question": "Have you been debarred from public contracts?", "knockout_answer": True},
        ],
    }
    data.update(changes)
    return data


def api_body(**changes: Any) -> dict[str, Any]:
    """The same challenge as the API takes it: ISO 8601 strings."""
    data = challenge_data()
    data["opens_at"] = data["opens_at"].isoformat()
    data["closes_at"] = data["closes_at"].isoformat()
    data.update(changes)
    return data


async def officer(organisation: Organisation | None = None, name: str = "Officer") -> User:
    return await make_user(Role.COUNCIL_OFFICER, organisation=organisation, name=name)


async def draft(user: User, **changes: Any) -> Challenge:
    return await services.create_draft(user, challenge_data(**changes))


async def opened(user: User, **changes: Any) -> Challenge:
    challenge = await draft(user, **changes)
    return await services.publish(user, challenge.id)


async def closed(user: User, **changes: Any) -> Challenge:
    """An open challenge whose closing time has passed by itself."""
    challenge = await opened(user, **changes)
    await Challenge.filter(id=challenge.id).update(closes_at=now() - timedelta(minutes=1))
    return await Challenge.get(id=challenge.id)


async def api_client(http: httpx.AsyncClient, user: User) -> ApiClient:
    token, _ = await issue_token(user)
    return ApiClient(http, token)
