"""The start page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


async def index(request: Request) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "home.html", {}
    )
