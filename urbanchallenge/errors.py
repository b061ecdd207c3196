"""Error responses: GOV.UK-style pages for people, problem+json for the API."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from urbanchallenge.db import Trouble, trouble
from urbanchallenge.domain import DomainError
from urbanchallenge.middleware import add_security_headers

log = logging.getLogger("urbanchallenge")

TITLES = {
    400: "There is a problem with your request",
    409: "That cannot be done now",
    422: "There is a problem with what you sent",
    401: "Sign in to continue",
    403: "You do not have permission to view this page",
    404: "Page not found",
    405: "This action is not allowed here",
    413: "What you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
    507: "Sorry, the service cannot save anything at the moment",
}

# How long to tell clients to wait before trying again while the database is unavailable
# (a restart takes seconds; the page says "shortly").
RETRY_AFTER_SECONDS = 10

# What each database trouble answers: 503 (try again shortly) or 507 (out of space:
# retrying will not help until the people running the service free some).
TROUBLE_STATUS = {Trouble.UNAVAILABLE: 503, Trouble.FULL: 507}
TROUBLE_DETAIL = {
    Trouble.UNAVAILABLE: "The service is unavailable for a short time. Nothing you sent "
    "in this request was saved. Try again in a few minutes.",
    Trouble.FULL: "The service has run out of space to store information. Nothing you sent "
    "in this request was saved. The team that runs the service has been told; try again "
    "later.",
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


def problem(
    status: int, detail: str, *, title: str | None = None, errors: Any = None
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": status,
        "title": title or _phrase(status),
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def error_page(request: Request, status: int, detail: str = "") -> Response:
    templates = request.app.state.templates
    template = (
        f"errors/{status}.html" if status in {403, 404, 500, 503, 507} else "errors/generic.html"
    )
    # Error pages may be rendered from middleware, before routing has run.
    request.scope.setdefault("router", request.app.router)
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        template,
        {"status": status, "title": TITLES.get(status, "Error"), "detail": detail},
        status_code=status,
    )


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if is_api(request.scope):
        response: Response = problem(exc.status_code, str(exc.detail))
    else:
        response = error_page(request, exc.status_code, _own_detail(exc))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _own_detail(exc: HTTPException) -> str:
    """Starlette fills ``detail`` with the reason phrase; pages show only details we wrote."""
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = ""
    return "" if exc.detail == phrase else str(exc.detail)


async def domain_error(request: Request, exc: Exception) -> Response:
    """NotFound, PermissionDenied and Conflict raised by a service and not handled by its view."""
    assert isinstance(exc, DomainError)
    if is_api(request.scope):
        return problem(exc.status_code, exc.detail)
    return error_page(request, exc.status_code, exc.detail)


async def server_error(request: Request, exc: Exception) -> Response:
    """The 500 answer. Starlette sends it from outside every middleware, so it gets the
    security headers here."""
    response: Response
    found = trouble(exc)
    if found is not None:
        # Normally answered inside the middleware (DatabaseTroubleMiddleware); this is
        # the backstop for a database call made outside it.
        log.warning("The database is %s: %s", found.value, exc)
        response = trouble_response(request.scope, request.receive, found)
        add_security_headers(
            response.headers, request.scope, hsts=not request.app.state.settings.debug
        )
        return response
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api(request.scope):
        response = problem(500, "Something went wrong on our side. Try again later.")
    else:
        try:
            response = error_page(request, 500)
        except Exception:  # the template itself failed: fall back to plain text
            log.exception("Could not render the error page")
            response = Response("Sorry, there is a problem with the service.", status_code=500)
    add_security_headers(response.headers, request.scope, hsts=not request.app.state.settings.debug)
    return response


async def reject(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
    """Answer from middleware, before routing, in the right format for the path."""
    request = Request(scope, receive)
    response = problem(status, detail) if is_api(scope) else error_page(request, status, detail)
    await response(scope, receive, send)


def trouble_response(scope: Scope, receive: Receive, trouble: Trouble) -> Response:
    """The answer while the database is unreachable (503) or full (507): a page with no
    detail of the failure for people, problem+json for the API, /_status as JSON."""
    status = TROUBLE_STATUS[trouble]
    detail = TROUBLE_DETAIL[trouble]
    response: Response
    if is_api(scope):
        response = problem(status, detail, title=TITLES[status])
    else:
        try:
            response = error_page(Request(scope, receive), status, detail)
        except Exception:  # pragma: no cover - the template itself failed
            log.exception("Could not render the %s page", status)
            response = Response(detail, status_code=status, media_type="text/plain")
    if trouble is Trouble.UNAVAILABLE:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def database_trouble(scope: Scope, receive: Receive, send: Send, trouble: Trouble) -> None:
    await trouble_response(scope, receive, trouble)(scope, receive, send)
