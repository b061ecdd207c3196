"""What the load figures needed: route paths worked out once, templates read once, tags
rendered once.

The speed itself is measured by `make bench` (docs/benchmarks.md); these tests only show
the faster ways give exactly the answers the slower ones gave.
"""

from __future__ import annotations

import pytest
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import NoMatchFound

from urbanchallenge import templating


def request_for(app: Starlette) -> Request:
    return Request(
        {
            "type": "http",
            "app": app,
            "router": app.router,
            "method": "GET",
            "path": "/",
            "scheme": "https",
            "server": ("testserver", 443),
            "headers": [(b"host", b"testserver")],
            "query_string": b"",
        }
    )


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("home", {}),
        ("challenges:index", {}),
        ("challenges:detail", {"id": 7}),
        ("matches:challenge", {"id": 12}),
        ("panels:results", {"challenge_id": 3}),
        ("reviews:proposal", {"proposal_id": 9}),
        ("accounts:sign_in", {}),
        ("invitations:accept", {"token": "abc"}),
    ],
)
def test_a_remembered_route_path_is_the_one_starlette_would_build(
    app: Starlette, name: str, params: dict[str, object]
) -> None:
    request = request_for(app)

    first = templating.url_for(request, name, **params)
    again = templating.url_for(request, name, **params)

    assert first == again == request.url_for(name, **params)


def test_an_unknown_route_name_is_still_an_error(app: Starlette) -> None:
    with pytest.raises(NoMatchFound):
        templating.url_for(request_for(app), "no:such-page")


def test_templates_use_the_remembered_paths_and_are_not_re_read_on_every_render() -> None:
    env = templating.build_templates().env

    assert env.globals["url_for"] is templating._template_url_for
    assert env.auto_reload is False


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        ("bus punctuality", "govuk-tag--grey"),
        ("<script>alert(1)</script>", ""),
        ("O'Neil & Co", "x"),
    ],
)
def test_a_remembered_tag_is_the_macro_s_own_output_escaped(text: str, classes: str) -> None:
    env = templating.build_templates().env
    by_macro = env.from_string(
        '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
        "{{ govukTag({'text': text, 'classes': classes}) }}"
    ).render(text=text, classes=classes)

    assert templating.govuk_tag(text, classes) == templating.govuk_tag(text, classes) == by_macro
    assert "<script>" not in templating.govuk_tag(text, classes)


def test_a_remembered_select_is_the_macro_s_own_output() -> None:
    env = templating.build_templates().env
    params = {
        "id": "body",
        "name": "body",
        "label": {"text": "Public body", "classes": "govuk-label--s"},
        "items": [
            {"value": "", "text": "All public bodies", "selected": False},
            {"value": "3", "text": "Sandwell <Metropolitan> & Co", "selected": True},
        ],
        "classes": "govuk-!-width-full",
    }
    by_macro = env.from_string(
        '{% from "govuk_frontend_jinja/components/select/macro.html" import govukSelect %}'
        "{{ govukSelect(params) }}"
    ).render(params=params)

    assert templating.remembered("select", params) == by_macro
    assert templating.remembered("select", params) == by_macro  # and again, from memory
    assert "&lt;Metropolitan&gt; &amp; Co" in by_macro


def test_markup_and_plain_text_are_remembered_apart() -> None:
    plain = templating.remembered("tag", {"text": "<b>bold</b>"})
    marked = templating.remembered("tag", {"text": Markup("<b>bold</b>")})

    assert "&lt;b&gt;" in plain and "<b>bold</b>" in marked


def test_only_plain_parameters_can_be_remembered() -> None:
    with pytest.raises(TypeError):
        templating.remembered("tag", {"text": object()})
