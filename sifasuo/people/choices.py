"""Stable codes of the person registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class IdType(models.TextChoices):
    RESIDENT_ID = "RESIDENT_ID", _("Resident ID card (mainland)")
    HK_MACAO_PERMIT = "HK_MACAO", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "TAIWAN", _("Mainland travel permit for Taiwan residents")
    PASSPORT = "PASSPORT", _("Passport")
    FOREIGN_PR = "FOREIGN_PR", _("Foreign permanent resident ID card")
    OTHER = "OTHER", _("Other document")
