"""Accounts and tokens in the JSON API."""

from __future__ import annotations

from typing import Any

from urbanchallenge.accounts import services
from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.accounts.tokens import TOKEN_LIFETIME, issue_token
from urbanchallenge.api import ApiCall, ApiRoutes, Reply, define, integer, nullable, obj, string
from urbanchallenge.api.schema import boolean, date_time
from urbanchallenge.domain import DomainError
from urbanchallenge.web import client_ip

api = ApiRoutes("Accounts", "Create accounts and get Bearer tokens.")

ORGANISATION = define(
    "Organisation",
    obj(
        {
            "id": integer(),
            "name": string(),
            "kind": string(enum=[k.value for k in OrganisationKind]),
            "awaiting_verification": boolean(
                "A public body that registered itself publishes no challenge until the "
                "service team has verified it."
            ),
        }
    ),
)
ACCOUNT = define(
    "Account",
    obj(
        {
            "id": integer(),
            "email": string(),
            "name": string(),
            "role": string(enum=[r.value for r in Role]),
            "organisation": nullable(ORGANISATION),
        }
    ),
)
NEW_ACCOUNT = define(
    "NewAccount",
    obj(
        {
            "email": string(max_length=254),
            "password": string(max_length=1024),
            "name": string(max_length=120),
            "role": string(enum=["council_officer", "startup_member", "reviewer"]),
            "organisation": nullable(
                obj(
                    {
                        "name": string(max_length=160),
                        "kind": string(enum=[k.value for k in OrganisationKind]),
                    }
                )
            ),
        },
        required=["email", "password", "name", "role"],
    ),
)
CREDENTIALS = define(
    "Credentials",
    obj({"email": string(max_length=254), "password": string(max_length=2048)}),
)
TOKEN = define(
    "Token",
    obj(
        {
            "token": string(description="Send as: Authorization: Bearer <token>"),
            "token_type": string(enum=["Bearer"]),
            "expires_at": date_time(),
            "expires_in": integer(description="Seconds until it expires."),
        }
    ),
)


def account_json(user: User, organisation: Organisation | None) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "organisation": None
        if organisation is None
        else {
            "id": organisation.id,
            "name": organisation.name,
            "kind": organisation.kind.value,
            "awaiting_verification": organisation.awaiting_verification,
        },
    }


@api.post(
    "/accounts",
    summary="Create an account (and, for officers and start-up members, their organisation)",
    body=NEW_ACCOUNT,
    responses={201: ("The new account", ACCOUNT)},
)
async def create_account(call: ApiCall) -> Reply:
    body = call.body
    organisation = body.get("organisation") or None
    user = await services.create_account(
        email=body["email"],
        password=body["password"],
        name=body["name"],
        role=Role(body["role"]),
        organisation_name=organisation["name"] if organisation else None,
        organisation_kind=OrganisationKind(organisation["kind"]) if organisation else None,
    )
    org = await Organisation.get_or_none(id=user.organisation_id) if user.organisation_id else None
    return Reply(201, account_json(user, org))


@api.post(
    "/tokens",
    summary="Exchange an email and password for a Bearer token",
    body=CREDENTIALS,
    responses={201: ("A new token", TOKEN)},
)
async def create_token(call: ApiCall) -> Reply:
    settings = call.request.app.state.settings
    result = await services.sign_in(
        call.body["email"], call.body["password"], client_ip(call.request), settings
    )
    if result.locked:
        raise TooManyAttempts("Too many failed attempts. Wait 15 minutes, then try again.")
    if result.user is None:
        raise BadCredentials("The email address or password is not correct.")
    token, record = await issue_token(result.user)
    return Reply(
        201,
        {
            "token": token,
            "token_type": "Bearer",
            "expires_at": record.expires_at.isoformat(),
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        },
    )


@api.get(
    "/me",
    summary="The account the token belongs to",
    signed_in=True,
    responses={200: ("Your account", ACCOUNT)},
)
async def me(call: ApiCall) -> Reply:
    user = call.actor
    org = await Organisation.get_or_none(id=user.organisation_id) if user.organisation_id else None
    return Reply(200, account_json(user, org))


class BadCredentials(DomainError):
    status_code = 401


class TooManyAttempts(DomainError):
    status_code = 429
