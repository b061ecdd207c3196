"""Small builders for the JSON Schemas the API validates requests with and documents.

Named schemas go into one registry (``COMPONENTS``) and are referenced with
``{"$ref": "#/components/schemas/Name"}``, as OpenAPI 3.1 expects.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
COMPONENTS: dict[str, Schema] = {}


def define(name: str, schema: Schema) -> Schema:
    """Register a named schema; return a reference to it."""
    existing = COMPONENTS.get(name)
    if existing is not None and existing != schema:
        raise ValueError(f"schema {name!r} is defined twice, differently")
    COMPONENTS[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def string(
    *,
    max_length: int | None = None,
    min_length: int | None = None,
    enum: list[str] | None = None,
    fmt: str | None = None,
    description: str | None = None,
) -> Schema:
    schema: Schema = {"type": "string"}
    if max_length is not None:
        schema["maxLength"] = max_length
    if min_length is not None:
        schema["minLength"] = min_length
    if enum is not None:
        schema["enum"] = enum
    if fmt is not None:
        schema["format"] = fmt
    if description:
        schema["description"] = description
    return schema


def date_time(description: str | None = None) -> Schema:
    return string(fmt="date-time", description=description)


def integer(
    *, minimum: int | None = None, maximum: int | None = None, description: str | None = None
) -> Schema:
    schema: Schema = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    if description:
        schema["description"] = description
    return schema


def number(*, minimum: float | None = None, maximum: float | None = None) -> Schema:
    schema: Schema = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def boolean(description: str | None = None) -> Schema:
    schema: Schema = {"type": "boolean"}
    if description:
        schema["description"] = description
    return schema


def array(items: Schema, *, max_items: int | None = None, min_items: int | None = None) -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if max_items is not None:
        schema["maxItems"] = max_items
    if min_items is not None:
        schema["minItems"] = min_items
    return schema


def nullable(schema: Schema) -> Schema:
    """Allow null as well (OpenAPI 3.1 / JSON Schema style)."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(
    properties: dict[str, Schema],
    *,
    required: list[str] | None = None,
    additional: bool = False,
    description: str | None = None,
) -> Schema:
    """An object; by default every property is required and no others are allowed."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": additional,
    }
    if description:
        schema["description"] = description
    return schema


PROBLEM = define(
    "Problem",
    obj(
        {
            "type": string(),
            "status": integer(minimum=100, maximum=599),
            "title": string(),
            "detail": string(),
            "errors": array(obj({"field": string(), "message": string()})),
        },
        required=["status", "title", "detail"],
        description="An error, as application/problem+json (RFC 9457).",
    ),
)
