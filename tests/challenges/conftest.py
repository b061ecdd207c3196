"""Share one compiled template environment across this folder's tests.

Compiling the GOV.UK Frontend macros takes about half a second per app; the
environment holds no per-request state, so every test's app can reuse it.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.templating import Jinja2Templates

from urbanchallenge.app import create_app
from urbanchallenge.settings import Settings

_shared: dict[str, Jinja2Templates] = {}


@pytest.fixture
def app(settings: Settings) -> Starlette:
    built = create_app(settings, manage_database=False)
    built.state.templates = _shared.setdefault("templates", built.state.templates)
    return built
