"""Match scores as data: what the matcher said, stored for pages and the API to read.

Computed outside request transactions by the jobs in ``ranking.jobs``: a state change
writes a ``MatchJob`` row in its own transaction (so the request to recompute is never
lost), and a worker does the matching and stores the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from urbanchallenge.accounts.models import Organisation
    from urbanchallenge.challenges.models import Challenge
    from urbanchallenge.proposals.models import Proposal


class MatchScore(Model):
    """How well one submitted proposal answers one challenge, and why."""

    id = fields.IntField(primary_key=True)
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="match_scores", on_delete=fields.CASCADE
    )
    challenge_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="match_scores", on_delete=fields.CASCADE
    )
    proposal_id: int
    score = fields.FloatField()
    rank = fields.IntField()
    # [{"term": "bus lane", "weight": 0.12}, ...]: the shared terms that drove the score.
    terms: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    duplicate_of: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="duplicated_by", null=True, on_delete=fields.SET_NULL
    )
    duplicate_of_id: int | None
    duplicate_score = fields.FloatField(null=True)
    model_version = fields.CharField(max_length=64)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "match_score"
        unique_together = (("challenge", "proposal"),)


class StartupFit(Model):
    """How well one open challenge fits one start-up (its proposals and profile), and why."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="fits", on_delete=fields.CASCADE
    )
    organisation_id: int
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="fits", on_delete=fields.CASCADE
    )
    challenge_id: int
    score = fields.FloatField()
    rank = fields.IntField()
    terms: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    model_version = fields.CharField(max_length=64)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "startup_fit"
        unique_together = (("organisation", "challenge"),)


class MatchJob(Model):
    """A request to recompute scores: for one challenge's proposals, or one start-up's fits.

    ``kind`` is "challenge" or "startup"; ``target_id`` the challenge or organisation.
    One pending job per target: a second request while one is pending is a no-op.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=20)
    target_id = fields.IntField()
    requested_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")

    class Meta:
        table = "match_job"
        unique_together = (("kind", "target_id"),)


class IndexState(Model):
    """A fitted matcher shared by every app instance, and its version.

    One instance at a time rebuilds it (under a PostgreSQL advisory lock) and bumps
    ``version``; every instance compares the version with the copy it holds in memory
    and loads the new ``data`` (the matcher's safe .npz format) when it changed.
    """

    name = fields.CharField(max_length=40, primary_key=True)
    version = fields.IntField(default=0)
    updated_at = fields.DatetimeField()
    model_version = fields.CharField(max_length=64, null=True)
    data = fields.BinaryField(null=True)

    class Meta:
        table = "index_state"
