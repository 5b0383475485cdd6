"""Closed lists of the tasks and notices (stable upper-case values: stored and exported)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    CLOSED = "CLOSED", _("Closed")


class AssignmentStatus(models.TextChoices):
    PENDING = "PENDING", _("Not started")
    DRAFT = "DRAFT", _("Draft saved")
    SUBMITTED = "SUBMITTED", _("Submitted")
    RETURNED = "RETURNED", _("Returned for rework")
    ACCEPTED = "ACCEPTED", _("Accepted")


# The office still owes a reply; past the due date such an assignment is late.
AWAITING_OFFICE = (AssignmentStatus.PENDING, AssignmentStatus.DRAFT, AssignmentStatus.RETURNED)
# The office has replied (the sender may still return a submitted reply).
REPLIED = (AssignmentStatus.SUBMITTED, AssignmentStatus.ACCEPTED)


class AddressMode(models.TextChoices):
    ALL = "ALL", _("All offices in my scope")
    DISTRICT = "DISTRICT", _("The offices of one district")
    CHOSEN = "CHOSEN", _("The offices ticked below")
