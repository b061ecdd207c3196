"""GET /_status: is the app up and can it reach its database?"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from urbanchallenge import __version__
from urbanchallenge.db import dialect, ping

log = logging.getLogger("urbanchallenge")

# A load balancer's health check must get an answer in bounded time, even from a
# database that accepts connections but does not answer.
PING_TIMEOUT_SECONDS = 5
RETRY_AFTER_SECONDS = 10


async def status(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    body: dict[str, object] = {"status": "ok", "version": __version__}
    try:
        server = await asyncio.wait_for(ping(), timeout=PING_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure to reach the database is reported, not raised
        log.warning("Health check could not reach the database: %r", exc)
        body["status"] = "unavailable"
        body["database"] = {"reachable": False, "dialect": dialect(settings.database_url)}
        return JSONResponse(
            body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    body["database"] = {
        "reachable": True,
        "dialect": dialect(settings.database_url),
        "server": server,
    }
    kept = request.app.state.kept_sessions
    if kept is not None:
        # False while this process is not hearing of session changes: it then reads every
        # session from the database (slower, never wrong), until it listens again.
        body["sessions"] = {"kept_in_memory": kept.listening}
    return JSONResponse(body)
