"""The one Jinja2 environment: project templates, GOV.UK Frontend macros, filters."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    pass_context,
)
from markupsafe import Markup, escape
from starlette.datastructures import URL, URLPath
from starlette.requests import Request
from starlette.routing import Router
from starlette.templating import Jinja2Templates

from urbanchallenge.settings import PROJECT_ROOT

LONDON = ZoneInfo("Europe/London")
TEMPLATES_DIR = PROJECT_ROOT / "templates"


def london(value: datetime | None, fmt: str = "%-d %B %Y at %-I:%M%p") -> str:
    """Show a stored UTC time as UK local time, GOV.UK style: 5 March 2027 at 2:30pm."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    text = local.strftime(fmt)
    return (
        text.replace("AM", "am").replace("PM", "pm").replace(":00am", "am").replace(":00pm", "pm")
    )


def london_date(value: datetime | None) -> str:
    return london(value, "%-d %B %Y")


def paragraphs(value: str | Markup | None) -> Markup:
    """Text as GOV.UK paragraphs: blank lines separate paragraphs, single newlines break lines.

    Plain text is escaped first; Markup (already-escaped text, e.g. with highlights) is kept.
    """
    if not value:
        return Markup("")
    safe = value if isinstance(value, Markup) else escape(value)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", str(safe).replace("\r\n", "\n")) if b.strip()]
    return Markup(  # noqa: S704 - built from escaped text only
        "".join(f'<p class="govuk-body">{b.replace(chr(10), "<br>")}</p>' for b in blocks)
    )


def gbp(value: int | None) -> str:
    return "" if value is None else f"£{value:,}"


# (route name, label, roles that see it; None = everyone), in the order shown.
NAVIGATION: tuple[tuple[str, str, frozenset[str] | None], ...] = (
    ("challenges:index", "Find a challenge", None),
    ("challenges:yours", "Your challenges", frozenset({"council_officer"})),
    ("panels:index", "Review panels", frozenset({"council_officer"})),
    ("matches:for_you", "Challenges that fit you", frozenset({"startup_member"})),
    ("proposals:index", "Your proposals", frozenset({"startup_member"})),
    ("reviews:list", "Your reviews", frozenset({"reviewer"})),
    ("accounts:bodies", "Public bodies to verify", frozenset({"admin"})),
)


PATH_CACHE_SIZE = 4096


def _path_for(router: Router, name: str, params: tuple[tuple[str, Any], ...]) -> URLPath:
    # Starlette finds a route's path by trying every route in turn (an exception for each
    # miss); pages ask for the same few dozen paths on every render, so each router keeps
    # the ones it has worked out (a Router cannot be a dictionary key itself).
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], URLPath] | None = getattr(
        router, "_urbanchallenge_paths", None
    )
    if cache is None or len(cache) >= PATH_CACHE_SIZE:
        cache = {}
        setattr(router, "_urbanchallenge_paths", cache)  # noqa: B010 - not a Router attribute
    key = (name, params)
    found = cache.get(key)
    if found is None:
        found = cache[key] = router.url_path_for(name, **dict(params))
    return found


def url_for(request: Request, name: str, /, **path_params: Any) -> URL:
    """``request.url_for``, with each route's path worked out once per process."""
    provider = request.scope.get("router") or request.app.router
    path = _path_for(provider, name, tuple(sorted(path_params.items())))
    return path.make_absolute_url(base_url=request.base_url)


@pass_context
def _template_url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
    return url_for(context["request"], name, **path_params)


def navigation(request: Request, role: str | None) -> list[dict[str, Any]]:
    """The service navigation for this visitor: what their role uses, the current page marked."""
    path = request.url.path
    items: list[dict[str, Any]] = []
    for name, label, roles in NAVIGATION:
        if roles is None or (role is not None and role in roles):
            href = url_for(request, name).path
            items.append({"href": href, "text": label, "active": False})
    if role is None:
        items += [
            {"href": url_for(request, "accounts:sign_in").path, "text": "Sign in", "active": False},
            {
                "href": url_for(request, "accounts:register_start").path,
                "text": "Register",
                "active": False,
            },
        ]
    else:
        items.append(
            {
                "href": url_for(request, "accounts:account").path,
                "text": "Your account",
                "active": False,
            }
        )
    # A view may name its section (an officer's own challenge belongs to "Your challenges",
    # though its address is under /challenges/); otherwise the longest matching prefix is
    # the current section (so /challenges/yours is not "Find a challenge").
    section = request.scope.get("state", {}).get("nav_section")
    chosen = url_for(request, section).path if section else None
    best = max(
        (
            i
            for i in items
            if i["href"] == chosen
            or (
                chosen is None
                and (path == i["href"] or path.startswith(i["href"].rstrip("/") + "/"))
            )
        ),
        key=lambda i: len(str(i["href"])),
        default=None,
    )
    if best is not None:
        # "current" on the section's own page (aria-current="page"), "active" within it.
        best["active"] = True
        best["current"] = path == best["href"]
    return items


def _context(request: Request) -> dict[str, Any]:
    state = request.scope.get("state", {})
    token_getter = request.scope.get("csrftoken")
    user = request.scope.get("user")
    signed_in = user if getattr(user, "is_authenticated", False) else None
    request.scope.setdefault("router", request.app.router)
    return {
        "navigation": navigation(request, signed_in.role.value if signed_in else None),
        "current_user": signed_in,
        "csrf_token": token_getter() if callable(token_getter) else "",
        "cspNonce": state.get("csp_nonce", ""),
        "service_name": request.app.state.settings.service_name,
    }


# GOV.UK Frontend components whose output depends on nothing but their parameters, and that
# pages draw many times over (tags down a list) or identically on every view (the filters
# of the challenge list): rendered once per distinct parameters, see :func:`remembered`.
REMEMBERED_COMPONENTS = {
    "tag": ("govuk_frontend_jinja/components/tag/macro.html", "govukTag"),
    "select": ("govuk_frontend_jinja/components/select/macro.html", "govukSelect"),
}
Frozen = tuple[Any, ...] | str | int | float | bool | None


def _frozen(value: Any) -> Frozen:
    """A hashable copy of macro parameters that keeps Markup apart from plain text."""
    if isinstance(value, Markup):
        return ("markup", str(value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _frozen(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(_frozen(v) for v in value))
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot remember a component given {type(value).__name__}")


def _thawed(value: Frozen) -> Any:
    if not isinstance(value, tuple):
        return value
    kind, inner = value
    if kind == "markup":
        return Markup(inner)  # noqa: S704 - it was Markup when it was frozen
    if kind == "dict":
        return {k: _thawed(v) for k, v in inner}
    return [_thawed(v) for v in inner]


@functools.lru_cache(maxsize=4096)
def _render_component(component: str, params: Frozen) -> Markup:
    path, name = REMEMBERED_COMPONENTS[component]
    macro = getattr(build_templates().env.get_template(path).module, name)
    rendered: Markup = macro(_thawed(params))  # escaped by the macro
    return rendered


def remembered(component: str, params: dict[str, Any]) -> Markup:
    """The GOV.UK ``component`` (a key of REMEMBERED_COMPONENTS) drawn with ``params``, as
    its macro draws it, each distinct set of parameters rendered once per process."""
    return _render_component(component, _frozen(params))


def govuk_tag(text: str, classes: str = "") -> Markup:
    """``govukTag({'text': text, 'classes': classes})``, remembered."""
    return remembered("tag", {"text": text, "classes": classes})


@functools.cache
def build_templates() -> Jinja2Templates:
    """The one template environment, shared by every app in the process (it holds no state
    but compiled templates, so tests that build many apps compile each template once)."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES_DIR),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates are read once per process: no file-system check on every render
        # (each page imports a dozen macro files). Restart the server after editing one.
        auto_reload=False,
    )
    env.globals["url_for"] = _template_url_for
    env.globals["govuk_tag"] = govuk_tag
    env.globals["remembered"] = remembered
    env.filters["london"] = london
    env.filters["london_date"] = london_date
    env.filters["gbp"] = gbp
    env.filters["paragraphs"] = paragraphs
    return Jinja2Templates(env=env, context_processors=[_context])
