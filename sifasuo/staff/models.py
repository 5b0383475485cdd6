"""Personnel of an office's yearly return: staff, trainings; and rotations, party meetings.

"On post on 31 December" means on-post date ≤ 31 Dec and the off-post date empty or later
(issue 3, "Automatic checks"): ``StaffMember.on_post(day)``.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.staff.choices import (
    Education,
    Establishment,
    MeetingKind,
    MovementKind,
    Post,
    TrainingLevel,
)


class StaffMember(BaseModel):
    """A person on an office's staff list of one year's return."""

    scope_unit_field = "office_return__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    office_return = models.ForeignKey(
        "offices.OfficeReturn",
        verbose_name=_("return"),
        on_delete=models.CASCADE,
        related_name="staff",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    establishment = models.CharField(
        _("establishment"), max_length=20, choices=Establishment.choices
    )
    post = models.CharField(_("post"), max_length=10, choices=Post.choices, default=Post.STAFF)
    is_party_member = models.BooleanField(_("party member"), default=False)
    has_legal_qualification = models.BooleanField(
        _("legal professional qualification"), default=False
    )
    education = models.CharField(
        _("education"), max_length=14, choices=Education.choices, blank=True
    )
    on_post_on = models.DateField(_("on post from"))
    off_post_on = models.DateField(_("off post on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["office_return", "post", "pk"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.UniqueConstraint(
                fields=["office_return", "person"], name="staff_member_unique_person"
            ),
            models.CheckConstraint(
                condition=Q(off_post_on__isnull=True) | Q(off_post_on__gte=models.F("on_post_on")),
                name="staff_member_off_after_on",
            ),
        ]

    def __str__(self) -> str:
        return self.person.name

    def on_post(self, day: date) -> bool:
        """On post on ``day``: arrived by then, and not gone before or on it."""
        return self.on_post_on <= day and (self.off_post_on is None or self.off_post_on > day)


class Training(BaseModel):
    """A training a staff member attended (SF/T 0017 §8.13): counted in its start year."""

    scope_unit_field = "office_return__unit"

    office_return = models.ForeignKey(
        "offices.OfficeReturn",
        verbose_name=_("return"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.CharField(_("course"), max_length=200)
    start_date = models.DateField(_("start date"))
    days = models.DecimalField(_("days"), max_digits=5, decimal_places=1, default=Decimal("0"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=Decimal("0"))
    level = models.CharField(_("level"), max_length=12, choices=TrainingLevel.choices, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["office_return", "start_date", "pk"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=0) & Q(hours__gte=0), name="staff_training_positive"
            )
        ]

    def __str__(self) -> str:
        return self.course


class Movement(BaseModel):
    """A rotation or secondment of a staff member (交流轮岗、挂职锻炼, plan 二.13)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    counterpart = models.CharField(_("to or from"), max_length=100)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("rotation or secondment")
        verbose_name_plural = _("rotations and secondments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.counterpart}"


class PartyMeeting(BaseModel):
    """A meeting of 三会一课 held by the office's party organisation."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.PositiveIntegerField(_("attendees"), default=0)

    objects = ScopedManager()

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("party meeting")
        verbose_name_plural = _("party meetings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"
