"""Pure ASGI middleware: security headers, body limit, form guard, session authentication,
and the answer while the database is unavailable.

Pure ASGI (not BaseHTTPMiddleware) so request bodies stream through untouched
and context variables set by the ORM survive into the endpoint.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.authentication import UnauthenticatedUser
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from urbanchallenge.accounts.kept_sessions import KeptSessions
from urbanchallenge.db import Trouble, lost_connection, trouble
from urbanchallenge.settings import Settings

log = logging.getLogger("urbanchallenge")

# Methods that only read: a request with one of them may be tried again and changes nothing.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

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


def security_headers(nonce: str, *, path: str, https: bool, hsts: bool) -> list[tuple[str, str]]:
    """The headers every response carries (unless the response set its own)."""
    headers = [
        ("Content-Security-Policy", content_security_policy(nonce)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        # Pages may show a signed-in user's or an organisation's data; assets never do.
        (
            "Cache-Control",
            "public, max-age=3600" if path.startswith("/assets/") else "no-store",
        ),
    ]
    if hsts and https:
        headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    return headers


def add_security_headers(headers: MutableHeaders, scope: Scope, *, hsts: bool) -> None:
    """Fill in the security headers on a response for ``scope`` (used outside middleware too:
    Starlette sends the 500 page from its outermost layer, past every middleware)."""
    nonce = scope.get("state", {}).get("csp_nonce") or secrets.token_urlsafe(18)
    raw = headers.raw  # the message's own list: appended to in place
    present = {key for key, _ in raw}
    for name, value in security_headers(
        nonce, path=scope["path"], https=scope.get("scheme") == "https", hsts=hsts
    ):
        key = name.lower().encode("latin-1")
        if key not in present:  # one pass, not a scan of the list per header
            raw.append((key, value.encode("latin-1")))


class SecurityHeadersMiddleware:
    """Adds CSP (with a per-request nonce), anti-sniffing, referrer, framing and cache headers.

    It is the outermost middleware, so answers from the others (a refused host, a body
    over the limit, a forged form) carry the headers too.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["csp_nonce"] = secrets.token_urlsafe(18)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message), scope, hsts=self.hsts)
            await send(message)

        await self.app(scope, receive, send_with_headers)


RejectResponder = Callable[[Scope, Receive, Send, int, str], Awaitable[None]]


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a request body passes the limit."""


class BodyLimitMiddleware:
    """Answers 413 for a request body over ``max_body_size`` bytes, in the path's format.

    A declared Content-Length over the limit is refused before any of the body is
    read; a body without one (chunked) is counted as it arrives and refused as soon
    as it passes the limit. Starlette's own limit answers in plain text, so this
    one replaces it.
    """

    def __init__(self, app: ASGIApp, *, max_body_size: int, reject: RejectResponder) -> None:
        self.app = app
        self.max_body_size = max_body_size
        self.reject = reject

    def _message(self) -> str:
        limit = self.max_body_size
        size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
        return f"The most this service accepts in one go is {size}."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        # ASCII digits only: str.isdigit() alone takes '²', which int() refuses
        digits = declared is not None and declared.isascii() and declared.isdigit()
        if declared is not None and (not digits or int(declared) > self.max_body_size):
            status = 413 if digits else 400
            detail = self._message() if status == 413 else "The request had a broken length."
            await self.reject(scope, receive, send, status, detail)
            return

        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_size:
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:  # pragma: no cover - nothing answers before reading its body
                raise
            await self.reject(scope, receive, send, 413, self._message())


# Every table's id is a 32-bit integer on PostgreSQL (and far smaller in practice on SQLite).
MAX_ID = 2_147_483_647


class PathIdGuardMiddleware:
    """Answers 404 for a path that names an id no table can hold.

    Routes take ids as ``{id:int}``, which matches any run of digits; a number past
    the database's integer range made the query itself fail (a 500) instead of
    finding nothing.
    """

    def __init__(self, app: ASGIApp, *, reject: RejectResponder) -> None:
        self.app = app
        self.reject = reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(
            part.isascii() and part.isdigit() and (len(part) > 10 or int(part) > MAX_ID)
            for part in scope["path"].split("/")
        ):
            await self.reject(scope, receive, send, 404, "Not found.")
            return
        await self.app(scope, receive, send)


class FormGuardMiddleware:
    """Refuses malformed or oversized HTML form posts with a clear 400 before anything parses them.

    Form bodies are read in full (the body limit has already bounded them), checked
    to be UTF-8 with at most ``max_fields`` fields, then replayed. No page takes a
    file, so multipart bodies are refused outright.
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
        if media_type == "multipart/form-data":
            await self.reject(
                scope,
                receive,
                send,
                400,
                "The form was sent in a format this service does not accept. "
                "Go back, reload the page and try again.",
            )
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
    """The value of cookie ``name`` in the request, or None.

    Split by hand rather than with ``http.cookies`` (a regular-expression parser that was a
    noticeable part of every signed-in request): the app's own cookies hold URL-safe tokens
    that are never quoted, and whatever is read is only a key to look up, never trusted.
    """
    prefix = name + "="
    for key, value in scope["headers"]:
        if key != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            part = part.strip()
            if part.startswith(prefix):
                return part[len(prefix) :] or None
    return None


TroubleResponder = Callable[[Scope, Receive, Send, Trouble], Awaitable[None]]


async def _default_trouble_responder(
    scope: Scope, receive: Receive, send: Send, found: Trouble
) -> None:
    # errors imports this module (for the security headers), so it is imported late.
    from urbanchallenge.errors import database_trouble

    await database_trouble(scope, receive, send, found)


class DatabaseTroubleMiddleware:
    """Answers 503 (with Retry-After) while the database cannot be reached, and 507 when
    it is full, instead of a 500 with the error logged as a bug.

    The request's transaction has already been rolled back by the time the error gets
    here, so nothing of it was saved. Nothing needs resetting for the next request:
    asyncpg's pool drops a connection that broke and opens a new one when one is next
    needed, and SQLite reopens nothing (its one connection stays usable). An error after
    the answer started cannot be answered again and is raised as it is.

    A request that only reads (GET, HEAD, OPTIONS) and met a pooled connection that had
    died while idle (PostgreSQL restarted or ended it; the pool learns of it only when the
    connection is next used) is tried once more before anything is answered, so that the
    first visitor after a restart does not get the 503 page for a connection that a new
    one would replace. Requests that change something are never tried twice.
    """

    def __init__(self, app: ASGIApp, *, respond: TroubleResponder | None = None) -> None:
        self.app = app
        self.respond = respond or _default_trouble_responder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        received: list[Message] = []

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        async def recorded() -> Message:
            message = await receive()
            received.append(message)
            return message

        retry = scope.get("method") in SAFE_METHODS
        # Routing writes into the scope (a mount's root_path, the endpoint): the second try
        # starts from the scope as it came in, or it would be routed from where the first
        # left off.
        arrived = dict(scope)
        try:
            try:
                await self.app(scope, recorded if retry else receive, watched)
            except Exception as exc:
                if not (retry and not started and lost_connection(exc)):
                    raise
                log.info(
                    "A pooled database connection had died; trying %s %s again on another",
                    scope.get("method", ""),
                    scope.get("path", ""),
                )
                scope.clear()
                scope.update(arrived)
                replay = iter(list(received))

                async def replayed() -> Message:
                    return next(replay, None) or await receive()

                await self.app(scope, replayed, watched)
        except Exception as exc:
            found = trouble(exc)
            if found is None or started:
                raise
            log.warning(
                "The database is %s, so %s %s was refused: %s: %s",
                found.value,
                scope.get("method", ""),
                scope.get("path", ""),
                type(exc).__name__,
                exc,
            )
            await self.respond(scope, receive, send, found)


class SessionMiddleware:
    """Loads the signed-in user from the server-side session named by the cookie.

    Sets ``scope["user"]`` (a User or UnauthenticatedUser) and ``scope["session_token"]``.
    A cookie for a session that has ended is cleared on the way out.

    This is the first layer that reads the database, so it also carries the
    :class:`DatabaseTroubleMiddleware` for itself and everything inside it.
    """

    def __init__(
        self, app: ASGIApp, *, settings: Settings, kept: KeptSessions | None = None
    ) -> None:
        self.app = app
        self.settings = settings
        self.kept = kept
        self._guarded = DatabaseTroubleMiddleware(self._authenticated)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/assets/"):
            await self.app(scope, receive, send)
            return
        await self._guarded(scope, receive, send)

    async def _authenticated(self, scope: Scope, receive: Receive, send: Send) -> None:
        from urbanchallenge.accounts.services import load_session

        token = read_cookie(scope, self.settings.session_cookie_name)
        session = (
            await load_session(
                token, self.settings, self.kept, may_keep=scope["method"] in SAFE_METHODS
            )
            if token
            else None
        )
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
