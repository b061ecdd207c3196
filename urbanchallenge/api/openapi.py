"""Build the OpenAPI 3.1 document from the declared operations."""

from __future__ import annotations

import re
from typing import Any

from urbanchallenge import __version__
from urbanchallenge.api.core import ApiRoutes, Operation
from urbanchallenge.api.schema import COMPONENTS, PROBLEM

ERRORS = {
    400: "The body is not valid JSON",
    401: "No Bearer token, or not a valid one",
    403: "Your role cannot use this endpoint",
    404: "Not found (or belongs to another organisation)",
    409: "Not possible in the current state",
    422: "Invalid fields, each listed in errors",
    429: "Too many attempts",
}
BAD_CREDENTIALS = "The email address or password is not correct"


def _operation(op: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, (description, schema) in sorted(op.responses.items()):
        entry: dict[str, Any] = {"description": description}
        if schema is not None:
            entry["content"] = {"application/json": {"schema": schema}}
        responses[str(status)] = entry
    error_statuses = {422}
    if op.body is not None:
        error_statuses.add(400)
    if op.roles is not None or op.optional_auth:
        error_statuses.add(401)
    if op.roles is not None and len(op.roles) < 4:
        error_statuses.add(403)
    if "{" in op.path:
        error_statuses.add(404)
    if op.method in {"POST", "PUT", "PATCH", "DELETE"} and op.roles is not None:
        error_statuses.add(409)
    if op.path == "/tokens":
        # A wrong email or password is 401, and too many of them 429.
        error_statuses |= {401, 429}
    for status in sorted(error_statuses):
        responses[str(status)] = {
            "description": BAD_CREDENTIALS
            if op.path == "/tokens" and status == 401
            else ERRORS[status],
            "content": {"application/problem+json": {"schema": PROBLEM}},
        }
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
        for name in re.findall(r"\{(\w+):int\}", op.path)
    ]
    parameters += [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "schema": p.schema,
            **({"description": p.description} if p.description else {}),
        }
        for p in op.query
    ]
    document: dict[str, Any] = {
        "summary": op.summary,
        "operationId": op.handler.__module__.rsplit(".", 2)[-2] + "_" + op.handler.__name__,
        "tags": [op.tag],
        "responses": responses,
    }
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": op.body}},
        }
    if op.roles is not None:
        document["security"] = [{"bearerAuth": []}]
        if len(op.roles) < 4:
            document["description"] = "Roles: " + ", ".join(sorted(r.value for r in op.roles))
    elif op.optional_auth:
        document["security"] = [{}, {"bearerAuth": []}]
    return document


def build_document(areas: list[ApiRoutes], base: str = "/api/v1") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for area in areas:
        for op in area.operations:
            paths.setdefault(base + op.openapi_path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "UrbanChallenge API",
            "version": __version__,
            "description": (
                "Public bodies post challenges, start-ups submit proposals, panels score "
                "them. JSON in and out; errors are application/problem+json."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": a.tag, "description": a.description} for a in areas],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(COMPONENTS.items())),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /api/v1/tokens.",
                }
            },
        },
    }
