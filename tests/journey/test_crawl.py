"""Every page each demo role can reach by following links answers without an error.

A crawler signs in as a demo account of each role, follows every internal link it
finds (breadth first, a bounded number of pages) and checks that no link is broken
and no page fails: the demo data holds challenges at every stage, so this walks the
whole journey as each kind of user sees it.
"""

from __future__ import annotations

import re
from collections import deque

import httpx
import pytest

from tests.conftest import post_form
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.fixtures import DEMO_PASSWORD, load_demo

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(assets/|sign-out|_status|api/)")
PAGES_PER_ROLE = 70

DEMO_ACCOUNT = {
    None: None,
    Role.COUNCIL_OFFICER: "officer.tfwm@demo.urbanchallenge.example",
    Role.STARTUP_MEMBER: "founder.kerbside@demo.urbanchallenge.example",
    Role.REVIEWER: "helen.marsh@demo.urbanchallenge.example",
    Role.ADMIN: "admin@demo.urbanchallenge.example",
}


async def crawl(
    client: httpx.AsyncClient, start: list[str], headings: dict[str, int] | None = None
) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.popleft()
        if path in seen:
            continue
        response = await client.get(path)
        seen[path] = response.status_code
        if response.status_code != 200 or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        for link in LINK.findall(response.text):
            link = link.replace("&amp;", "&")
            if not SKIP.match(link) and link not in seen:
                queue.append(link)
    return seen


@pytest.mark.parametrize("role", list(DEMO_ACCOUNT), ids=lambda r: r.value if r else "anonymous")
async def test_no_link_a_demo_user_can_follow_is_broken_or_fails(
    client: httpx.AsyncClient, role: Role | None
) -> None:
    await load_demo()
    start = ["/", "/challenges/"]
    email = DEMO_ACCOUNT[role]
    if email is not None:
        user = await User.get(email=email)
        assert user.role is role
        signed_in = await post_form(client, "/sign-in", {"email": email, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 303
        start.append("/account")

    headings: dict[str, int] = {}
    seen = await crawl(client, start, headings)

    failures = {path: status for path, status in seen.items() if status >= 400}
    # One main heading per page, as GOV.UK pages have.
    assert {p: n for p, n in headings.items() if n != 1} == {}
    # Anonymous visitors are sent to sign in (303), never shown an error.
    assert not failures, failures
    assert len(seen) > 10, seen
