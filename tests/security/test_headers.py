"""Headers on every kind of response, request size limits, trusted hosts and security.txt.

Every route's responses to every role are checked in test_crawl.py; this module covers
the answers that come from outside the routes (middleware and error handlers) and the
header rules that depend on how a page is served.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import csrf_token, make_user, sign_in_as
from urbanchallenge.accounts.models import Role
from urbanchallenge.app import create_app
from urbanchallenge.middleware import add_security_headers
from urbanchallenge.security import security_txt
from urbanchallenge.settings import Settings, SettingsError

CSP_DIRECTIVES = ("object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'")


def check_security_headers(response: httpx.Response, *, https: bool = True) -> None:
    """What every response must carry, whatever produced it."""
    headers = response.headers
    where = f"{response.request.method} {response.request.url} -> {response.status_code}"
    csp = headers.get("content-security-policy", "")
    for directive in CSP_DIRECTIVES:
        assert directive in csp, (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    script_src = re.search(r"script-src ([^;]+)", csp)
    assert script_src and script_src.group(1).split()[0] == "'self'", (where, csp)
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", where
    assert headers.get("x-frame-options") == "DENY", where
    if https:
        assert "max-age=" in headers.get("strict-transport-security", ""), where
    else:
        assert "strict-transport-security" not in headers, where
    if not response.request.url.path.startswith("/assets/"):
        assert headers.get("cache-control") == "no-store", where


def check_cookies(response: httpx.Response, session_cookie: str) -> None:
    """Every cookie set is Secure and SameSite; the session cookie is also HttpOnly."""
    for header in response.headers.get_list("set-cookie"):
        attributes = [a.strip().lower() for a in header.split(";")[1:]]
        assert "secure" in attributes, header
        assert "samesite=lax" in attributes, header
        if header.startswith(session_cookie + "="):
            assert "httponly" in attributes and "path=/" in attributes, header


def check_inline_scripts(response: httpx.Response) -> None:
    """Each inline script carries this response's CSP nonce; any other script has a src."""
    if "text/html" not in response.headers.get("content-type", ""):
        return
    nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])
    for attributes, content in re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S):
        if content.strip():
            assert nonce and f'nonce="{nonce.group(1)}"' in attributes, attributes
        else:
            assert "src=" in attributes, attributes


async def explode(request: Request) -> Response:
    raise RuntimeError("a bug")


@pytest.fixture
async def raw_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sees the 500 page rather than the exception."""
    app.router.routes.insert(0, Route("/explode", explode))
    app.router.routes.insert(0, Route("/api/v1/explode", explode))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="https://testserver",
    ) as c:
        yield c


async def chunks(size: int, parts: int) -> AsyncIterator[bytes]:
    for _ in range(parts):
        yield b"a" * size


async def test_answers_from_outside_the_routes_carry_the_headers(
    raw_client: httpx.AsyncClient, app: Starlette
) -> None:
    await raw_client.get("/sign-in")
    token = csrf_token(raw_client)
    responses = [
        await raw_client.get("/no-such-page"),  # 404 page
        await raw_client.get("/api/v1/no-such-thing"),  # 404 problem
        await raw_client.get("/sign-out"),  # 405
        await raw_client.get("/account"),  # redirect to sign in
        await raw_client.get("/challenges"),  # 308 to the index
        await raw_client.get("/explode"),  # the 500 page
        await raw_client.get("/api/v1/explode"),  # the 500 problem
        await raw_client.post("/sign-in", data={"email": "x"}),  # CSRF refusal
        await raw_client.post(
            "/sign-in",
            content="&".join(f"f{n}=1" for n in range(300)) + f"&csrftoken={token}",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),  # too many fields
        await raw_client.post("/api/v1/tokens", content=b"a" * (3 * 1024 * 1024)),  # 413
        await raw_client.get("/assets/manifest.json"),
        await raw_client.get("/.well-known/security.txt"),
    ]
    assert [r.status_code for r in responses] == [
        404, 404, 405, 303, 308, 500, 500, 403, 400, 413, 200, 200
    ]  # fmt: skip
    for response in responses:
        check_security_headers(response)
        check_inline_scripts(response)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://evil.example"
    ) as other_host:
        refused = await other_host.get("/")
    assert refused.status_code == 400
    check_security_headers(refused)


async def test_hsts_is_sent_only_over_https(app: Starlette) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as plain:
        response = await plain.get("/")
    check_security_headers(response, https=False)


async def test_a_local_debug_run_sends_no_hsts_even_over_https(settings: Settings) -> None:
    app = create_app(replace(settings, debug=True), manage_database=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as c:
        response = await c.get("/")
    assert "strict-transport-security" not in response.headers


async def test_signed_in_pages_are_never_stored_by_caches(client: httpx.AsyncClient) -> None:
    await sign_in_as(client, await make_user(Role.COUNCIL_OFFICER))
    for path in ("/account", "/challenges/yours", "/panels/", "/challenges/"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path


def test_the_trusted_hosts_must_be_an_explicit_list(settings: Settings) -> None:
    for hosts in (("*",), ("testserver", "*"), ()):
        with pytest.raises(SettingsError, match="ALLOWED_HOSTS"):
            create_app(replace(settings, allowed_hosts=hosts), manage_database=False)


# ------------------------------------------------------------------ request size


@pytest.mark.parametrize("path", ["/register/start-up", "/api/v1/tokens"])
async def test_a_body_over_the_limit_with_a_content_length_gets_a_clear_413(
    client: httpx.AsyncClient, settings: Settings, path: str
) -> None:
    await client.get("/register/start-up")
    response = await client.post(
        path,
        content=b"name=" + b"a" * settings.max_body_size,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert int(response.request.headers["content-length"]) > settings.max_body_size
    assert response.status_code == 413
    check_security_headers(response)
    if path.startswith("/api/"):
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 413
        assert "2 MB" in response.json()["detail"]
    else:
        assert "What you sent is too large" in response.text
        assert "govuk-template" in response.text and "2 MB" in response.text


@pytest.mark.parametrize("path", ["/register/start-up", "/api/v1/tokens"])
async def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit(
    client: httpx.AsyncClient, settings: Settings, path: str
) -> None:
    await client.get("/register/start-up")
    parts = settings.max_body_size // 65536 + 2
    response = await client.post(
        path,
        content=chunks(65536, parts),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    check_security_headers(response)
    expected = "application/problem+json" if path.startswith("/api/") else "text/html"
    assert response.headers["content-type"].startswith(expected)


async def test_a_chunked_body_under_the_limit_is_read_normally(
    client: httpx.AsyncClient,
) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b'{"email": "nobody@example.org", '
        yield b'"password": "not a real password"}'

    response = await client.post(
        "/api/v1/tokens", content=body(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 401


async def test_a_broken_content_length_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/tokens", content=b"{}", headers={"content-length": "two"})
    assert response.status_code == 400


async def test_a_multipart_form_is_refused_whatever_its_boundary_looks_like(
    client: httpx.AsyncClient,
) -> None:
    """No page takes files. A boundary without a space after ";" used to crash the CSRF check."""
    await client.get("/register/start-up")
    for content_type in (
        "multipart/form-data;boundary=x",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
    ):
        response = await client.post(
            "/register/start-up",
            content=b"--x\r\n",
            headers={"content-type": content_type},
        )
        assert response.status_code == 400, content_type
        assert "format this service does not accept" in response.text


# ------------------------------------------------------------------ security.txt


async def test_security_txt_says_whom_to_tell_and_expires_within_a_year(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.text.splitlines())
    assert set(fields) == {"Contact", "Expires", "Preferred-Languages", "Canonical"}
    assert fields["Contact"] == "mailto:security@testserver"
    assert fields["Canonical"] == "https://testserver/.well-known/security.txt"
    assert fields["Preferred-Languages"] == "en"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now + timedelta(days=364) < expires <= now + timedelta(days=365)


def test_security_txt_expiry_moves_with_the_clock(settings: Settings) -> None:
    text = security_txt(
        replace(settings, base_url="https://challenges.example.gov.uk/"),
        datetime(2031, 2, 28, 17, 5, tzinfo=UTC),
    )
    assert "Expires: 2032-02-28T00:00:00Z\n" in text
    assert "Canonical: https://challenges.example.gov.uk/.well-known/security.txt\n" in text
    assert "Contact: mailto:security@challenges.example.gov.uk\n" in text


def test_a_header_the_response_set_itself_is_kept_and_not_doubled() -> None:
    message = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"cache-control", b"max-age=60"), (b"content-type", b"text/plain")],
    }
    scope = {"type": "http", "path": "/x", "scheme": "https", "state": {"csp_nonce": "abc"}}
    add_security_headers(MutableHeaders(scope=message), scope, hsts=True)

    names = [key for key, _ in message["headers"]]
    assert len(names) == len(set(names))
    headers = dict(message["headers"])
    assert headers[b"cache-control"] == b"max-age=60"
    assert b"'nonce-abc'" in headers[b"content-security-policy"]
    assert headers[b"strict-transport-security"].startswith(b"max-age=")
    assert headers[b"x-content-type-options"] == b"nosniff"
