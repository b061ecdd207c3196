"""New passwords: long enough, long passphrases welcome, common passwords refused everywhere
a password is chosen; the sign-in rate limit holds across app instances."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from tests.conftest import csrf_token, make_user, post_form, sign_in_as
from tests.reviews.conftest import api_as, make_scene
from urbanchallenge.accounts.models import Role, User
from urbanchallenge.accounts.passwords import (
    COMMON_MESSAGE,
    MAX_LENGTH,
    common_passwords,
    is_common,
    password_problem,
)
from urbanchallenge.app import create_app
from urbanchallenge.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LIST_FILE = PROJECT_ROOT / "urbanchallenge" / "accounts" / "common_passwords.txt"
COMMON = "Qwerty123456"  # "qwerty123456" is on the list as it is


# ------------------------------------------------------------------ the rule itself


def test_the_shipped_list_names_its_source_and_licence_and_is_complete() -> None:
    header, _, body = LIST_FILE.read_text("utf-8").partition("\n\n")
    assert "Source: Django 5.2.19" in header and "BSD-3-Clause" in header
    assert "Royce Williams" in header
    assert all(line.startswith("#") for line in header.splitlines())
    entries = body.splitlines()
    assert len(entries) == 19_640
    assert entries[:4] == ["123456", "123456789", "qwerty", "password"]
    # Entries beginning with "#" are passwords, not comments.
    assert "#1pimp" in common_passwords()
    assert len(common_passwords()) > 19_000


def test_the_list_ships_inside_the_package() -> None:
    """A non-editable install carries only what setuptools is told to: check it is told."""
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    assert "common_passwords.txt" in package_data["urbanchallenge.accounts"]


@pytest.mark.parametrize(
    "password",
    [
        "qwerty123456",
        "QWERTY123456",
        "1qaz2wsx3edc",
        "q1w2e3r4t5y6",
        "Password2024!!",
        "!!password2024",
        "  monkey123456  ",
        "pass word 2026 !",
        # Full-width letters and digits fold to plain ones.
        "".join(chr(ord(c) + 0xFEE0) for c in "PASSWORD123456"),
        "Friend of Emily 1999",
        "UrbanChallenge2026",
        "Urban Challenge 2026!",
    ],
)
def test_common_passwords_are_refused_whatever_their_case_spacing_or_padding(
    password: str,
) -> None:
    assert is_common(password)
    assert password_problem(password) == COMMON_MESSAGE


@pytest.mark.parametrize(
    "password",
    [
        "seven lamps on the Hagley Road",
        "correct horse battery staple",
        "Eleven cats, 3 canal boats & a kettle",
        "ein langer Satz über die Straßenbahn",
        "ट्रेन समय पर नहीं आती है",
        "x" * 5 + " a passphrase of many words, " * 30,  # 875 characters
    ],
)
def test_long_passphrases_are_welcome(password: str) -> None:
    assert len(password) <= MAX_LENGTH
    assert password_problem(password) is None


def test_short_and_absurdly_long_passwords_are_refused_with_their_own_reasons() -> None:
    assert password_problem("elevenchars") == "Password must be 12 characters or more"
    assert password_problem("z" * (MAX_LENGTH + 1)) == (
        f"Password must be {MAX_LENGTH} characters or fewer"
    )


# ------------------------------------------------------------------ every way to choose one


async def test_registering_on_the_pages_refuses_a_common_password(
    client: httpx.AsyncClient,
) -> None:
    response = await post_form(
        client,
        "/register/public-body",
        {
            "organisation_name": "Common Password Council",
            "region": "West Midlands",
            "name": "Pat Doe",
            "email": "pat@council.example",
            "password": COMMON,
        },
    )
    assert response.status_code == 400
    assert 'href="#password"' in response.text and "too common" in response.text
    assert await User.all().count() == 0


async def test_registering_through_the_api_refuses_a_common_password(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/v1/accounts",
        json={
            "email": "pat@review.example",
            "password": COMMON,
            "name": "Pat Doe",
            "role": "reviewer",
            "organisation": None,
        },
    )
    assert response.status_code == 422
    assert {"field": "password", "message": COMMON_MESSAGE} in response.json()["errors"]
    assert await User.all().count() == 0


async def test_changing_a_password_to_a_common_one_is_refused(client: httpx.AsyncClient) -> None:
    user = await make_user(Role.STARTUP_MEMBER)
    await sign_in_as(client, user)
    await client.get("/account/password")
    response = await client.post(
        "/account/password",
        data={
            "current_password": "a long enough test passphrase",
            "new_password": "1q2w3e4r5t6y",
            "csrftoken": csrf_token(client),
        },
    )
    assert response.status_code == 400
    assert 'href="#new_password"' in response.text and "too common" in response.text
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_accepting_an_invitation_with_a_new_account_refuses_a_common_password(
    client: httpx.AsyncClient,
) -> None:
    scene = await make_scene(reviewers=0, proposals=1)
    officer = await api_as(client, scene.officer)
    invited = await officer.post(
        f"/challenges/{scene.challenge.id}/panel", {"email": "new.member@example.org"}
    )
    link = str(invited.json()["invitation_url"]).removeprefix("https://testserver")
    client.headers.pop("authorization", None)

    response = await post_form(
        client, link, {"action": "create", "name": "New Member", "password": "Password123456"}
    )

    assert response.status_code == 400
    assert 'href="#password"' in response.text and "too common" in response.text
    assert not await User.exists(email="new.member@example.org")


def test_create_admin_refuses_a_common_password(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'admin.sqlite3'}",
        "SECRET_KEY": "create-admin-test-key-" + "x" * 40,
        "URBANCHALLENGE_ENV_FILE": "/dev/null",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "urbanchallenge", *args],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert cli("migrate").returncode == 0
    refused = cli(
        "create-admin", "--email", "a@council.example", "--name", "A", "--password", "Admin123456!"
    )
    assert refused.returncode == 1
    assert "too common" in refused.stderr


# ------------------------------------------------------------------ sign-in rate limit


async def test_two_app_instances_on_one_database_share_the_sign_in_rate_limit(
    settings: Settings,
) -> None:
    """Failures counted by one instance lock the account on the other: the count is in the
    database, not in a process, so a load balancer spreading attempts gains nothing."""
    user = await make_user(Role.STARTUP_MEMBER)
    apps: list[Starlette] = [
        create_app(settings, manage_database=False),
        create_app(settings, manage_database=False),
    ]
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="https://testserver")
        for a in apps
    ]
    try:
        for attempt in range(settings.sign_in_max_failures_per_account):
            instance = clients[attempt % 2]
            wrong = await post_form(
                instance, "/sign-in", {"email": user.email, "password": "not the password"}
            )
            assert wrong.status_code == 400
        for instance in clients:
            locked = await post_form(
                instance,
                "/sign-in",
                {"email": user.email, "password": "a long enough test passphrase"},
            )
            assert locked.status_code == 429, locked.text
        token = await clients[1].post(
            "/api/v1/tokens",
            json={"email": user.email, "password": "a long enough test passphrase"},
        )
        assert token.status_code == 429
    finally:
        for c in clients:
            await c.aclose()
