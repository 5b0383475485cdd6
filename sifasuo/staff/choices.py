"""Stable codes of personnel, establishment, training and party work."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Establishment(models.TextChoices):
    """编制类型."""

    POLITICS_LAW = "POLITICS_LAW", _("Politics-and-law special post")
    ADMINISTRATIVE = "ADMINISTRATIVE", _("Other administrative post")
    PUBLIC_INSTITUTION = "PUBLIC_INSTITUTION", _("Public institution post")
    CONTRACT = "CONTRACT", _("Contract staff")
    PURCHASED = "PURCHASED", _("Government-purchased service")
    PUBLIC_WELFARE = "PUBLIC_WELFARE", _("Public-welfare post")
    VOLUNTEER = "VOLUNTEER", _("Volunteer")


class Post(models.TextChoices):
    DIRECTOR = "DIRECTOR", _("Director")
    DEPUTY = "DEPUTY", _("Deputy director")
    STAFF = "STAFF", _("Staff member")
    AUXILIARY = "AUXILIARY", _("Auxiliary staff")


class Education(models.TextChoices):
    POSTGRADUATE = "POSTGRADUATE", _("Postgraduate")
    BACHELOR = "BACHELOR", _("Bachelor")
    COLLEGE = "COLLEGE", _("College")
    SECONDARY = "SECONDARY", _("Secondary or below")


class TrainingLevel(models.TextChoices):
    NATIONAL = "NATIONAL", _("Ministry")
    PROVINCIAL = "PROVINCIAL", _("Province")
    CITY = "CITY", _("City")
    DISTRICT = "DISTRICT", _("District or county")
    OFFICE = "OFFICE", _("Office")


class MovementKind(models.TextChoices):
    ROTATION = "ROTATION", _("Rotation")
    SECONDMENT = "SECONDMENT", _("Secondment")


class MeetingKind(models.TextChoices):
    """三会一课."""

    GENERAL = "GENERAL", _("Branch general meeting")
    COMMITTEE = "COMMITTEE", _("Branch committee meeting")
    GROUP = "GROUP", _("Party group meeting")
    LECTURE = "LECTURE", _("Party lecture")
