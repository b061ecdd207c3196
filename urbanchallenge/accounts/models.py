"""Organisations, users, their server-side sessions and failed sign-ins."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OrganisationKind(StrEnum):
    PUBLIC_BODY = "public_body"
    STARTUP = "startup"


class Role(StrEnum):
    COUNCIL_OFFICER = "council_officer"
    STARTUP_MEMBER = "startup_member"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.COUNCIL_OFFICER: "Public body officer",
    Role.STARTUP_MEMBER: "Start-up member",
    Role.REVIEWER: "Panel member",
    Role.ADMIN: "Administrator",
}

# Which kind of organisation each role belongs to; reviewers and admins belong to none.
ROLE_ORGANISATION_KIND = {
    Role.COUNCIL_OFFICER: OrganisationKind.PUBLIC_BODY,
    Role.STARTUP_MEMBER: OrganisationKind.STARTUP,
}


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=160)
    # Lower-cased name: two organisations may not differ only by case.
    name_key = fields.CharField(max_length=160, unique=True)
    kind = fields.CharEnumField(OrganisationKind, max_length=20)
    region = fields.CharField(max_length=80, default="")
    website = fields.CharField(max_length=300, default="")
    # What the organisation does, in its own words; start-ups are matched to challenges on it.
    description = fields.TextField(default="")
    # A public body that registered itself publishes nothing until the service team has
    # checked it is who it says it is (``urbanchallenge verify-body``): otherwise anyone could
    # pose as a council and collect start-ups' proposals.
    awaiting_verification = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    users: fields.ReverseRelation[User]

    class Meta:
        table = "organisation"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class User(Model):
    id = fields.IntField(primary_key=True)
    # Stored lower-cased and trimmed, so uniqueness is case-insensitive.
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=120)
    password_hash = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=20)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="users", null=True, on_delete=fields.RESTRICT
    )
    organisation_id: int | None
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_sign_in_at = fields.DatetimeField(null=True)

    sessions: fields.ReverseRelation[Session]

    # Lets templates and Starlette's request.user treat this like an authenticated user.
    is_authenticated = True

    class Meta:
        table = "user_account"

    @property
    def display_name(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.email


class Session(Model):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    ip_address = fields.CharField(max_length=45, default="")
    user_agent = fields.CharField(max_length=300, default="")

    class Meta:
        table = "user_session"


class SignInFailure(Model):
    """One failed sign-in, counted per account and per address over a sliding window."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    ip_address = fields.CharField(max_length=45, db_index=True)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "sign_in_failure"


class ApiToken(Model):
    """A Bearer token for the JSON API. Like sessions, only the token's SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
