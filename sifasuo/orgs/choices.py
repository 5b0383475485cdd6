"""Stable codes for divisions and units."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District or county")
    TOWN = "town", _("Town or street")
    VILLAGE = "village", _("Village or community")


class UnitKind(models.TextChoices):
    CITY = "CITY", _("City bureau")
    DISTRICT = "DISTRICT", _("District or county bureau")
    DEVZONE = "DEVZONE", _("Development-zone bureau")
    OFFICE = "OFFICE", _("Judicial office")
    WORKSTATION = "WORKSTATION", _("Public legal service workstation")
    COMMITTEE = "COMMITTEE", _("Mediation committee")


BUREAU_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.DEVZONE)

# Suffixes added to the parent unit's code (DESIGN "Units and codes").
COMMITTEE_SUFFIX = "T"  # 调委会: <office code>T01, T02 …
WORKSTATION_SUFFIX = "W"  # 工作站: <office code>W01
