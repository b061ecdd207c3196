"""Every page wears the GOV.UK Design System as a non-GOV.UK service must, with strict headers."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import make_user, sign_in_as
from urbanchallenge.accounts.models import Role

PUBLIC_PAGES = ["/", "/sign-in", "/register", "/register/start-up", "/register/public-body"]


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/no-such-page"])
async def test_no_page_claims_to_be_gov_uk(client: httpx.AsyncClient, path: str) -> None:
    html = (await client.get(path)).text

    assert "GOV.UK - The best place" not in html
    assert "Crown copyright" not in html
    assert "govuk-logo" not in html and "crown" not in html.lower()
    assert "govuk-header__logotype" not in html
    assert "GDS Transport" not in html
    assert re.search(r"<title>[^<]+ - UrbanChallenge</title>", html)
    assert 'class="govuk-generic-header' in html
    assert "UrbanChallenge" in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
async def test_pages_have_the_skip_link_phase_banner_and_footer(
    client: httpx.AsyncClient, path: str
) -> None:
    html = (await client.get(path)).text
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "govuk-phase-banner" in html
    assert "govuk-footer" in html
    assert 'lang="en-GB"' in html
    assert 'href="/assets/stylesheets/application.css"' in html


async def test_anonymous_visitors_are_offered_challenges_sign_in_and_register(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get("/")).text
    for link in ('href="/challenges/"', 'href="/sign-in"', 'href="/register"'):
        assert link in html, link
    assert "Sign out" not in html


NAV_BY_ROLE = {
    Role.COUNCIL_OFFICER: (["/challenges/yours", "/panels/"], ["/proposals/", "/reviews/"]),
    Role.STARTUP_MEMBER: (["/proposals/", "/matches/for-you"], ["/panels/", "/reviews/"]),
    Role.REVIEWER: (["/reviews/"], ["/panels/", "/proposals/", "/challenges/yours"]),
    Role.ADMIN: ([], ["/panels/", "/proposals/", "/reviews/"]),
}


@pytest.mark.parametrize("role", list(Role))
async def test_the_navigation_shows_what_each_role_uses(
    client: httpx.AsyncClient, role: Role
) -> None:
    await sign_in_as(client, await make_user(role))
    html = (await client.get("/account")).text
    shown, hidden = NAV_BY_ROLE[role]
    nav = html[html.index('class="govuk-service-navigation') : html.index("</nav>")]
    for href in [*shown, "/challenges/", "/account"]:
        assert f'href="{href}"' in nav, (role, href)
    for href in hidden:
        assert f'href="{href}"' not in nav, (role, href)
    assert "Sign out" in html and 'href="/sign-in"' not in nav
    # The current page is marked for screen readers and sight.
    assert 'href="/account" aria-current="page"' in nav


async def test_the_stylesheet_uses_arial_and_no_gds_transport(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/stylesheets/application.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "GDS Transport" not in response.text
    assert "arial" in response.text.lower()
    assert "@font-face" not in response.text


@pytest.mark.parametrize(
    "asset",
    [
        "/assets/javascripts/application.js",
        "/assets/javascripts/govuk-frontend.min.js",
        "/assets/images/favicon.svg",
        "/assets/images/favicon.ico",
        "/assets/images/icon-180.png",
        "/assets/manifest.json",
    ],
)
async def test_every_asset_a_page_links_is_served_locally(
    client: httpx.AsyncClient, asset: str
) -> None:
    response = await client.get(asset)
    assert response.status_code == 200


async def test_pages_link_only_local_assets(client: httpx.AsyncClient) -> None:
    html = (await client.get("/")).text
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http://", "https://", "//")), url
        if url.startswith("/assets/"):
            assert (await client.get(url)).status_code == 200, url


async def test_the_csp_allows_only_the_nonced_inline_script(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    csp = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    scripts = re.findall(r"<script([^>]*)>", response.text)
    assert scripts
    for attributes in scripts:
        assert f'nonce="{nonce.group(1)}"' in attributes or "src=" in attributes
    # A fresh nonce on every response.
    again = (await client.get("/")).headers["content-security-policy"]
    assert again != csp


async def test_security_headers_are_on_every_response(client: httpx.AsyncClient) -> None:
    for path in ["/", "/no-such-page", "/_status", "/assets/manifest.json"]:
        headers = (await client.get(path)).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert headers["x-frame-options"] == "DENY", path
        assert "max-age=" in headers["strict-transport-security"], path
        assert "content-security-policy" in headers, path


async def test_pages_are_not_cached_but_assets_are(client: httpx.AsyncClient) -> None:
    assert (await client.get("/")).headers["cache-control"] == "no-store"
    asset = await client.get("/assets/stylesheets/application.css")
    assert asset.headers["cache-control"].startswith("public")


async def test_an_unknown_host_is_refused(app: Starlette) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://evil.example"
    ) as other:
        response = await other.get("/")
    assert response.status_code == 400


async def test_the_404_page_is_styled(client: httpx.AsyncClient) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text and "govuk-template" in response.text


async def explode(request: Request) -> Response:
    raise RuntimeError("a bug")


async def test_an_unexpected_error_gets_the_styled_500_page_without_details(
    app: Starlette,
) -> None:
    app.router.routes.insert(0, Route("/explode", explode))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="https://testserver",
    ) as c:
        response = await c.get("/explode")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "a bug" not in response.text and "Traceback" not in response.text
    assert "govuk-template" in response.text


async def test_a_wrong_method_gets_a_405_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/sign-out")
    assert response.status_code == 405
    assert "govuk-template" in response.text


async def test_pages_of_an_officers_own_challenge_sit_under_your_challenges(
    client: httpx.AsyncClient,
) -> None:
    from tests.ranking.factories import open_challenge, public_body

    body, officer = await public_body()
    challenge = await open_challenge(body, "Bus punctuality", "Buses are late at junctions.")
    await sign_in_as(client, officer)
    for path in (f"/challenges/{challenge.id}", f"/matches/challenges/{challenge.id}"):
        html = (await client.get(path)).text
        nav = html[html.index('class="govuk-service-navigation') : html.index("</nav>")]
        assert 'href="/challenges/yours" aria-current="true"' in nav, path
        assert 'href="/challenges/" aria-current' not in nav, path
