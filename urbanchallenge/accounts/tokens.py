"""API tokens: issued after a rate-limited password check, stored as hashes, expiring."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from urbanchallenge.accounts.models import ApiToken, User

TOKEN_LIFETIME = timedelta(days=30)
# Refresh last_used_at at most this often.
TOUCH_INTERVAL = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


async def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    record = await ApiToken.create(
        token_hash=_hash(token), user=user, created_at=now, expires_at=now + TOKEN_LIFETIME
    )
    return token, record


async def user_for_token(token: str) -> User | None:
    if len(token) > 128:
        return None
    record = await ApiToken.get_or_none(token_hash=_hash(token)).select_related("user")
    now = datetime.now(UTC)
    if record is None or record.expires_at <= now or not record.user.is_active:
        return None
    if record.last_used_at is None or now - record.last_used_at >= TOUCH_INTERVAL:
        record.last_used_at = now
        await record.save(update_fields=["last_used_at"])
    return record.user


async def revoke_token(token: str) -> None:
    await ApiToken.filter(token_hash=_hash(token)).delete()
