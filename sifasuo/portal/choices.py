"""Stable codes of the citizens' portal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.TextChoices):
    """The five levels of the government-service rating (好差评, State Council 2019)."""

    VERY_SATISFIED = "VERY_SATISFIED", _("Very satisfied")
    SATISFIED = "SATISFIED", _("Satisfied")
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED", _("Basically satisfied")
    DISSATISFIED = "DISSATISFIED", _("Dissatisfied")
    VERY_DISSATISFIED = "VERY_DISSATISFIED", _("Very dissatisfied")


# A poor rating (差评) opens a follow-up that the office must close with a return call.
POOR_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)
SATISFIED_LEVELS = (
    RatingLevel.VERY_SATISFIED,
    RatingLevel.SATISFIED,
    RatingLevel.BASICALLY_SATISFIED,
)


class FollowUpStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    CLOSED = "CLOSED", _("Closed")


class ReachedParty(models.TextChoices):
    """Who the office reached on the return call (回访)."""

    APPLICANT = "APPLICANT", _("The applicant")
    AGENT = "AGENT", _("A relative or agent of the applicant")
    NOT_REACHED = "NOT_REACHED", _("Nobody reached")


class GuideCategory(models.TextChoices):
    LEGAL_AID = "LEGAL_AID", _("Legal aid")
    MEDIATION = "MEDIATION", _("People's mediation")
    LABOUR = "LABOUR", _("Labour and employment")
    FAMILY = "FAMILY", _("Marriage and family")
    CONSULTATION = "CONSULTATION", _("Legal consultation")
    OTHER = "OTHER", _("Other")
