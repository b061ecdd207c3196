"""Accounts, tokens and the API's own rules, driven as an external client would."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.api.conftest import PASSWORD, ApiClient, register
from urbanchallenge.accounts.models import ApiToken, Organisation, User


@pytest.mark.parametrize(
    ("role", "kind"),
    [("council_officer", "public_body"), ("startup_member", "startup"), ("reviewer", None)],
)
async def test_each_role_can_create_an_account(api: ApiClient, role: str, kind: str | None) -> None:
    body = {"email": f"New.{role}@Example.org", "password": PASSWORD, "name": "N", "role": role}
    if kind:
        body["organisation"] = {"name": f"{role} org", "kind": kind}

    response = await api.post("/accounts", body)

    assert response.status_code == 201
    account = response.json()
    assert account["email"] == f"new.{role}@example.org"
    assert account["role"] == role
    if kind:
        assert account["organisation"]["kind"] == kind
    else:
        assert account["organisation"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "reviewer", "name": "N", "password": PASSWORD}, "email"),
        ({"role": "reviewer", "name": "N", "email": "x@example.org"}, "password"),
        ({"role": "judge", "name": "N", "email": "x@example.org", "password": PASSWORD}, "role"),
        ({"role": "reviewer", "name": 7, "email": "x@example.org", "password": PASSWORD}, "name"),
        ({"role": "admin", "name": "N", "email": "x@example.org", "password": PASSWORD}, "role"),
        (
            {
                "role": "council_officer",
                "name": "N",
                "email": "x@example.org",
                "password": PASSWORD,
            },
            "organisation",
        ),
        (
            {
                "role": "council_officer",
                "name": "N",
                "email": "x@example.org",
                "password": PASSWORD,
                "organisation": {"name": "S", "kind": "startup"},
            },
            "organisation.kind",
        ),
        (
            {
                "role": "reviewer",
                "name": "N",
                "email": "x@example.org",
                "password": PASSWORD,
                "organisation": {"name": "S", "kind": "startup"},
            },
            "organisation",
        ),
        ({"role": "reviewer", "name": "N", "email": "nope", "password": PASSWORD}, "email"),
        (
            {"role": "reviewer", "name": "N", "email": "x@example.org", "password": "short"},
            "password",
        ),
    ],
)
async def test_a_bad_account_gets_a_problem_naming_the_field_and_saves_nothing(
    api: ApiClient, body: dict[str, object], field: str
) -> None:
    response = await api.post("/accounts", body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] and problem["detail"]
    assert field in {e["field"] for e in problem["errors"]}, problem
    assert await User.all().count() == 0
    assert await Organisation.all().count() == 0


async def test_an_email_is_taken_whatever_its_case(api: ApiClient) -> None:
    body = {"email": "a@example.org", "password": PASSWORD, "name": "A", "role": "reviewer"}
    assert (await api.post("/accounts", body)).status_code == 201
    again = await api.post("/accounts", {**body, "email": "A@EXAMPLE.org"})
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "email"


async def test_a_token_identifies_its_account(client: httpx.AsyncClient) -> None:
    officer = await register(client, "council_officer", organisation="Walsall Council")
    me = await officer.get("/me")
    assert me.status_code == 200
    assert me.json()["organisation"]["name"] == "Walsall Council"
    stored = await ApiToken.all()
    assert len(stored) == 1 and officer.token not in stored[0].token_hash


async def test_a_token_and_its_account_are_read_in_one_statement(
    client: httpx.AsyncClient,
) -> None:
    """Every API request checks its token: one round trip, not one for the token and one for
    the user (score submissions come through here)."""
    from urbanchallenge.accounts.tokens import user_for_token

    officer = await register(client, "council_officer", organisation="Dudley Council")
    await user_for_token(officer.token)  # refreshes last_used_at: a write of its own
    statements: list[str] = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            statements.append(record.getMessage())

    log = logging.getLogger("tortoise.db_client")
    recorder, level = Recorder(), log.level
    log.addHandler(recorder)
    log.setLevel(logging.DEBUG)
    try:
        user = await user_for_token(officer.token)
    finally:
        log.removeHandler(recorder)
        log.setLevel(level)

    assert user is not None and user.organisation_id is not None
    assert len([s for s in statements if "SELECT" in s]) == 1, statements


async def test_wrong_credentials_get_401_and_repeated_failures_429(
    api: ApiClient, client: httpx.AsyncClient
) -> None:
    await register(client, "reviewer", email="r@example.org")
    wrong = await api.post("/tokens", {"email": "r@example.org", "password": "wrong password!"})
    assert wrong.status_code == 401
    for _ in range(5):
        await api.post("/tokens", {"email": "r@example.org", "password": "wrong password!"})
    locked = await api.post("/tokens", {"email": "r@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Basic abc", "Bearer ", "token"])
async def test_a_bad_authorization_header_is_401(api: ApiClient, header: str) -> None:
    response = await api.http.get("/api/v1/me", headers={"authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_no_token_is_401(api: ApiClient) -> None:
    response = await api.get("/me")
    assert response.status_code == 401
    assert response.json()["status"] == 401


async def test_an_expired_token_is_401(client: httpx.AsyncClient) -> None:
    reviewer = await register(client, "reviewer")
    await ApiToken.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (await reviewer.get("/me")).status_code == 401


async def test_a_session_cookie_does_not_authenticate_the_api(client: httpx.AsyncClient) -> None:
    """The API only trusts Bearer tokens, which is why it needs no CSRF token."""
    from tests.conftest import make_user, sign_in_as
    from urbanchallenge.accounts.models import Role

    await sign_in_as(client, await make_user(Role.REVIEWER))
    assert (await client.get("/api/v1/me")).status_code == 401


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b"null", b'"text"'])
async def test_a_body_that_is_not_a_json_object_is_refused_cleanly(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/api/v1/tokens", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code in {400, 422}
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_api_paths_answer_in_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Not Found"


async def test_the_openapi_document_describes_every_endpoint(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/openapi.json")).json()

    assert document["openapi"].startswith("3.")
    schemas = document["components"]["schemas"]
    for path in ["/api/v1/accounts", "/api/v1/tokens", "/api/v1/me"]:
        assert path in document["paths"], path
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation["summary"], (path, method)
            successes = [s for s in operation["responses"] if s.startswith("2")]
            assert successes, (path, method)
            if method in {"post", "put", "patch"}:
                assert "requestBody" in operation, (path, method)
    text = str(document)
    for name in set(__import__("re").findall(r"#/components/schemas/(\w+)", text)):
        assert name in schemas, name
