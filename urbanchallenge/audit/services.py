"""Record and read the audit log. Call ``record`` inside the transaction of the change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from urbanchallenge.accounts.models import User
from urbanchallenge.audit.models import AuditEvent


async def record(
    action: str,
    *,
    actor: User | None,
    subject_type: str,
    subject_id: int | None = None,
    challenge_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event, e.g. ``record("challenge.opened", actor=user, subject_type="challenge",
    subject_id=c.id, challenge_id=c.id)``. Actions are ``<subject>.<past-tense verb>``."""
    return await AuditEvent.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        challenge_id=challenge_id,
        details=details or {},
        created_at=datetime.now(UTC),
    )


async def for_challenge(challenge_id: int) -> list[AuditEvent]:
    return await AuditEvent.filter(challenge_id=challenge_id).order_by("created_at", "id")
