"""What this service publishes about its own security: /.well-known/security.txt (RFC 9116),
and the checks on security settings that create_app() applies."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from urbanchallenge.settings import Settings, SettingsError

# RFC 9116 recommends an Expires less than a year ahead; midnight a year from today is.
SECURITY_TXT_LIFETIME = timedelta(days=365)


def security_contact(settings: Settings) -> str:
    """The mailbox RFC 2142 names for security reports, at the service's own domain."""
    host = urlsplit(settings.base_url).hostname or "localhost"
    return f"mailto:security@{host}"


def security_txt(settings: Settings, now: datetime) -> str:
    expires = datetime.combine(now.astimezone(UTC).date() + SECURITY_TXT_LIFETIME, time(), UTC)
    canonical = settings.base_url.rstrip("/") + "/.well-known/security.txt"
    return (
        f"Contact: {security_contact(settings)}\n"
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        "Preferred-Languages: en\n"
        f"Canonical: {canonical}\n"
    )


async def security_txt_view(request: Request) -> Response:
    text = security_txt(request.app.state.settings, datetime.now(UTC))
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")


def trusted_hosts(settings: Settings) -> list[str]:
    """The Host headers to answer: an explicit list, never "answer any host"."""
    hosts = [h for h in settings.allowed_hosts if h]
    if not hosts or "*" in hosts:
        raise SettingsError(
            "ALLOWED_HOSTS must list the host names this service answers to "
            '(for example "challenges.example.gov.uk"), not "*".'
        )
    return hosts
