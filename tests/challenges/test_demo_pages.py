"""The challenge and proposal pages render on the demo data, at every stage, for each viewer."""

from __future__ import annotations

import httpx
from markupsafe import escape

from tests.conftest import sign_in_as
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.fixtures import DEMO_PASSWORD, load_demo
from urbanchallenge.proposals.models import Proposal


async def test_the_demo_journey_renders_for_the_public_an_officer_and_a_start_up(
    client: httpx.AsyncClient,
) -> None:
    await load_demo()
    challenges = await Challenge.all()
    stages = {lifecycle.status_of(c) for c in challenges}
    assert stages == set(lifecycle.Status), "the demo should show every stage"

    for challenge in challenges:
        page = await client.get(f"/challenges/{challenge.id}")
        assert page.status_code == (200 if challenge.published_at else 404), challenge.title
    listing = await client.get("/challenges/")
    assert listing.status_code == 200 and "open challenges" in listing.text
    assert (await client.get("/challenges/?q=bus+delays&service_area=transport")).status_code == 200

    officer = await User.filter(role=Role.COUNCIL_OFFICER).order_by("id").first()
    assert officer is not None
    await sign_in_as(client, officer, DEMO_PASSWORD)
    assert (await client.get("/challenges/yours")).status_code == 200
    for challenge in await Challenge.filter(organisation_id=officer.organisation_id):
        assert (await client.get(f"/challenges/{challenge.id}")).status_code == 200
        for proposal in await Proposal.filter(
            challenge_id=challenge.id, submitted_at__isnull=False
        ):
            assert (await client.get(f"/proposals/{proposal.id}")).status_code == 200

    member = await User.filter(role=Role.STARTUP_MEMBER).order_by("id").first()
    assert member is not None
    await sign_in_as(client, member, DEMO_PASSWORD)
    own = await Proposal.filter(organisation_id=member.organisation_id)
    assert own
    listed = await client.get("/proposals/")
    assert listed.status_code == 200
    for proposal in own:
        assert str(escape(proposal.title)) in listed.text
        assert (await client.get(f"/proposals/{proposal.id}")).status_code == 200
