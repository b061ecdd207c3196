"""Challenges posted by public bodies: criteria, eligibility questions, clarifications."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from urbanchallenge.accounts.models import Organisation, User


class ServiceArea(StrEnum):
    TRANSPORT = "transport"
    ADULT_SOCIAL_CARE = "adult_social_care"
    WASTE = "waste"
    HOUSING = "housing"
    AIR_QUALITY = "air_quality"
    HEALTH = "health"
    JUSTICE = "justice"
    DIGITAL_INCLUSION = "digital_inclusion"
    ENERGY = "energy"

    @property
    def label(self) -> str:
        return SERVICE_AREA_LABELS[self]


SERVICE_AREA_LABELS = {
    ServiceArea.TRANSPORT: "Transport",
    ServiceArea.ADULT_SOCIAL_CARE: "Adult social care",
    ServiceArea.WASTE: "Waste and recycling",
    ServiceArea.HOUSING: "Housing",
    ServiceArea.AIR_QUALITY: "Air quality",
    ServiceArea.HEALTH: "Health",
    ServiceArea.JUSTICE: "Justice",
    ServiceArea.DIGITAL_INCLUSION: "Digital inclusion",
    ServiceArea.ENERGY: "Energy",
}


class Outcome(StrEnum):
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"


class Challenge(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="challenges", on_delete=fields.RESTRICT
    )
    organisation_id: int
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="challenges_created", null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=120)
    summary = fields.CharField(max_length=300)
    problem = fields.TextField()
    outcomes = fields.TextField()
    service_area = fields.CharEnumField(ServiceArea, max_length=30, db_index=True)
    location = fields.CharField(max_length=120)
    budget_gbp = fields.BigIntField()
    # Stored in UTC; shown in Europe/London.
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField(db_index=True)
    # The lifecycle is derived from these timestamps (see challenges.lifecycle).
    published_at = fields.DatetimeField(null=True)
    shortlisting_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    outcome = fields.CharEnumField(Outcome, max_length=20, null=True)
    decision_reason = fields.TextField(default="")
    blind_panel = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    criteria: fields.ReverseRelation[Criterion]
    eligibility_questions: fields.ReverseRelation[EligibilityQuestion]
    clarifications: fields.ReverseRelation[Clarification]

    class Meta:
        table = "challenge"
        unique_together = (("organisation", "title"),)

    def __str__(self) -> str:
        return self.title


class Criterion(Model):
    """An evaluation criterion; a challenge's weights sum to 100."""

    id = fields.IntField(primary_key=True)
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="criteria", on_delete=fields.CASCADE
    )
    challenge_id: int
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    weight = fields.IntField()
    position = fields.IntField(default=0)

    class Meta:
        table = "criterion"
        unique_together = (("challenge", "name"),)
        ordering = (
            "position",
            "id",
        )


class EligibilityQuestion(Model):
    """A yes-or-no question; answering ``knockout_answer`` rules a proposal out."""

    id = fields.IntField(primary_key=True)
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="eligibility_questions", on_delete=fields.CASCADE
    )
    challenge_id: int
    question = fields.CharField(max_length=300)
    knockout_answer = fields.BooleanField()
    position = fields.IntField(default=0)

    class Meta:
        table = "eligibility_question"
        ordering = (
            "position",
            "id",
        )


class Clarification(Model):
    """A public, dated note added by the owning body after the challenge opened."""

    id = fields.IntField(primary_key=True)
    challenge: fields.ForeignKeyRelation[Challenge] = fields.ForeignKeyField(
        "models.Challenge", related_name="clarifications", on_delete=fields.CASCADE
    )
    challenge_id: int
    text = fields.TextField()
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="clarifications", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "clarification"
        ordering = (
            "created_at",
            "id",
        )
