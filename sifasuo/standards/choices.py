"""Stable codes of the six-good standard: how an indicator is scored, the workflow states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleType(models.TextChoices):
    """Where an indicator's result comes from."""

    AUTO = "AUTO", _("Automatic check")
    MEASURE = "MEASURE", _("Figure from the business ledgers")
    MANUAL = "MANUAL", _("Assessed with evidence")


class ScoringMethod(models.TextChoices):
    """How the result becomes points (DOMAIN.md §13: 全扣全得, 缺1项扣N分, proportional)."""

    ALL_OR_NOTHING = "ALL_OR_NOTHING", _("All or nothing")
    DEDUCT_PER_MISSING = "DEDUCT_PER_MISSING", _("Deduct per missing element")
    PROPORTIONAL = "PROPORTIONAL", _("Proportional")


class EvidenceMethod(models.TextChoices):
    """How the assessor establishes the result (评价方法)."""

    LEDGER = "LEDGER", _("Ledger records")
    SITE = "SITE", _("Site inspection")
    FEEDBACK = "FEEDBACK", _("Feedback from the bureau's divisions")
    AUTO = "AUTO", _("Computed by the platform")


class Comparison(models.TextChoices):
    GTE = "GTE", _("at least")
    LTE = "LTE", _("at most")


class AssessmentStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Self-assessment in progress")
    SUBMITTED = "SUBMITTED", _("Submitted to the district")
    DISTRICT_ACCEPTED = "DISTRICT_ACCEPTED", _("Accepted by the district")
    RETURNED = "RETURNED", _("Returned")
    ACCEPTED = "ACCEPTED", _("Accepted by the city")


# Where the office can still change its self-assessment.
EDITABLE_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


class AssessmentStep(models.TextChoices):
    """The steps of the assessment workflow (each one audited and logged)."""

    SUBMIT = "SUBMIT", _("Submitted by the office")
    DISTRICT_ACCEPT = "DISTRICT_ACCEPT", _("Accepted by the district")
    DISTRICT_RETURN = "DISTRICT_RETURN", _("Returned by the district")
    CITY_ACCEPT = "CITY_ACCEPT", _("Accepted by the city")
    CITY_RETURN = "CITY_RETURN", _("Returned by the city")


class RectificationStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    DONE = "DONE", _("Done, awaiting verification")
    VERIFIED = "VERIFIED", _("Verified")


OPEN_RECTIFICATION_STATUSES = (
    RectificationStatus.OPEN,
    RectificationStatus.IN_PROGRESS,
    RectificationStatus.DONE,
)
