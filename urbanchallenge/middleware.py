"""Pure ASGI middleware: security headers, form guard, session authentication.

Pure ASGI (not BaseHTTPMiddleware) so request bodies stream through untouched
and context variables set by the ORM survive into the endpoint.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl

from starlette.authentication import UnauthenticatedUser
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from urbanchallenge.settings import Settings

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Adds CSP (with a per-request nonce), anti-sniffing, referrer, framing and cache headers."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        is_asset = scope["path"].startswith("/assets/")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                headers.setdefault(
                    "Permissions-Policy",
                    "camera=(), microphone=(), geolocation=(), interest-cohort=()",
                )
                if is_asset:
                    headers.setdefault("Cache-Control", "public, max-age=3600")
                else:
                    # Pages may show a signed-in user's or an organisation's data.
                    headers.setdefault("Cache-Control", "no-store")
                if self.hsts and https:
                    headers.setdefault(
                        "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


RejectResponder = Callable[[Scope, Receive, Send, int, str], Awaitable[None]]


class FormGuardMiddleware:
    """Refuses malformed or oversized HTML form posts with a clear 400 before anything parses them.

    Form bodies are read in full (the app's body limit has already bounded them),
    checked to be UTF-8 with at most ``max_fields`` fields, then replayed.
    """

    def __init__(self, app: ASGIApp, *, max_fields: int, reject: RejectResponder) -> None:
        self.app = app
        self.max_fields = max_fields
        self.reject = reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in STATE_CHANGING:
            await self.app(scope, receive, send)
            return
        content_type = Headers(scope=scope).get("content-type", "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type == "multipart/form-data" and "boundary=" not in content_type:
            await self.reject(scope, receive, send, 400, "The form was sent in a broken format.")
            return
        if media_type != "application/x-www-form-urlencoded":
            await self.app(scope, receive, send)
            return

        messages: list[Message] = []
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            messages.append(message)
            body += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            text = body.decode("utf-8")
            fields = parse_qsl(text, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            await self.reject(
                scope, receive, send, 400, "The form contained characters that could not be read."
            )
            return
        if len(fields) > self.max_fields:
            await self.reject(scope, receive, send, 400, "The form had too many fields.")
            return

        async def replay() -> Message:
            if messages:
                return messages.pop(0)
            return await receive()

        await self.app(scope, replay, send)


def read_cookie(scope: Scope, name: str) -> str | None:
    raw = Headers(scope=scope).get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header is treated as no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


class SessionMiddleware:
    """Loads the signed-in user from the server-side session named by the cookie.

    Sets ``scope["user"]`` (a User or UnauthenticatedUser) and ``scope["session_token"]``.
    A cookie for a session that has ended is cleared on the way out.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/assets/"):
            await self.app(scope, receive, send)
            return
        from urbanchallenge.accounts.services import load_session

        token = read_cookie(scope, self.settings.session_cookie_name)
        session = await load_session(token, self.settings) if token else None
        scope["user"] = session.user if session else UnauthenticatedUser()
        scope["auth"] = None
        scope["session_token"] = token if session else None
        stale_cookie = token is not None and session is None
        if not stale_cookie:
            await self.app(scope, receive, send)
            return

        async def clear_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not any(
                    v.startswith(self.settings.session_cookie_name + "=")
                    for v in headers.getlist("set-cookie")
                ):
                    headers.append("set-cookie", expired_session_cookie(self.settings))
            await send(message)

        await self.app(scope, receive, clear_cookie)


def session_cookie(settings: Settings, token: str) -> str:
    parts = [
        f"{settings.session_cookie_name}={token}",
        "Path=/",
        "HttpOnly",
        "SameSite=Lax",
        f"Max-Age={settings.session_max_age}",
    ]
    if settings.cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)


def expired_session_cookie(settings: Settings) -> str:
    parts = [
        f"{settings.session_cookie_name}=",
        "Path=/",
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=0",
        "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ]
    if settings.cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)
