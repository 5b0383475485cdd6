"""Stable codes of people's mediation (人民调解法; DOMAIN.md §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeType(models.TextChoices):
    VILLAGE = "VILLAGE", _("Village or residents' committee")
    TOWN = "TOWN", _("Town or street")
    ENTERPRISE = "ENTERPRISE", _("Enterprise or institution")
    SECTORAL = "SECTORAL", _("Sectoral or professional")
    STATIONED = "STATIONED", _("Stationed mediation office")
    PERSONAL = "PERSONAL", _("Personal mediation studio")


# 人民调解法 art. 8: village and town committees have 3 to 9 members, women among them.
SIZED_COMMITTEE_TYPES = (CommitteeType.VILLAGE, CommitteeType.TOWN)
COMMITTEE_MIN_MEMBERS = 3
COMMITTEE_MAX_MEMBERS = 9


class MediatorPosition(models.TextChoices):
    DIRECTOR = "DIRECTOR", _("Committee director")
    DEPUTY = "DEPUTY", _("Deputy director")
    MEMBER = "MEMBER", _("Committee member")
    MEDIATOR = "MEDIATOR", _("Mediator (not a committee member)")


MEMBER_POSITIONS = (MediatorPosition.DIRECTOR, MediatorPosition.DEPUTY, MediatorPosition.MEMBER)


class Employment(models.TextChoices):
    FULL_TIME = "FULL", _("Full-time")
    PART_TIME = "PART", _("Part-time")


class CaseSource(models.TextChoices):
    APPLICATION = "APPLICATION", _("Application by a party")
    INITIATIVE = "INITIATIVE", _("On the committee's own initiative")
    REFERRAL = "REFERRAL", _("Entrusted or referred")


class ReferralOrgan(models.TextChoices):
    COURT = "COURT", _("People's court")
    POLICE = "POLICE", _("Public security")
    PETITION = "PETITION", _("Petition office")
    OTHER = "OTHER", _("Other organ")


class CaseStatus(models.TextChoices):
    REGISTERED = "REGISTERED", _("Registered")
    REFUSED = "REFUSED", _("Not accepted")
    ACCEPTED = "ACCEPTED", _("Accepted")
    INVESTIGATING = "INVESTIGATING", _("Investigation")
    MEDIATING = "MEDIATING", _("Mediation in progress")
    PERFORMING = "PERFORMING", _("Agreement being performed")
    TERMINATED = "TERMINATED", _("Mediation ended without agreement")
    VISITED = "VISITED", _("Return visit made")
    CLOSED = "CLOSED", _("Closed and archived")


OPEN_STATUSES = (
    CaseStatus.ACCEPTED,
    CaseStatus.INVESTIGATING,
    CaseStatus.MEDIATING,
)
ENDED_STATUSES = (CaseStatus.REFUSED, CaseStatus.CLOSED)


class RefusalReason(models.TextChoices):
    ALREADY_ACCEPTED = (
        "ALREADY_ACCEPTED",
        _("Already accepted or resolved by a court, public security or an administrative organ"),
    )
    OUT_OF_SCOPE = "OUT_OF_SCOPE", _("Outside the scope of people's mediation")
    PARTY_REFUSES = "PARTY_REFUSES", _("A party refuses mediation (art. 17)")


class PartyRole(models.TextChoices):
    APPLICANT = "APPLICANT", _("Applicant")
    RESPONDENT = "RESPONDENT", _("Respondent")


class PartyKind(models.TextChoices):
    PERSON = "PERSON", _("Natural person")
    ORGANISATION = "ORGANISATION", _("Organisation")


class RecordKind(models.TextChoices):
    INVESTIGATION = "INVESTIGATION", _("Investigation")
    EVIDENCE = "EVIDENCE", _("Evidence")
    SESSION = "SESSION", _("Mediation session")


class Outcome(models.TextChoices):
    WRITTEN = "WRITTEN", _("Written agreement")
    ORAL = "ORAL", _("Oral agreement")
    FAILED = "FAILED", _("No agreement: mediation ended")


SUCCESS_OUTCOMES = (Outcome.WRITTEN, Outcome.ORAL)


class Performance(models.TextChoices):
    PENDING = "PENDING", _("Not yet due")
    PERFORMED = "PERFORMED", _("Performed in full")
    PARTLY = "PARTLY", _("Partly performed")
    NOT_PERFORMED = "NOT_PERFORMED", _("Not performed (parties told they may sue)")


class Satisfaction(models.TextChoices):
    SATISFIED = "SATISFIED", _("Satisfied")
    BASICALLY = "BASICALLY", _("Basically satisfied")
    UNSATISFIED = "UNSATISFIED", _("Not satisfied")


class VisitMethod(models.TextChoices):
    IN_PERSON = "IN_PERSON", _("In person")
    PHONE = "PHONE", _("By phone")
    OTHER = "OTHER", _("Other")


class ConfirmationResult(models.TextChoices):
    PENDING = "PENDING", _("Awaiting the court")
    VALID = "VALID", _("Confirmed valid")
    INVALID = "INVALID", _("Found invalid")


class TransferKind(models.TextChoices):
    REFER = "REFER", _("Refer for assistance (owner unchanged)")
    TRANSFER = "TRANSFER", _("Transfer (the receiver takes the case over)")
    ESCALATE = "ESCALATE", _("Escalate to the town committee")


MOVING_TRANSFERS = (TransferKind.TRANSFER, TransferKind.ESCALATE)


class TransferStatus(models.TextChoices):
    PENDING = "PENDING", _("Awaiting the receiver")
    ACCEPTED = "ACCEPTED", _("Accepted")
    REJECTED = "REJECTED", _("Rejected")


class RiskLevel(models.TextChoices):
    LOW = "LOW", _("Low")
    MEDIUM = "MEDIUM", _("Medium")
    HIGH = "HIGH", _("High")
