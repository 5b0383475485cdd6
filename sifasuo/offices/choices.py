"""Stable codes of the office profile (plan 二.14–18; SF/T 0017 §8.2–8.7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ownership(models.TextChoices):
    OWNED = "OWNED", _("Owned")
    RENTED = "RENTED", _("Rented")
    BORROWED = "BORROWED", _("Borrowed")
    NEW = "NEW", _("Newly built")


class RoomKind(models.TextChoices):
    """六室一站: the six rooms and the town's public legal service station."""

    DIRECTOR = "DIRECTOR", _("Director's office")
    MEDIATION = "MEDIATION", _("People's mediation room")
    PUBLICITY = "PUBLICITY", _("Legal publicity and governance room")
    CORRECTION = "CORRECTION", _("Community correction room")
    RESETTLEMENT = "RESETTLEMENT", _("Resettlement and assistance room")
    ARCHIVE = "ARCHIVE", _("Archive room")
    STATION = "STATION", _("Town public legal service station")


class PartyForm(models.TextChoices):
    INDEPENDENT = "INDEPENDENT", _("Independent party branch")
    JOINT = "JOINT", _("Joint party branch")
    TOWN = "TOWN", _("In the town's party organisation")


class EquipmentCategory(models.TextChoices):
    UNIFORM = "UNIFORM", _("Uniforms")
    OFFICE = "OFFICE", _("Office and communication")
    ENFORCEMENT = "ENFORCEMENT", _("Enforcement and duty")
    IT = "IT", _("Information technology")
    VEHICLE = "VEHICLE", _("Vehicles")


class SystemKind(models.TextChoices):
    """The seven management systems the plan names (二.14)."""

    POST_RESPONSIBILITY = "POST_RESPONSIBILITY", _("Post target responsibility")
    MEETINGS = "MEETINGS", _("Work meetings")
    REPORTING = "REPORTING", _("Requests and reports")
    ARCHIVES = "ARCHIVES", _("Archive management")
    SECRECY = "SECRECY", _("Confidentiality")
    EVALUATION = "EVALUATION", _("Evaluation, rewards and penalties")
    EMERGENCY = "EMERGENCY", _("Emergency response")


class FundingCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel funds")
    PUBLIC = "public", _("Public funds")
    CASEWORK = "casework", _("Casework (business) funds")
    EQUIPMENT = "equipment", _("Business equipment funds")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure funds")


class HonourLevel(models.TextChoices):
    NATIONAL = "NATIONAL", _("National")
    PROVINCIAL = "PROVINCIAL", _("Provincial")
    CITY = "CITY", _("City")
    DISTRICT = "DISTRICT", _("District or county")


class ExperienceStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    SUBMITTED = "SUBMITTED", _("Submitted to the district")
    RECOMMENDED = "RECOMMENDED", _("Recommended to the city")
    PUBLISHED = "PUBLISHED", _("Published")
    RETURNED = "RETURNED", _("Returned")
