"""Declaring API endpoints: authentication, roles, body validation and error mapping in one place.

A handler receives an :class:`ApiCall` (the signed-in user, the validated JSON body,
path and query parameters) and returns a :class:`Reply`. Everything that can go wrong
becomes application/problem+json: 400 unreadable JSON, 401 no or bad token, 403 wrong
role, 404 not found (including another organisation's object), 409 illegal state,
422 invalid fields (each listed in ``errors``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from urbanchallenge.accounts.models import Role, User
from urbanchallenge.api.schema import COMPONENTS, PROBLEM, Schema
from urbanchallenge.domain import DomainError
from urbanchallenge.errors import problem
from urbanchallenge.validation import ValidationFailed


@dataclass
class Reply:
    """A JSON answer: ``Reply(201, {...})``."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ApiCall:
    request: Request
    user: User | None
    body: dict[str, Any]
    path: dict[str, Any]
    query: Mapping[str, str]

    @property
    def actor(self) -> User:
        """The signed-in user, for endpoints that require one."""
        assert self.user is not None
        return self.user


Handler = Callable[[ApiCall], Awaitable[Reply]]


@dataclass(frozen=True)
class QueryParam:
    name: str
    schema: Schema
    description: str = ""
    required: bool = False


@dataclass
class Operation:
    method: str
    path: str  # Starlette form, e.g. /challenges/{id:int}
    handler: Handler
    summary: str
    tag: str
    roles: frozenset[Role] | None  # None: public, no token needed
    body: Schema | None
    responses: dict[int, tuple[str, Schema | None]]
    query: tuple[QueryParam, ...]
    optional_auth: bool = False

    @property
    def openapi_path(self) -> str:
        return re.sub(r"\{(\w+):\w+\}", r"{\1}", self.path)


def _field_of(error: SchemaError) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = re.match(r"'([^']+)' is a required property", error.message)
        if missing:
            path.append(missing.group(1))
    elif error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        if extra:
            path.append(extra[0])
    return ".".join(path) or "body"


def _message_of(error: SchemaError) -> str:
    kind = error.validator
    value: Any = error.validator_value
    if kind == "required":
        return "This field is required"
    if kind == "additionalProperties":
        return "This field is not allowed here"
    if kind == "type":
        expected = value
        names = expected if isinstance(expected, list) else [expected]
        return "Must be " + " or ".join(
            {"string": "text", "integer": "a whole number", "object": "an object"}.get(n, f"a {n}")
            for n in names
        )
    if kind == "maxLength":
        return f"Must be {value} characters or fewer"
    if kind == "minLength":
        return "Must not be empty" if value == 1 else (f"Must be {value} characters or more")
    if kind == "enum":
        return "Must be one of: " + ", ".join(str(v) for v in value)
    if kind in {"minimum", "maximum"}:
        word = "at least" if kind == "minimum" else "at most"
        return f"Must be {word} {value}"
    if kind in {"maxItems", "minItems"}:
        word = "at most" if kind == "maxItems" else "at least"
        return f"Must have {word} {value} items"
    if kind == "format":
        return "Must be a date and time like 2027-03-01T12:00:00Z"
    return str(error.message)


def schema_errors(schema: Schema, value: Any) -> list[dict[str, str]]:
    """Every problem with ``value`` against ``schema``, one entry per field."""
    validator = Draft202012Validator(
        {**schema, "components": {"schemas": COMPONENTS}},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    found: dict[str, str] = {}
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        found.setdefault(_field_of(error), _message_of(error))
    return [{"field": k, "message": v} for k, v in found.items()]


def validation_problem(errors: list[dict[str, str]]) -> JSONResponse:
    return problem(
        422,
        "Some fields are missing or not valid: see errors.",
        errors=errors,
    )


async def bearer_user(request: Request) -> User | bool | None:
    """The user of a valid Bearer token; False if a token was sent but is not valid."""
    from urbanchallenge.accounts.tokens import user_for_token

    header = request.headers.get("authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    user = await user_for_token(token.strip())
    return user if user is not None else False


def _unauthorised(detail: str) -> JSONResponse:
    response = problem(401, detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="urbanchallenge"'
    return response


class ApiRoutes:
    """The endpoints of one area, declared with :meth:`route` (or get/post/put/patch)."""

    def __init__(self, tag: str, description: str = "") -> None:
        self.tag = tag
        self.description = description
        self.operations: list[Operation] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        roles: Iterable[Role] | None = None,
        signed_in: bool = False,
        optional_auth: bool = False,
        body: Schema | None = None,
        query: Iterable[QueryParam] = (),
        responses: Mapping[int, tuple[str, Schema | None]],
    ) -> Callable[[Handler], Handler]:
        """Declare an endpoint.

        ``roles``: only these roles (403 for others); ``signed_in``: any role; neither:
        public. ``optional_auth`` lets a public endpoint see the caller if a token is sent.
        ``responses`` maps each success status to (description, schema); the error
        responses are added for you.
        """
        allowed: frozenset[Role] | None = None
        if roles is not None:
            allowed = frozenset(roles)
        elif signed_in:
            allowed = frozenset(Role)

        def register(handler: Handler) -> Handler:
            self.operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    handler=handler,
                    summary=summary,
                    tag=self.tag,
                    roles=allowed,
                    body=body,
                    responses=dict(responses),
                    query=tuple(query),
                    optional_auth=optional_auth,
                )
            )
            return handler

        return register

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **kw)

    def starlette_routes(self) -> list[Route]:
        by_path: dict[str, list[Operation]] = {}
        for operation in self.operations:
            by_path.setdefault(operation.path, []).append(operation)
        return [
            Route(path, _dispatcher(ops), methods=[op.method for op in ops])
            for path, ops in by_path.items()
        ]


def _dispatcher(operations: list[Operation]) -> Callable[[Request], Awaitable[Response]]:
    by_method = {op.method: op for op in operations}

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await _run(by_method[method], request)

    return dispatch


async def _run(operation: Operation, request: Request) -> Response:
    user: User | None = None
    if operation.roles is not None or operation.optional_auth:
        found = await bearer_user(request)
        if found is False:
            return _unauthorised("The Bearer token is not valid or has expired.")
        user = found if isinstance(found, User) else None
        if operation.roles is not None:
            if user is None:
                return _unauthorised("Send a Bearer token: POST /api/v1/tokens gives one.")
            if user.role not in operation.roles:
                return problem(403, "Your account's role cannot use this endpoint.")

    body: dict[str, Any] = {}
    if operation.body is not None:
        raw = await request.body()
        try:
            parsed = json.loads(raw) if raw else None
        except (ValueError, UnicodeDecodeError):
            return problem(400, "The request body is not valid JSON.")
        errors = schema_errors(operation.body, parsed)
        if errors:
            return validation_problem(errors)
        body = parsed if isinstance(parsed, dict) else {}

    query_errors = []
    for param in operation.query:
        value = request.query_params.get(param.name)
        if value is None:
            if param.required:
                query_errors.append({"field": param.name, "message": "This parameter is required"})
            continue
        if param.schema.get("type") == "integer" and not re.fullmatch(r"-?\d{1,9}", value):
            query_errors.append({"field": param.name, "message": "Must be a whole number"})
        elif "enum" in param.schema and value not in param.schema["enum"]:
            query_errors.append(
                {
                    "field": param.name,
                    "message": "Must be one of: " + ", ".join(param.schema["enum"]),
                }
            )
        elif len(value) > param.schema.get("maxLength", 1000):
            query_errors.append({"field": param.name, "message": "Too long"})
    if query_errors:
        return validation_problem(query_errors)

    call = ApiCall(
        request=request,
        user=user,
        body=body,
        path=dict(request.path_params),
        query=request.query_params,
    )
    try:
        reply = await operation.handler(call)
    except ValidationFailed as exc:
        return validation_problem([{"field": k, "message": v} for k, v in exc.errors.items()])
    except DomainError as exc:
        return problem(exc.status_code, exc.detail)
    if reply.status == 204:
        return Response(status_code=204, headers=reply.headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)


PROBLEM_SCHEMA = PROBLEM
