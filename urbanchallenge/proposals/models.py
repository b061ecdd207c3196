"""Start-ups' proposals to challenges and their answers to eligibility questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from urbanchallenge.accounts.models import Organisation, User
    from urbanchallenge.challenges.models import Challenge, EligibilityQuestion


class Proposal(Model):
    id = fields.IntField(primary_key=True)
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="proposals", on_delete=fields.RESTRICT
    )
    challenge_id: int
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="proposals", on_delete=fields.RESTRICT
    )
    organisation_id: int
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="proposals_created", null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=120)
    summary = fields.TextField()
    approach = fields.TextField()
    impact = fields.TextField()
    team = fields.TextField()
    # None until the start-up enters it: a draft may be incomplete.
    cost_gbp = fields.BigIntField(null=True)
    timeline = fields.TextField()
    # draft -> submitted -> withdrawn is derived from these timestamps.
    submitted_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    # Set by the owning body's decision; outcome is pending until the challenge is decided.
    awarded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    eligibility_answers: fields.ReverseRelation[EligibilityAnswer]

    class Meta:
        table = "proposal"
        # One proposal per start-up per challenge: the database enforces it.
        unique_together = (("challenge", "organisation"),)

    def __str__(self) -> str:
        return self.title


class EligibilityAnswer(Model):
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="eligibility_answers", on_delete=fields.CASCADE
    )
    proposal_id: int
    question: fields.ForeignKeyRelation[EligibilityQuestion] = fields.ForeignKeyField(
        "models.EligibilityQuestion", related_name="answers", on_delete=fields.CASCADE
    )
    question_id: int
    answer = fields.BooleanField()

    class Meta:
        table = "eligibility_answer"
        unique_together = (("proposal", "question"),)
