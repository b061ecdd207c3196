"""The JSON API at /api/v1: Bearer tokens, problem+json errors, an OpenAPI 3 document.

Each area declares its endpoints with an :class:`ApiRoutes` in its own ``api.py``;
``urbanchallenge.api.routes`` mounts them all and builds ``/api/openapi.json`` from
the same declarations, so the document cannot drift from the code.
"""

from urbanchallenge.api.core import ApiCall, ApiRoutes, Reply
from urbanchallenge.api.schema import (
    array,
    boolean,
    date_time,
    define,
    integer,
    nullable,
    number,
    obj,
    string,
)

__all__ = [
    "ApiCall",
    "ApiRoutes",
    "Reply",
    "array",
    "boolean",
    "date_time",
    "define",
    "integer",
    "nullable",
    "number",
    "obj",
    "string",
]
