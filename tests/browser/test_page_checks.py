"""The checks made on every page catch what they are there to catch.

A page served by the test itself (never by the app) breaks every rule once: an
inline script and an inline style the CSP refuses, a script that logs an error and
throws, an image without a text alternative, a missing image. If a check stopped
working, the journeys would pass for the wrong reason; these tests would fail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Route

from tests.browser.pages import Journey, KnownBug, Site, verdict

ORIGIN = "http://checks.test"
POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"
BROKEN_PAGE = """<!doctype html>
<html lang="en"><head><title>Broken page</title><script src="/broken.js"></script></head>
<body><main><h1>Broken page</h1>
<p style="color: red">Styled inline.</p>
<script>document.title = 'inline script ran';</script>
<img src="/chart.png">
</main></body></html>
"""
PLAIN_PAGE = """<!doctype html>
<html lang="en"><head><title>{title}</title></head>
<body><main><h1>{title}</h1><p>Nothing wrong here.</p></main></body></html>
"""


async def serve(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN)
    headers = {"Content-Security-Policy": POLICY}
    if path == "/broken":
        await route.fulfill(body=BROKEN_PAGE, content_type="text/html", headers=headers)
    elif path == "/broken.js":
        await route.fulfill(
            body="console.error('the chart failed'); throw new TypeError('chart is undefined');",
            content_type="text/javascript",
        )
    elif path == "/gone":
        html = PLAIN_PAGE.format(title="Page not found")
        await route.fulfill(status=404, body=html, content_type="text/html", headers=headers)
    elif path == "/fine":
        html = PLAIN_PAGE.format(title="A fine page")
        await route.fulfill(body=html, content_type="text/html", headers=headers)
    else:
        await route.fulfill(status=404, body="missing", content_type="text/plain")


@pytest.fixture
def fake_site(tmp_path: Path) -> Site:
    log = tmp_path / "server.log"
    log.write_text('INFO: 127.0.0.1 - "GET /fine HTTP/1.1" 200 OK\n')
    return Site(url=ORIGIN, dialect="self-check", log=log)


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
async def journey(
    request: pytest.FixtureRequest, browser: Browser, fake_site: Site
) -> AsyncIterator[Journey]:
    javascript: bool = request.param
    name = "self-check-" + ("javascript" if javascript else "no-javascript")
    checked = Journey(browser, fake_site, name, javascript=javascript)
    yield checked
    await checked.close()


async def test_a_page_breaking_the_rules_is_reported_for_each_rule(journey: Journey) -> None:
    person = await journey.visitor("tester")
    await person.page.route(f"{ORIGIN}/**", serve)
    await person.go(f"{ORIGIN}/broken")
    await person.see("broken page", "Broken page")
    person.flush()

    found = {(p.kind, p.rule) for p in journey.problems}
    texts = " ".join(p.detail for p in journey.problems)
    assert ("CSP violation", "console") in found, journey.problems
    assert "inline style" in texts
    assert ("console error", "console") in found  # the missing image
    assert "404" in texts
    if journey.javascript:
        assert "inline script" in texts
        assert ("CSP violation", "securitypolicyviolation") in found
        assert "the chart failed" in texts
        assert ("uncaught error", "TypeError") in found
        assert ("accessibility", "image-alt") in found
        assert "critical" in texts and "img" in texts  # impact and the failing selector


async def test_a_page_answering_404_on_purpose_is_not_a_console_error(journey: Journey) -> None:
    person = await journey.visitor("tester")
    await person.page.route(f"{ORIGIN}/**", serve)
    await person.go(f"{ORIGIN}/gone")
    await person.see("a page that is not there", "Page not found", status=404)
    await person.go(f"{ORIGIN}/fine")
    await person.see("a fine page", "A fine page")
    person.flush()

    assert journey.problems == []


async def test_a_page_with_an_unexpected_status_stops_the_journey(journey: Journey) -> None:
    person = await journey.visitor("tester")
    await person.page.route(f"{ORIGIN}/**", serve)
    await person.go(f"{ORIGIN}/gone")
    with pytest.raises(AssertionError, match="expected HTTP 200"):
        await person.see("a page that should be there", "Page not found")


async def test_the_verdict_fails_on_unknown_problems_and_xfails_only_on_known_ones(
    journey: Journey, fake_site: Site
) -> None:
    person = await journey.visitor("tester")
    await person.page.route(f"{ORIGIN}/**", serve)
    await person.go(f"{ORIGIN}/fine")
    await person.see("declare interests", "A fine page")
    person.problem("accessibility", "aria-allowed-attr", "critical: at #conflict-2")

    known = KnownBug("accessibility", "aria-allowed-attr", journey.name, "declare", "a bug")
    with pytest.raises(pytest.xfail.Exception, match="a bug"):
        verdict(fake_site, [journey], [known])

    other = KnownBug("accessibility", "aria-allowed-attr", "another journey", "declare", "x")
    with pytest.raises(pytest.fail.Exception, match="aria-allowed-attr"):
        verdict(fake_site, [journey], [other])

    journey.problems.clear()
    if journey.javascript:
        with pytest.raises(pytest.fail.Exception, match="no longer seen"):
            verdict(fake_site, [journey], [known])
    else:
        verdict(fake_site, [journey], [known])  # axe cannot run here: no evidence of a fix

    fake_site.log.write_text('INFO: 127.0.0.1 - "POST /x HTTP/1.1" 500 Internal Server Error\n')
    with pytest.raises(pytest.fail.Exception, match="server log"):
        verdict(fake_site, [journey], [])
