"""The audit log: every state change, score submission and decision, with who and when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from urbanchallenge.accounts.models import User
    from urbanchallenge.challenges.models import Challenge


class AuditEvent(Model):
    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="audit_events", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    # Kept even if the account goes, so the log still says who acted.
    actor_email = fields.CharField(max_length=254, default="")
    action = fields.CharField(max_length=60, db_index=True)
    challenge: fields.ForeignKeyNullableRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="audit_events", null=True, on_delete=fields.CASCADE
    )
    challenge_id: int | None
    subject_type = fields.CharField(max_length=40)
    subject_id = fields.IntField(null=True)
    details: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "audit_event"
