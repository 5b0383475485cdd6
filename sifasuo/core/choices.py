"""Stable codes of the core models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditOutcome(models.TextChoices):
    SUCCESS = "SUCCESS", _("Success")
    DENIED = "DENIED", _("Denied")
    ERROR = "ERROR", _("Error")


class DayKind(models.TextChoices):
    HOLIDAY = "HOLIDAY", _("Public holiday (day off)")
    WORKDAY = "WORKDAY", _("Make-up working day")


class DayCount(models.TextChoices):
    CALENDAR = "CALENDAR", _("Calendar days")
    WORKING = "WORKING", _("Working days")


class Confidence(models.TextChoices):
    VERIFIED = "V", _("Verified")
    PARTLY = "P", _("Partly verified")
    UNVERIFIED = "U", _("Unverified")
