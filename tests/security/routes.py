"""Every route the app serves, read from its router and the API declarations, so a route
added tomorrow is in these tests the day it is added."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from urbanchallenge.api.routes import AREAS

API_PREFIX = "/api/v1"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")

RouteKey = tuple[str, str]  # (method, path as declared, e.g. /challenges/{id:int})


def _walk(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[RouteKey]:
    for route in routes:
        if isinstance(route, Mount):
            if route.routes:
                yield from _walk(route.routes, prefix + route.path)
            else:  # an ASGI app such as StaticFiles: everything under its path
                yield ("GET", prefix + route.path + "/{path:path}")
        elif isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    yield (method, prefix + route.path)


def router_routes(app: Starlette) -> set[RouteKey]:
    """(method, path) for every route of the app's router, mounts included."""
    return set(_walk(app.routes))


def api_operations() -> set[RouteKey]:
    """(method, path) for every operation declared in an area's ApiRoutes."""
    return {(op.method, API_PREFIX + op.path) for area in AREAS for op in area.operations}


def all_routes(app: Starlette) -> set[RouteKey]:
    return router_routes(app) | api_operations()


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def page_posts(app: Starlette) -> list[RouteKey]:
    """Every state-changing HTML route (pages post forms; only the API uses other methods)."""
    found = sorted((m, p) for m, p in router_routes(app) if m in STATE_CHANGING and not is_api(p))
    assert all(m == "POST" for m, _ in found), found
    return found


def params(path: str) -> list[str]:
    return PARAM.findall(path)


def fill(path: str, **values: object) -> str:
    """The path with each {name:type} replaced by ``values[name]``."""
    return PARAM.sub(lambda m: str(values[m.group(1)]), path)
