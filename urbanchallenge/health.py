"""GET /_status: is the app up and can it reach its database?"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from urbanchallenge import __version__
from urbanchallenge.db import dialect, ping

log = logging.getLogger("urbanchallenge")


async def status(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    body: dict[str, object] = {"status": "ok", "version": __version__}
    try:
        server = await ping()
    except Exception as exc:  # any failure to reach the database is reported, not raised
        log.warning("Health check could not reach the database: %s", exc)
        body["status"] = "unavailable"
        body["database"] = {"reachable": False, "dialect": dialect(settings.database_url)}
        return JSONResponse(body, status_code=503)
    body["database"] = {
        "reachable": True,
        "dialect": dialect(settings.database_url),
        "server": server,
    }
    return JSONResponse(body)
