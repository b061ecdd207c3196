"""The one permission guard every view uses, and helpers to read the signed-in user."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from urbanchallenge.accounts.models import Role, User

Endpoint = Callable[[Request], Awaitable[Response]]


def current_user(request: Request) -> User | None:
    user = request.scope.get("user")
    return user if isinstance(user, User) else None


def signed_in_user(request: Request) -> User:
    """The user of a view already behind :func:`requires`."""
    user = current_user(request)
    if user is None:  # pragma: no cover - requires() runs first
        raise HTTPException(401)
    return user


def requires(*roles: Role) -> Callable[[Endpoint], Endpoint]:
    """Let a view run only for a signed-in user with one of ``roles`` (any role if none).

    Anonymous visitors are sent to sign in and brought back; a signed-in user
    without the role gets the 403 page. Object-level checks (is this *your*
    challenge?) live in the services, which answer 404 for other organisations.
    """
    allowed = frozenset(roles)

    def decorate(view: Endpoint) -> Endpoint:
        @functools.wraps(view)
        async def guarded(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                sign_in = request.url_for("accounts:sign_in").path
                return RedirectResponse(f"{sign_in}?{urlencode({'next': target})}", status_code=303)
            if allowed and user.role not in allowed:
                raise HTTPException(403)
            return await view(request)

        guarded.required_roles = allowed  # type: ignore[attr-defined]
        return guarded

    return decorate


def safe_next(target: str | None, default: str = "/") -> str:
    """Only follow a ``next`` that stays on this site (a path, not //host or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
