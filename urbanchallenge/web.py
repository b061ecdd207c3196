"""Small helpers every area's views share: rendering, form reading, client address."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context or {}, status_code=status
    )


async def form_data(request: Request) -> dict[str, str]:
    """The posted form as plain strings (first value of each field; files ignored)."""
    settings = request.app.state.settings
    form = await request.form(max_fields=settings.max_form_fields, max_files=0)
    data: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str) and key not in data:
            data[key] = value
    return data


async def form_lists(request: Request) -> dict[str, list[str]]:
    """The posted form with every value of each field, for repeated inputs."""
    settings = request.app.state.settings
    form = await request.form(max_fields=settings.max_form_fields, max_files=0)
    data: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            data.setdefault(key, []).append(value)
    return data


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def nav_section(request: Request, route_name: str) -> None:
    """Mark the navigation item this page belongs to, when its address does not say."""
    request.scope.setdefault("state", {})["nav_section"] = route_name
