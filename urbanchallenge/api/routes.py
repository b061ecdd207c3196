"""Mount every area's API under /api/v1 and serve the OpenAPI document."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from urbanchallenge.accounts.api import api as accounts_api
from urbanchallenge.api.core import ApiRoutes
from urbanchallenge.api.openapi import build_document
from urbanchallenge.challenges.api import api as challenges_api
from urbanchallenge.proposals.api import api as proposals_api
from urbanchallenge.ranking.api import api as ranking_api
from urbanchallenge.reviews.api import api as reviews_api

AREAS: list[ApiRoutes] = [accounts_api, challenges_api, proposals_api, ranking_api, reviews_api]


def routes() -> list[BaseRoute]:
    document = build_document(AREAS)

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(document)

    v1: list[BaseRoute] = []
    for area in AREAS:
        v1.extend(area.starlette_routes())
    return [
        Route("/api/openapi.json", openapi, name="openapi"),
        Mount("/api/v1", routes=v1, name="api"),
    ]
