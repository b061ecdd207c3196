"""Review panels: members and invitations, the shortlist, conflicts and scores.

Every "only one" rule is a unique constraint, so concurrent identical requests
leave one row: one membership per reviewer and challenge, one shortlist entry per
proposal, one declaration per member and proposal, one score per member, proposal
and criterion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from urbanchallenge.accounts.models import User
    from urbanchallenge.challenges.models import Challenge, Criterion
    from urbanchallenge.proposals.models import Proposal


class PanelMember(Model):
    id = fields.IntField(primary_key=True)
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="panel_members", on_delete=fields.CASCADE
    )
    challenge_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="panel_memberships", on_delete=fields.RESTRICT
    )
    user_id: int
    added_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="panel_members_added", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "panel_member"
        unique_together = (("challenge", "user"),)


class PanelInvitation(Model):
    """An invitation to join a panel; its one-time link carries a token whose hash is kept."""

    id = fields.IntField(primary_key=True)
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="panel_invitations", on_delete=fields.CASCADE
    )
    challenge_id: int
    email = fields.CharField(max_length=254)
    token_hash = fields.CharField(max_length=64, unique=True)
    invited_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="panel_invitations_sent", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    accepted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="panel_invitations_accepted",
        null=True,
        on_delete=fields.SET_NULL,
    )

    class Meta:
        table = "panel_invitation"
        unique_together = (("challenge", "email"),)


class ShortlistEntry(Model):
    id = fields.IntField(primary_key=True)
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="shortlist", on_delete=fields.CASCADE
    )
    challenge_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="shortlist_entries", on_delete=fields.CASCADE
    )
    proposal_id: int
    added_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="shortlist_entries_added", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "shortlist_entry"
        unique_together = (("challenge", "proposal"),)


class ConflictDeclaration(Model):
    """A member's declaration on one shortlisted proposal: no conflict, or one with a reason."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="conflict_declarations", on_delete=fields.CASCADE
    )
    proposal_id: int
    member: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="conflict_declarations", on_delete=fields.RESTRICT
    )
    member_id: int
    has_conflict = fields.BooleanField()
    reason = fields.TextField(default="")
    declared_at = fields.DatetimeField()

    class Meta:
        table = "conflict_declaration"
        unique_together = (("proposal", "member"),)


class Score(Model):
    """One member's score (0-10) and comment on one criterion of one proposal.

    A draft until ``submitted_at`` is set; a member submits all criteria of a
    proposal together, after which the scores are final.
    """

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="scores", on_delete=fields.CASCADE
    )
    proposal_id: int
    member: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="scores", on_delete=fields.RESTRICT
    )
    member_id: int
    criterion: fields.ForeignKeyRelation[Criterion] = fields.ForeignKeyField(
        "models.Criterion", related_name="scores", on_delete=fields.CASCADE
    )
    criterion_id: int
    score = fields.SmallIntField()
    comment = fields.TextField(default="")
    updated_at = fields.DatetimeField()
    submitted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "score"
        unique_together = (("proposal", "member", "criterion"),)
