"""A public body that registers itself publishes nothing until the service team verifies it.

Otherwise anyone could register as a council, post a challenge and collect start-ups'
commercially sensitive proposals. Bodies set up by the service team (the demo data, test
factories) and start-ups are not held back.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import httpx
import pytest

from soak.server import admin_connection
from tests.challenges.helpers import draft, officer
from tests.conftest import EmptyDatabase, make_user, post_form, sign_in_as
from tests.test_live_server import run_cli, server_env
from urbanchallenge.accounts import services
from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.audit.models import AuditEvent
from urbanchallenge.challenges import services as challenges
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.domain import Conflict, NotFound

FORM = {
    "organisation_name": "Sandwell Council",
    "region": "West Midlands",
    "website": "sandwell.example",
    "name": "Amara Okafor",
    "email": "amara@sandwell.example",
    "password": "seven lamps on the Hagley Road",
}
WAITING = "Your organisation is waiting to be verified"


async def registered_officer(client: httpx.AsyncClient) -> User:
    assert (await post_form(client, "/register/public-body", FORM)).status_code == 303
    return await User.get(email="amara@sandwell.example")


async def test_a_public_body_registering_itself_waits_and_is_told_so(
    client: httpx.AsyncClient,
) -> None:
    user = await registered_officer(client)
    body = await Organisation.get(id=user.organisation_id)
    assert body.awaiting_verification is True

    page = await client.get("/account")
    assert page.status_code == 200 and WAITING in page.text


async def test_a_start_up_registering_itself_does_not_wait(client: httpx.AsyncClient) -> None:
    form = {**FORM, "organisation_name": "Kerbside Analytics", "email": "p@kerbside.example"}
    assert (await post_form(client, "/register/start-up", form)).status_code == 303
    body = await Organisation.get(name_key="kerbside analytics")
    assert body.kind is OrganisationKind.STARTUP and body.awaiting_verification is False
    assert WAITING not in (await client.get("/account")).text


@pytest.mark.parametrize(
    ("role", "kind", "waits"),
    [
        ("council_officer", "public_body", True),
        ("startup_member", "startup", False),
    ],
)
async def test_accounts_created_through_the_api_wait_as_the_pages_do(
    client: httpx.AsyncClient, role: str, kind: str, waits: bool
) -> None:
    created = await client.post(
        "/api/v1/accounts",
        json={
            "email": "someone@body.example",
            "password": FORM["password"],
            "name": "Someone",
            "role": role,
            "organisation": {"name": "Some Body", "kind": kind},
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["organisation"]["awaiting_verification"] is waits


async def test_a_waiting_body_cannot_publish_until_it_is_verified(
    client: httpx.AsyncClient,
) -> None:
    user = await registered_officer(client)
    challenge = await draft(user)
    check = f"/challenges/{challenge.id}/publish"

    page = await client.get(check + "?done=created")
    assert page.status_code == 200
    assert WAITING in page.text and "Publish challenge" not in page.text
    assert "You can publish it once your organisation is verified." in page.text
    assert "Check it, then publish it" not in page.text
    refused = await post_form(client, check, {})
    assert refused.status_code == 400
    assert "There is a problem" in refused.text and 'href="#verification"' in refused.text
    with pytest.raises(Conflict, match="waiting to be verified"):
        await challenges.publish(user, challenge.id)
    assert (await Challenge.get(id=challenge.id)).published_at is None

    body, changed = await services.verify_body("sandwell COUNCIL")
    assert changed and body.id == user.organisation_id

    page = await client.get(check + "?done=created")
    assert WAITING not in page.text and "Publish challenge" in page.text
    assert "Check it, then publish it" in page.text
    published = await post_form(client, check, {})
    assert published.status_code == 303
    assert (await Challenge.get(id=challenge.id)).published_at is not None


async def test_verifying_is_by_id_or_name_once_audited_and_only_for_public_bodies(db: str) -> None:
    waiting = await Organisation.create(
        name="Dudley Council",
        name_key="dudley council",
        kind=OrganisationKind.PUBLIC_BODY,
        awaiting_verification=True,
    )
    settled = (await officer()).organisation_id
    start_up = await Organisation.create(
        name="Kerb Ltd", name_key="kerb ltd", kind=OrganisationKind.STARTUP
    )

    assert [b.id for b in await services.bodies_awaiting_verification()] == [waiting.id]
    assert await services.verify_body(str(waiting.id)) == (
        await Organisation.get(id=waiting.id),
        True,
    )
    assert (await services.verify_body("Dudley Council"))[1] is False
    assert (await services.verify_body(str(settled)))[1] is False
    assert await services.bodies_awaiting_verification() == []
    for unknown in ("Nowhere Council", start_up.name, str(start_up.id), "", "9" * 30, "²"):
        with pytest.raises(NotFound):
            await services.verify_body(unknown)
    events = await AuditEvent.filter(action="organisation.verified")
    assert [(e.subject_type, e.subject_id, e.actor_id) for e in events] == [
        ("organisation", waiting.id, None)
    ]


async def add_waiting_body(database: EmptyDatabase, name: str) -> None:
    """A public body as the registration form leaves it, written straight to ``database``
    (the command under test runs in its own process, on a database of its own)."""
    values = (name, name.lower(), "public_body", "West Midlands", "", "", True)
    if database.dialect == "postgres":
        connection = await admin_connection(database.url)
        try:
            await connection.execute(
                "INSERT INTO organisation (name, name_key, kind, region, website, description,"
                " awaiting_verification, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())",
                *values,
            )
        finally:
            await connection.close()
    else:
        with closing(sqlite3.connect(database.url.removeprefix("sqlite://"))) as connection:
            connection.execute(
                "INSERT INTO organisation (name, name_key, kind, region, website, description,"
                " awaiting_verification, created_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
                " CURRENT_TIMESTAMP)",
                values,
            )
            connection.commit()


async def test_the_service_team_lists_and_verifies_waiting_bodies_from_the_command_line(
    fresh_database: EmptyDatabase,
) -> None:
    env = server_env(fresh_database.url)
    assert run_cli(env, "migrate").returncode == 0
    empty = run_cli(env, "verify-body")
    assert empty.returncode == 0 and "No public body is waiting" in empty.stdout
    await add_waiting_body(fresh_database, "Walsall Council")

    listed = run_cli(env, "verify-body")
    verified = run_cli(env, "verify-body", "walsall council")
    again = run_cli(env, "verify-body", "Walsall Council")
    unknown = run_cli(env, "verify-body", "Nowhere Council")
    after = run_cli(env, "verify-body")

    assert listed.returncode == 0 and "Walsall Council\tWest Midlands" in listed.stdout
    assert verified.returncode == 0 and "Verified Walsall Council" in verified.stdout
    assert again.returncode == 0 and "already verified" in again.stdout
    assert unknown.returncode == 1 and "No public body is registered as" in unknown.stderr
    assert "No public body is waiting" in after.stdout


async def test_an_administrator_verifies_a_waiting_body_from_their_page(
    client: httpx.AsyncClient,
) -> None:
    officer_user = await services.register(
        OrganisationKind.PUBLIC_BODY,
        {**FORM, "organisation_name": "Sandwell <b>Council</b>"},
    )
    body_id = officer_user.organisation_id
    admin = await make_user(Role.ADMIN, name="Service Admin")
    await sign_in_as(client, admin)

    page = await client.get("/admin/bodies")
    assert page.status_code == 200
    assert "Sandwell &lt;b&gt;Council&lt;/b&gt;" in page.text and "<b>Council" not in page.text
    assert "amara@sandwell.example" in page.text
    done = await post_form(client, f"/admin/bodies/{body_id}/verify", {})
    assert done.status_code == 303
    assert done.headers["location"] == f"/admin/bodies?verified={body_id}"

    after = await client.get(done.headers["location"])
    assert "is verified. Its officers can now publish challenges." in after.text
    assert "No public body is waiting to be verified." in after.text
    assert (await Organisation.get(id=body_id)).awaiting_verification is False
    event = await AuditEvent.get(action="organisation.verified")
    assert (event.actor_id, event.subject_id) == (admin.id, body_id)


async def test_the_verified_banner_names_only_a_body_that_is_verified(
    client: httpx.AsyncClient,
) -> None:
    waiting = await Organisation.create(
        name="Dudley Council",
        name_key="dudley council",
        kind=OrganisationKind.PUBLIC_BODY,
        awaiting_verification=True,
    )
    await sign_in_as(client, await make_user(Role.ADMIN))
    for query in (str(waiting.id), "x", "9" * 30, "-1"):
        page = await client.get("/admin/bodies", params={"verified": query})
        assert page.status_code == 200
        assert "is verified" not in page.text
