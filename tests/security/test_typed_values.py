"""No value a person can type into any form field or query parameter of any page is a
server error.

Every page form the access matrix posts (tests/security/test_access_matrix.py) is sent again
with each field in turn holding each awkward value below, as an actor the form is meant for;
every page is asked for again with each query parameter the views read holding them. Each
request runs in a transaction that is rolled back, as in the matrix. The answers must be a
page (200, 303 or a 4xx with its own message), never 5xx. The JSON API has the same
guarantee from the schema-driven fuzz (test_api_fuzz.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.security.conftest import Caller
from tests.security.routes import is_api
from tests.security.test_access_matrix import TABLE, Case
from tests.security.test_csrf import _allowed
from tests.security.world import World

AWKWARD = [
    "\u00b2",  # a digit to str.isdigit(), not to int()
    "9" * 25,  # past every integer column
    "-1",
    "",
    "\u0000",
    "\U0001f4a5 <script>alert(1)</script>",
    "1e309",
    "x" * 5_000,
]
# every query parameter a view reads (grep query_params / params.get in urbanchallenge/)
QUERY_PARAMETERS = [
    "added",
    "body",
    "challenge",
    "closing_soon",
    "done",
    "joined",
    "next",
    "notice",
    "organisation",
    "page",
    "password",
    "q",
    "saved",
    "service_area",
    "sort",
    "verified",
    "welcome",
]


def _page_cases(method: str, *, with_body: bool) -> list[tuple[str, int]]:
    return [
        (f"{m} {path}", number)
        for (m, path), cases in sorted(TABLE.items())
        for number, case in enumerate(cases)
        if m == method and not is_api(path) and (case.body is not None) == with_body
    ]


def _case(key: str, number: int) -> Case:
    method, path = key.split(" ", 1)
    return TABLE[(method, path)][number]


@pytest.mark.parametrize(("key", "number"), _page_cases("POST", with_body=True))
async def test_no_value_typed_into_a_form_field_is_a_server_error(
    caller: Caller, world: World, key: str, number: int
) -> None:
    case = _case(key, number)
    assert case.body is not None
    actor = world.actors[_allowed(case)[0]]
    url = case.url(world)
    form = dict(case.body(world))
    for field in form:
        for value in AWKWARD:
            response = await caller.isolated(actor, "POST", url, form={**form, field: value})
            assert response.status_code < 500, (key, field, value[:20], response.text[:300])


@pytest.mark.parametrize(
    ("key", "number"), _page_cases("GET", with_body=False) + _page_cases("POST", with_body=False)
)
async def test_no_value_typed_into_a_query_parameter_is_a_server_error(
    caller: Caller, world: World, key: str, number: int
) -> None:
    case = _case(key, number)
    method = key.split(" ", 1)[0]
    actor = world.actors[_allowed(case)[0]]
    url = case.url(world)
    for value in AWKWARD[:4]:
        query = urlencode(dict.fromkeys(QUERY_PARAMETERS, value))
        response = await caller.isolated(actor, method, f"{url}?{query}")
        assert response.status_code < 500, (key, value[:20], response.text[:300])
