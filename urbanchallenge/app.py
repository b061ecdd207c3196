"""create_app(): settings, routes of each area, middleware, templates and the database lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from asgi_csrf import asgi_csrf_decorator
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from urbanchallenge import errors, health, home, security
from urbanchallenge.accounts.kept_sessions import (
    KeptSessions,
    SessionListener,
)
from urbanchallenge.accounts.routes import routes as account_routes
from urbanchallenge.api.routes import routes as api_routes
from urbanchallenge.challenges.routes import routes as challenge_routes
from urbanchallenge.db import close_db, dialect, init_db
from urbanchallenge.domain import DomainError
from urbanchallenge.middleware import (
    BodyLimitMiddleware,
    FormGuardMiddleware,
    PathIdGuardMiddleware,
    SecurityHeadersMiddleware,
    SessionMiddleware,
)
from urbanchallenge.pagecache import KeptPages, KeptPagesInvalidation
from urbanchallenge.proposals.routes import routes as proposal_routes
from urbanchallenge.ranking.routes import routes as ranking_routes
from urbanchallenge.ranking.worker import Worker
from urbanchallenge.reviews import routes as review_routes
from urbanchallenge.settings import Settings, load_settings
from urbanchallenge.templating import build_templates

STATIC_DIR = Path(__file__).resolve().parent / "static"


class _PagePaths:
    """Every non-API path needs a CSRF token, even from a visitor with no cookies yet.

    asgi-csrf skips the check for cookie-less requests unless the path is in
    ``always_protect``; sign-in and registration must be protected too (login CSRF).
    """

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and not path.startswith("/api/")


class CSRFMiddleware:
    """asgi-csrf's double-submit check on every HTML form; the Bearer-token API is exempt."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        async def failed(scope: Scope, send: Send, message_id: Any) -> None:
            async def no_body() -> Any:
                return {"type": "http.disconnect"}

            await errors.reject(
                scope,
                no_body,
                send,
                403,
                "This form has expired or was not sent from this service. "
                "Go back, reload the page and try again.",
            )

        self.app = asgi_csrf_decorator(
            cookie_name=settings.csrf_cookie_name,
            signing_secret=str(settings.secret_key),
            always_protect=_PagePaths(),
            skip_if_scope=lambda scope: errors.is_api(scope),
            cookie_secure=settings.cookie_secure,
            cookie_samesite="Lax",
            send_csrf_failed=failed,
        )(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not errors.is_api(scope):
            # asgi-csrf lets any request with "Authorization: Bearer ..." skip the form
            # check. Pages authenticate by session cookie only, so on pages that header
            # means nothing and must not switch the check off.
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"authorization"]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


def _with_bare_prefix(*mounts: Mount) -> list[BaseRoute]:
    """Each mount, preceded by a redirect from its bare prefix (/challenges -> /challenges/).

    The accounts area is mounted at the root and would otherwise answer 404 for a
    prefix typed without its trailing slash.
    """
    routes: list[BaseRoute] = []
    for mount in mounts:
        target = mount.path + "/"

        async def redirect(request: Request, target: str = target) -> Response:
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(target + query, status_code=308)

        routes += [Route(mount.path, redirect, include_in_schema=False), mount]
    return routes


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """Build the ASGI app. With ``manage_database`` the lifespan opens and closes the ORM."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        await init_db(settings.database_url)
        # The worker's new match scores make kept pages stale, as a change by a request does.
        on_change = kept_pages.changed if kept_pages is not None else None
        worker = Worker(on_change=on_change) if settings.run_worker else None
        if worker is not None:
            worker.start()
        listener = None
        if kept_sessions is not None:
            listener = SessionListener.for_database(kept_sessions, settings.database_url)
            listener.start()
        try:
            yield
        finally:
            if listener is not None:
                await listener.stop()
            if worker is not None:
                await worker.stop()
            await close_db()

    routes = [
        Route("/", home.index, name="home"),
        Route("/_status", health.status, name="status"),
        Route("/.well-known/security.txt", security.security_txt_view, name="security_txt"),
        *api_routes(),
        *_with_bare_prefix(
            Mount("/challenges", routes=challenge_routes, name="challenges"),
            Mount("/proposals", routes=proposal_routes, name="proposals"),
            Mount("/matches", routes=ranking_routes, name="matches"),
            Mount("/reviews", routes=review_routes.member_routes, name="reviews"),
            Mount("/panels", routes=review_routes.panel_routes, name="panels"),
        ),
        Mount("/invitations", routes=review_routes.invitation_routes, name="invitations"),
        Mount("/assets", app=StaticFiles(directory=STATIC_DIR), name="assets"),
        # Mounted at the root, so it matches every path: keep it last.
        Mount("", routes=account_routes, name="accounts"),
    ]
    seconds = settings.page_cache_seconds
    kept_pages = KeptPages(seconds) if seconds > 0 else None
    # Sessions are kept only where every instance can be told of a change (PostgreSQL), and
    # only while a listener hears those changes: the lifespan runs one when it manages the
    # database; without one nothing is kept.
    kept_sessions = (
        KeptSessions(settings.session_keep_seconds)
        if settings.session_keep_seconds > 0 and dialect(settings.database_url) == "postgres"
        else None
    )
    middleware = [
        # Outermost, so every answer below (a refused host, a body too large) has the headers.
        Middleware(SecurityHeadersMiddleware, hsts=not settings.debug),
        Middleware(TrustedHostMiddleware, allowed_hosts=security.trusted_hosts(settings)),
        Middleware(PathIdGuardMiddleware, reject=errors.reject),
        Middleware(BodyLimitMiddleware, max_body_size=settings.max_body_size, reject=errors.reject),
        Middleware(FormGuardMiddleware, max_fields=settings.max_form_fields, reject=errors.reject),
        Middleware(CSRFMiddleware, settings=settings),
        Middleware(SessionMiddleware, settings=settings, kept=kept_sessions),
        Middleware(KeptPagesInvalidation, pages=kept_pages),
    ]
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=middleware,
        exception_handlers={
            HTTPException: errors.http_exception,
            DomainError: errors.domain_error,
            Exception: errors.server_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = build_templates()
    app.state.kept_pages = kept_pages
    app.state.kept_sessions = kept_sessions
    return app
