"""Closed lists of the resettlement ledger (stable upper-case values: stored and exported)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseType(models.TextChoices):
    """How the person came to resettlement (DOMAIN.md §4.2; the period follows from it)."""

    PRISON = "PRISON", _("Released from prison")
    DETENTION = "DETENTION", _("Released from a detention centre")
    PAROLE_END = "PAROLE_END", _("Parole ended")
    MEDICAL_PAROLE_END = "MEDICAL_PAROLE_END", _("Temporary service outside prison ended")
    PROBATION_END = "PROBATION_END", _("Probation ended")
    CONTROL_END = "CONTROL_END", _("Public surveillance ended")


class PersonStatus(models.TextChoices):
    AWAITING = "AWAITING", _("Awaiting release and hand-over")
    ASSISTING = "ASSISTING", _("On file, under assistance")
    LOST_CONTACT = "LOST_CONTACT", _("Lost contact")
    REOFFENDED = "REOFFENDED", _("Re-offended")
    ENDED = "ENDED", _("Assistance period ended")
    DECEASED = "DECEASED", _("Deceased")


# Statuses in which the office still works the file (deadlines run).
ACTIVE_STATUSES = (PersonStatus.AWAITING, PersonStatus.ASSISTING)
# On file (在册): released and under assistance, contact lost included.
ON_FILE_STATUSES = (PersonStatus.ASSISTING, PersonStatus.LOST_CONTACT)
CLOSED_STATUSES = (PersonStatus.REOFFENDED, PersonStatus.ENDED, PersonStatus.DECEASED)


class HandoverMethod(models.TextChoices):
    MET_AT_GATE = "MET_AT_GATE", _("Met at the prison gate")
    REPORTED_IN = "REPORTED_IN", _("Reported in at the office")
    FROM_CORRECTION = "FROM_CORRECTION", _("Transferred from community correction")


class MeasureKind(models.TextChoices):
    EMPLOYMENT = "EMPLOYMENT", _("Employment")
    SOCIAL_SECURITY = "SOCIAL_SECURITY", _("Social security or minimum living allowance")
    HOUSING = "HOUSING", _("Housing")
    TRAINING = "TRAINING", _("Skills training")
    TRANSITIONAL_BASE = "TRANSITIONAL_BASE", _("Transitional base placement")
    OTHER = "OTHER", _("Other help")


class MeasureResult(models.TextChoices):
    PENDING = "PENDING", _("In progress")
    PLACED = "PLACED", _("Placed")
    NOT_PLACED = "NOT_PLACED", _("Not placed")


class RiskLevel(models.TextChoices):
    HIGH = "HIGH", _("High")
    MEDIUM = "MEDIUM", _("Medium")
    LOW = "LOW", _("Low")


class VisitMethod(models.TextChoices):
    HOME = "HOME", _("Home visit")
    WORKPLACE = "WORKPLACE", _("Workplace visit")
    OFFICE = "OFFICE", _("Talk at the office")
    PHONE = "PHONE", _("Phone call")


class TeamRole(models.TextChoices):
    OFFICE = "OFFICE", _("Judicial office staff")
    VILLAGE = "VILLAGE", _("Village or community cadre")
    POLICE = "POLICE", _("Community police")
    FAMILY = "FAMILY", _("Family member")
    SOCIAL_WORKER = "SOCIAL_WORKER", _("Social worker or volunteer")


class Relationship(models.TextChoices):
    """A visitor's relationship to the prisoner (直系亲属、监护人, DOMAIN.md §7.2)."""

    SPOUSE = "SPOUSE", _("Spouse")
    PARENT = "PARENT", _("Parent")
    CHILD = "CHILD", _("Child")
    SIBLING = "SIBLING", _("Brother or sister")
    GRANDPARENT = "GRANDPARENT", _("Grandparent")
    GRANDCHILD = "GRANDCHILD", _("Grandchild")
    GUARDIAN = "GUARDIAN", _("Guardian")
    OTHER = "OTHER", _("Other close relative")


class VisitationStatus(models.TextChoices):
    APPLIED = "APPLIED", _("Applied")
    FORWARDED = "FORWARDED", _("Forwarded to the prison")
    BOOKED = "BOOKED", _("Slot booked")
    HELD = "HELD", _("Held")
    NOT_HELD = "NOT_HELD", _("Not held")
    REFUSED = "REFUSED", _("Refused")


OPEN_VISITATION_STATUSES = (
    VisitationStatus.APPLIED,
    VisitationStatus.FORWARDED,
    VisitationStatus.BOOKED,
)


class Channel(models.TextChoices):
    COUNTER = "COUNTER", _("At the office")
    ONLINE = "ONLINE", _("Online (portal)")


# Remote visitation: at most this many family members per session (陕西省远程帮教探视系统应用
# 管理办法, 略阳县 2022; DOMAIN.md §7.2 [V]).
MAX_VISITORS = 3
