"""Accounts: registration, sign-in with rate limiting, server-side sessions.

No function here sees a Request: views pass plain values in and get models or
errors back.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from urbanchallenge.accounts.kept_sessions import KeptSessions
from urbanchallenge.accounts.models import (
    ROLE_ORGANISATION_KIND,
    Organisation,
    OrganisationKind,
    Role,
    Session,
    SignInFailure,
    User,
)
from urbanchallenge.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from urbanchallenge.audit.services import record
from urbanchallenge.domain import NotFound
from urbanchallenge.settings import Settings
from urbanchallenge.validation import (
    Errors,
    ValidationFailed,
    clean_text,
    email_field,
    text_field,
    website_field,
    whole_number,
)

__all__ = [
    "REGIONS",
    "SignInResult",
    "ValidationFailed",
    "create_account",
    "create_user",
    "end_session",
    "load_session",
    "register",
    "sign_in",
    "start_session",
]

REGIONS = (
    "East Midlands",
    "East of England",
    "London",
    "North East",
    "North West",
    "Northern Ireland",
    "Scotland",
    "South East",
    "South West",
    "Wales",
    "West Midlands",
    "Yorkshire and the Humber",
)


def now() -> datetime:
    return datetime.now(UTC)


def normalise_email(email: str) -> str:
    return clean_text(email).lower()


async def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    organisation: Organisation | None = None,
) -> User:
    """Create one user after validating every field; raise ValidationFailed otherwise."""
    errors = Errors()
    data = {"email": email, "name": name}
    clean_email = email_field(errors, data)
    clean_name = text_field(errors, data, "name", "your full name", max_length=120)
    problem = password_problem(password)
    if problem:
        errors.add("password", problem)
    expected_kind = ROLE_ORGANISATION_KIND.get(role)
    if expected_kind is not None and (organisation is None or organisation.kind != expected_kind):
        errors.add("organisation", f"A {role.label.lower()} must belong to a {expected_kind.value}")
    if expected_kind is None and organisation is not None:
        errors.add("organisation", f"A {role.label.lower()} does not belong to an organisation")
    errors.raise_if_any()
    password_hash = await hash_password(password)
    try:
        return await User.create(
            email=clean_email,
            name=clean_name,
            password_hash=password_hash,
            role=role,
            organisation=organisation,
        )
    except IntegrityError as exc:
        raise ValidationFailed(
            {"email": "An account with this email address already exists. Sign in instead"}
        ) from exc


async def register(kind: OrganisationKind, data: Mapping[str, str]) -> User:
    """Register a new organisation of ``kind`` and its first user, atomically.

    The form fields are ``name``, ``email``, ``password``, ``organisation_name``,
    ``region`` and ``website``.
    """
    errors = Errors()
    clean_name = text_field(errors, data, "name", "your full name", max_length=120)
    clean_email = email_field(errors, data)
    password = data.get("password") or ""
    problem = password_problem(password)
    if problem:
        errors.add("password", problem)
    org_label = (
        "your organisation's name"
        if kind is OrganisationKind.PUBLIC_BODY
        else ("your start-up's name")
    )
    org_name = text_field(errors, data, "organisation_name", org_label, max_length=160)
    region = clean_text(data.get("region"))
    if region not in REGIONS:
        errors.add("region", "Select the region you mainly work in")
    website = website_field(errors, data)
    if clean_email and "email" not in errors and await User.exists(email=clean_email):
        errors.add("email", "An account with this email address already exists. Sign in instead")
    if (
        org_name
        and "organisation_name" not in errors
        and await Organisation.exists(name_key=org_name.lower())
    ):
        errors.add(
            "organisation_name",
            "An organisation with this name is already registered. Ask a colleague who "
            "uses UrbanChallenge to add you, or contact the service team",
        )
    errors.raise_if_any()

    password_hash = await hash_password(password)
    role = Role.COUNCIL_OFFICER if kind is OrganisationKind.PUBLIC_BODY else Role.STARTUP_MEMBER
    try:
        async with in_transaction():
            organisation = await Organisation.create(
                name=org_name,
                name_key=org_name.lower(),
                kind=kind,
                region=region,
                website=website,
                awaiting_verification=kind is OrganisationKind.PUBLIC_BODY,
            )
            return await User.create(
                email=clean_email,
                name=clean_name,
                password_hash=password_hash,
                role=role,
                organisation=organisation,
            )
    except IntegrityError as exc:
        # Lost a race with a concurrent registration: nothing was saved.
        raise ValidationFailed(
            {"email": "An account with this email address or organisation name already exists"}
        ) from exc


async def create_account(
    *,
    email: str,
    password: str,
    name: str,
    role: Role,
    organisation_name: str | None,
    organisation_kind: OrganisationKind | None,
) -> User:
    """Create a user and, for officers and start-up members, their new organisation.

    Used by the API: a reviewer has no organisation, the others must name one of the
    kind their role belongs to. Atomic: on any error nothing is saved.
    """
    errors = Errors()
    if role is Role.ADMIN:
        errors.add(
            "role", "Administrators are created with the urbanchallenge create-admin command"
        )
    expected = ROLE_ORGANISATION_KIND.get(role)
    org_name = clean_text(organisation_name)
    if expected is None and (organisation_name is not None or organisation_kind is not None):
        errors.add("organisation", "A panel member does not belong to an organisation")
    if expected is not None:
        if organisation_kind is None or not org_name:
            errors.add("organisation", f"A {role.label.lower()} must name their organisation")
        elif organisation_kind is not expected:
            errors.add(
                "organisation.kind",
                f"A {role.label.lower()} belongs to a {expected.value}, not a "
                f"{organisation_kind.value}",
            )
        elif len(org_name) > 160:
            errors.add("organisation.name", "Organisation name must be 160 characters or fewer")
        elif await Organisation.exists(name_key=org_name.lower()):
            errors.add("organisation.name", "An organisation with this name is already registered")
    errors.raise_if_any()
    try:
        async with in_transaction():
            organisation = None
            if expected is not None:
                organisation = await Organisation.create(
                    name=org_name,
                    name_key=org_name.lower(),
                    kind=expected,
                    awaiting_verification=expected is OrganisationKind.PUBLIC_BODY,
                )
            return await create_user(
                email=email, name=name, password=password, role=role, organisation=organisation
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            {"organisation.name": "An organisation with this name is already registered"}
        ) from exc


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


async def _recent_failures(settings: Settings, **match: str) -> int:
    since = now() - timedelta(seconds=settings.sign_in_window)
    return await SignInFailure.filter(created_at__gte=since, **match).count()


async def sign_in(email: str, password: str, ip_address: str, settings: Settings) -> SignInResult:
    """Check credentials, counting failures per account and per address.

    Too many recent failures for the account or the address lock sign-in for
    the rest of the window, whatever the password; the answer never says
    whether the account exists.
    """
    key = normalise_email(email)[:254]
    if (
        await _recent_failures(settings, email=key) >= settings.sign_in_max_failures_per_account
        or await _recent_failures(settings, ip_address=ip_address)
        >= settings.sign_in_max_failures_per_address
    ):
        return SignInResult(user=None, locked=True)

    user = await User.get_or_none(email=key, is_active=True) if key else None
    if not await verify_password(user.password_hash if user else None, password[:2048]):
        await SignInFailure.create(email=key, ip_address=ip_address, created_at=now())
        await SignInFailure.filter(
            created_at__lt=now() - timedelta(seconds=settings.sign_in_window)
        ).delete()
        return SignInResult(user=None)

    assert user is not None
    await SignInFailure.filter(email=key).delete()
    user.last_sign_in_at = now()
    update_fields = ["last_sign_in_at"]
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
        update_fields.append("password_hash")
    await user.save(update_fields=update_fields)
    return SignInResult(user=user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


async def start_session(user: User, settings: Settings, ip_address: str, user_agent: str) -> str:
    """Create a session and return the opaque token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    moment = now()
    await Session.create(
        token_hash=_token_hash(token),
        user=user,
        created_at=moment,
        last_seen_at=moment,
        expires_at=moment + timedelta(seconds=settings.session_max_age),
        ip_address=ip_address[:45],
        user_agent=user_agent[:300],
    )
    return token


# Refresh last_seen_at at most this often, so reading pages is not a write per request.
TOUCH_INTERVAL = timedelta(seconds=60)
# Sessions this process is refreshing now. A burst of requests in one session (reloads, many
# tabs, a page and its assets) all find it due at once; without this each would queue its own
# UPDATE behind the others' locks on the one row, holding a connection while it waits.
_touching: set[int] = set()


async def load_session(
    token: str,
    settings: Settings,
    kept: KeptSessions | None = None,
    *,
    may_keep: bool = False,
) -> Session | None:
    """Return the live session for a cookie token (user prefetched), or None.

    A session ends at its absolute expiry or after ``session_idle_timeout``
    seconds without a request; an ended session is deleted. With ``kept`` (PostgreSQL,
    :mod:`urbanchallenge.accounts.kept_sessions`) a row read earlier by this process is used
    when ``may_keep`` (a request that changes nothing), and a row read now is kept.
    """
    if not token or len(token) > 128:
        return None
    token_hash = _token_hash(token)
    row = kept.get(token_hash) if kept is not None and may_keep else None
    from_memory = row is not None
    moment = now()
    if row is not None and _idle_limit(row, settings) <= moment:
        # Another instance may have seen this session since: ask the database.
        row, from_memory = None, False
    mark = kept.mark() if kept is not None else 0
    if row is None:
        row = await _session_row(token_hash)
        if row is None:
            return None
    session = _session_from_row(row)
    idle_limit = session.last_seen_at + timedelta(seconds=settings.session_idle_timeout)
    if session.expires_at <= moment or idle_limit <= moment or not session.user.is_active:
        await session.delete()
        return None
    if moment - session.last_seen_at >= TOUCH_INTERVAL and session.id not in _touching:
        _touching.add(session.id)
        try:
            session.last_seen_at = moment
            await session.save(update_fields=["last_seen_at"])
        finally:
            _touching.discard(session.id)
        row = (*row[:_LAST_SEEN], moment, *row[_LAST_SEEN + 1 :])
        if from_memory and kept is not None:
            kept.replace(token_hash, row, mark)
    if kept is not None and not from_memory:
        kept.put(token_hash, session.user_id, row, mark)
    return session


# The session and its user in one query, run by every signed-in request: written out rather
# than built by the ORM's query builder each time, which cost more than the query itself.
# tests/accounts/test_sign_in.py checks the columns against the models.
SESSION_COLUMNS = (
    "id",
    "token_hash",
    "user_id",
    "created_at",
    "last_seen_at",
    "expires_at",
    "ip_address",
    "user_agent",
)
USER_COLUMNS = (
    "id",
    "email",
    "name",
    "password_hash",
    "role",
    "organisation_id",
    "is_active",
    "created_at",
    "last_sign_in_at",
)


_LAST_SEEN = SESSION_COLUMNS.index("last_seen_at")


def _idle_limit(row: tuple[Any, ...], settings: Settings) -> datetime:
    last_seen: datetime = row[_LAST_SEEN]
    return last_seen + timedelta(seconds=settings.session_idle_timeout)


async def _session_row(token_hash: str) -> tuple[Any, ...] | None:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        _, rows = await conn.execute_query(
            'SELECT s."id", s."token_hash", s."user_id", s."created_at", s."last_seen_at", '
            's."expires_at", s."ip_address", s."user_agent", u."id", u."email", u."name", '
            'u."password_hash", u."role", u."organisation_id", u."is_active", u."created_at", '
            'u."last_sign_in_at" FROM "user_session" s '
            'JOIN "user_account" u ON u."id" = s."user_id" WHERE s."token_hash" = $1',
            [token_hash],
        )
    else:
        _, rows = await conn.execute_query(
            'SELECT s."id", s."token_hash", s."user_id", s."created_at", s."last_seen_at", '
            's."expires_at", s."ip_address", s."user_agent", u."id", u."email", u."name", '
            'u."password_hash", u."role", u."organisation_id", u."is_active", u."created_at", '
            'u."last_sign_in_at" FROM "user_session" s '
            'JOIN "user_account" u ON u."id" = s."user_id" WHERE s."token_hash" = ?',
            [token_hash],
        )
    return tuple(rows[0]) if rows else None


def _session_from_row(row: tuple[Any, ...]) -> Session:
    n = len(SESSION_COLUMNS)
    session = Session._init_from_db(**dict(zip(SESSION_COLUMNS, row[:n], strict=True)))
    user = User._init_from_db(**dict(zip(USER_COLUMNS, row[n:], strict=True)))
    object.__setattr__(session, "_user", user)  # as the ORM's select_related attaches it
    return session


async def end_session(token: str) -> None:
    await Session.filter(token_hash=_token_hash(token)).delete()


async def end_all_sessions(user: User) -> None:
    await Session.filter(user=user).delete()


async def change_password(user: User, data: Mapping[str, str]) -> None:
    """Change a password after checking the current one; signs out every other session."""
    errors = Errors()
    current = data.get("current_password") or ""
    new = data.get("new_password") or ""
    if not current:
        errors.add("current_password", "Enter your current password")
    elif not await verify_password(user.password_hash, current):
        errors.add("current_password", "Your current password is not correct")
    problem = password_problem(new)
    if problem:
        errors.add("new_password", problem)
    elif new == current:
        errors.add("new_password", "Your new password must be different from your current one")
    errors.raise_if_any()
    user.password_hash = await hash_password(new)
    async with in_transaction():
        await user.save(update_fields=["password_hash"])
        await end_all_sessions(user)


async def update_organisation(user: User, data: Mapping[str, str]) -> Organisation:
    """Let a member of an organisation change its region, website and description.

    A start-up's description is what the matcher uses to find challenges that fit it,
    so saving it asks for those to be recomputed.
    """
    from urbanchallenge.ranking.jobs import request_startup_refit

    if user.organisation_id is None:
        raise NotFound("You do not belong to an organisation")
    organisation = await Organisation.get(id=user.organisation_id)
    errors = Errors()
    region = clean_text(data.get("region"))
    if region not in REGIONS:
        errors.add("region", "Select the region you mainly work in")
    website = website_field(errors, data)
    description = text_field(
        errors,
        data,
        "description",
        "a description",
        max_length=5000,
        required=False,
        multiline=True,
    )
    errors.raise_if_any()
    organisation.region = region
    organisation.website = website
    organisation.description = description
    async with in_transaction():
        await organisation.save(update_fields=["region", "website", "description"])
        await record(
            "organisation.updated",
            actor=user,
            subject_type="organisation",
            subject_id=organisation.id,
        )
        if organisation.kind is OrganisationKind.STARTUP:
            await request_startup_refit(organisation.id)
    return organisation


# ---------------------------------------------------------------- verifying public bodies


async def bodies_awaiting_verification() -> list[Organisation]:
    """Public bodies that registered themselves and may not publish yet, oldest first, with
    their users (who to contact to check them)."""
    return (
        await Organisation.filter(awaiting_verification=True)
        .order_by("created_at", "id")
        .prefetch_related("users")
    )


async def verify_body(key: str, actor: User | None = None) -> tuple[Organisation, bool]:
    """Let a self-registered public body publish challenges. ``key`` is its id or its name
    (any case); ``actor`` the administrator who did it (None from the command line). Returns
    the body and whether it was awaiting verification until now; raises NotFound if no public
    body has that id or name. Recorded in the audit log."""
    key = clean_text(key)
    number = whole_number(key)
    match = {"id": number} if number is not None else {"name_key": key.lower()}
    async with in_transaction():
        body = (
            await Organisation.filter(kind=OrganisationKind.PUBLIC_BODY, **match)
            .select_for_update()
            .first()
        )
        if body is None:
            raise NotFound(f"No public body is registered as {key!r}")
        if not body.awaiting_verification:
            return body, False
        body.awaiting_verification = False
        await body.save(update_fields=["awaiting_verification"])
        await record(
            "organisation.verified",
            actor=actor,
            subject_type="organisation",
            subject_id=body.id,
            details={"name": body.name},
        )
    return body, True
