"""Starting a signed-in session from a view: one way, used by every page that signs someone in."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from urbanchallenge.accounts import services
from urbanchallenge.accounts.models import User
from urbanchallenge.middleware import session_cookie
from urbanchallenge.web import client_ip


async def signed_in_redirect(request: Request, user: User, target: str) -> Response:
    """Sign ``user`` in on this browser and redirect to ``target``.

    Any session the browser already had is ended and a new one started (a new id at
    every sign-in), and the CSRF cookie is cleared so that no token issued before
    signing in survives it; the next page issues a fresh one.
    """
    old = request.scope.get("session_token")
    if old:
        await services.end_session(old)
    token = await services.start_session(
        user,
        request.app.state.settings,
        ip_address=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    settings = request.app.state.settings
    response = RedirectResponse(target, status_code=303)
    response.headers.append("set-cookie", session_cookie(settings, token))
    secure = "; Secure" if settings.cookie_secure else ""
    response.headers.append(
        "set-cookie", f"{settings.csrf_cookie_name}=; Path=/; Max-Age=0; SameSite=Lax{secure}"
    )
    return response
