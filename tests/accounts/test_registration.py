"""Registering a public body or a start-up through the pages."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.conftest import post_form
from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User

GOOD = {
    "organisation_name": "Kerbside Analytics",
    "region": "West Midlands",
    "website": "kerbside.example",
    "name": "Priya Sandhu",
    "email": "Priya@Kerbside.example",
    "password": "seven lamps on the Hagley Road",
}


async def test_a_start_up_registers_and_lands_signed_in_on_its_account_page(
    client: httpx.AsyncClient,
) -> None:
    response = await post_form(client, "/register/start-up", GOOD)

    assert response.status_code == 303
    assert response.headers["location"] == "/account?welcome=1"
    page = await client.get("/account?welcome=1")
    assert page.status_code == 200
    assert "Your account has been created" in page.text
    assert "Priya Sandhu" in page.text and "Kerbside Analytics" in page.text
    user = await User.get(email="priya@kerbside.example").prefetch_related("organisation")
    assert user.role is Role.STARTUP_MEMBER
    assert user.organisation is not None
    assert user.organisation.kind is OrganisationKind.STARTUP
    assert user.organisation.website == "https://kerbside.example"
    assert user.password_hash.startswith("$argon2id$")


async def test_a_public_body_registers_as_a_council_officer(client: httpx.AsyncClient) -> None:
    data = {**GOOD, "organisation_name": "Sandwell Council", "email": "officer@sandwell.example"}
    response = await post_form(client, "/register/public-body", data)

    assert response.status_code == 303
    user = await User.get(email="officer@sandwell.example").prefetch_related("organisation")
    assert user.role is Role.COUNCIL_OFFICER
    assert user.organisation is not None
    assert user.organisation.kind is OrganisationKind.PUBLIC_BODY


async def test_choosing_who_you_register_for_leads_to_the_right_form(
    client: httpx.AsyncClient,
) -> None:
    response = await post_form(client, "/register", {"kind": "public-body"})
    assert response.status_code == 303
    assert response.headers["location"] == "/register/public-body"

    missing = await post_form(client, "/register", {})
    assert missing.status_code == 400
    assert "There is a problem" in missing.text
    assert 'href="#kind"' in missing.text


async def test_an_empty_registration_lists_every_missing_field_and_saves_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await post_form(client, "/register/start-up", {})

    assert response.status_code == 400
    assert response.text.count("govuk-error-summary") >= 1
    for field in ("organisation_name", "region", "name", "email", "password"):
        assert f'href="#{field}"' in response.text, field
    assert "<title>Error:" in response.text
    assert await User.all().count() == 0
    assert await Organisation.all().count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("email", "a@b", "Enter an email address in the correct format"),
        ("password", "short pass", "Password must be 12 characters or more"),
        ("password", " " * 20, "Password must not be only spaces"),
        ("password", "x" * 1025, "Password must be 1024 characters or fewer"),
        ("region", "Atlantis", "Select the region you mainly work in"),
        ("website", "javascript:alert(1)", "Enter a website address in the correct format"),
        ("name", "n" * 121, "must be 120 characters or fewer"),
        ("organisation_name", "o" * 161, "must be 160 characters or fewer"),
    ],
)
async def test_each_bad_value_gets_its_own_clear_error_and_nothing_is_saved(
    client: httpx.AsyncClient, field: str, value: str, message: str
) -> None:
    response = await post_form(client, "/register/start-up", {**GOOD, field: value})

    assert response.status_code == 400
    assert message in response.text
    assert f'href="#{field}"' in response.text
    assert await User.all().count() == 0
    assert await Organisation.all().count() == 0


async def test_the_form_keeps_what_was_typed_but_never_the_password(
    client: httpx.AsyncClient,
) -> None:
    response = await post_form(client, "/register/start-up", {**GOOD, "email": "nope"})

    assert 'value="Kerbside Analytics"' in response.text
    assert GOOD["password"] not in response.text


async def test_a_long_passphrase_is_accepted(client: httpx.AsyncClient) -> None:
    passphrase = "the number 50 bus to Druids Heath runs every twelve minutes " * 8
    response = await post_form(client, "/register/start-up", {**GOOD, "password": passphrase})
    assert response.status_code == 303


async def test_an_email_is_unique_whatever_its_case(client: httpx.AsyncClient) -> None:
    await post_form(client, "/register/start-up", GOOD)
    client.cookies.clear()

    again = {**GOOD, "organisation_name": "Another", "email": "PRIYA@kerbside.EXAMPLE"}
    response = await post_form(client, "/register/start-up", again)

    assert response.status_code == 400
    assert "An account with this email address already exists" in response.text
    assert await User.all().count() == 1
    assert await Organisation.all().count() == 1


async def test_an_organisation_name_is_unique_whatever_its_case(
    client: httpx.AsyncClient,
) -> None:
    await post_form(client, "/register/start-up", GOOD)
    client.cookies.clear()

    again = {**GOOD, "organisation_name": "KERBSIDE analytics", "email": "other@example.org"}
    response = await post_form(client, "/register/start-up", again)

    assert response.status_code == 400
    assert "An organisation with this name is already registered" in response.text
    assert await User.all().count() == 1


async def test_registering_an_unknown_kind_of_organisation_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/register/reviewer")
    assert response.status_code == 404
    assert "Page not found" in response.text


async def test_markup_typed_into_a_name_is_shown_as_text(client: httpx.AsyncClient) -> None:
    hostile = {**GOOD, "name": "<script>alert('x')</script>", "email": "bad"}
    response = await post_form(client, "/register/start-up", hostile)

    assert "<script>alert(" not in response.text
    assert "&lt;script&gt;" in response.text


async def test_simultaneous_registrations_with_one_email_leave_one_account(
    app: object, client: httpx.AsyncClient
) -> None:
    await client.get("/register/start-up")
    token = client.cookies.get("__Host-csrftoken")
    assert token

    async def attempt(n: int) -> int:
        data = {**GOOD, "organisation_name": f"Start-up {n}", "csrftoken": token}
        response = await client.post("/register/start-up", data=data)
        return response.status_code

    statuses = await asyncio.gather(*(attempt(n) for n in range(4)))

    assert statuses.count(303) == 1
    assert await User.filter(email="priya@kerbside.example").count() == 1
    # The losers saved nothing: no orphaned organisation without a user.
    assert await Organisation.all().count() == 1
