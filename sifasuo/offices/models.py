"""The office profile as a yearly return (填报): premises, rooms, signage, IT, funding, systems.

A return describes one office as of 31 December of its year; the automatic checks of the
six-good standard read it (``standards``). Staff and trainings of the return are in
``staff``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.offices.choices import (
    EquipmentCategory,
    ExperienceStatus,
    FundingCategory,
    HonourLevel,
    Ownership,
    PartyForm,
    RoomKind,
    SystemKind,
)

FUNDING_FIELDS = {
    FundingCategory.PERSONNEL: "funding_personnel",
    FundingCategory.PUBLIC: "funding_public",
    FundingCategory.CASEWORK: "funding_casework",
    FundingCategory.EQUIPMENT: "funding_equipment",
    FundingCategory.INFRASTRUCTURE: "funding_infrastructure",
}


def _money(label: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal("0"))


class OfficeReturn(BaseModel):
    """One office's return for one year: its profile as of 31 December of that year."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="returns"
    )
    year = models.PositiveIntegerField(_("year"))
    business_area = models.DecimalField(
        _("business area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    ownership = models.CharField(
        _("premises"), max_length=10, choices=Ownership.choices, blank=True
    )
    sign_emblem = models.BooleanField(_("judicial administration emblem"), default=False)
    sign_office_plaque = models.BooleanField(_("judicial office plaque"), default=False)
    sign_station_plaque = models.BooleanField(_("legal service station plaque"), default=False)
    sign_light_box = models.BooleanField(_("light box"), default=False)
    sign_guide = models.BooleanField(_("guide signs"), default=False)
    establishment_quota = models.PositiveIntegerField(
        _("politics-and-law special posts (quota)"), default=0
    )
    party_form = models.CharField(
        _("party organisation"), max_length=12, choices=PartyForm.choices, blank=True
    )
    remote_visit_installed_on = models.DateField(
        _("remote visitation system installed on"), null=True, blank=True
    )
    video_conf_installed_on = models.DateField(
        _("video conferencing system installed on"), null=True, blank=True
    )
    terminal_installed_on = models.DateField(
        _("self-service terminal installed on"), null=True, blank=True
    )
    funding_personnel = _money(_("personnel funds (yuan)"))
    funding_public = _money(_("public funds (yuan)"))
    funding_casework = _money(_("casework (business) funds (yuan)"))
    funding_equipment = _money(_("business equipment funds (yuan)"))
    funding_infrastructure = _money(_("infrastructure funds (yuan)"))

    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("office return")
        verbose_name_plural = _("office returns")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="offices_return_unique_year"),
            models.CheckConstraint(
                condition=Q(business_area__isnull=True) | Q(business_area__gte=0),
                name="offices_return_area_positive",
            ),
            models.CheckConstraint(
                condition=Q(funding_personnel__gte=0)
                & Q(funding_public__gte=0)
                & Q(funding_casework__gte=0)
                & Q(funding_equipment__gte=0)
                & Q(funding_infrastructure__gte=0),
                name="offices_return_funding_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("offices:return_detail", args=[self.public_id])

    def funding(self) -> dict[str, Decimal]:
        """The five funding categories of the year, by code."""
        return {code: getattr(self, name) for code, name in FUNDING_FIELDS.items()}


class OfficeRoom(BaseModel):
    """One of the 六室一站 in a return: present or not, its area, its photo (an attachment)."""

    scope_unit_field = "office_return__unit"

    office_return = models.ForeignKey(
        OfficeReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="rooms"
    )
    kind = models.CharField(_("room"), max_length=12, choices=RoomKind.choices)
    present = models.BooleanField(_("present"), default=False)
    area = models.DecimalField(
        _("area (m²)"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["office_return", "kind"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["office_return", "kind"], name="offices_room_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Equipment(BaseModel):
    """Equipment or a vehicle of the office, by the plan's categories (二.17)."""

    scope_unit_field = "office_return__unit"

    office_return = models.ForeignKey(
        OfficeReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="equipment"
    )
    category = models.CharField(_("category"), max_length=12, choices=EquipmentCategory.choices)
    name = models.CharField(_("name"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["office_return", "category", "name"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return self.name


class ManagementSystem(BaseModel):
    """One of the seven management systems (制度) of a return, with its document."""

    scope_unit_field = "office_return__unit"

    office_return = models.ForeignKey(
        OfficeReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="systems"
    )
    kind = models.CharField(_("system"), max_length=20, choices=SystemKind.choices)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["office_return", "kind"]
        verbose_name = _("management system")
        verbose_name_plural = _("management systems")
        constraints = [
            models.UniqueConstraint(
                fields=["office_return", "kind"], name="offices_system_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Honour(BaseModel):
    """An honour of an office or one of its staff (受表彰情况, SF/T 0017 §8.6, §8.14)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the office itself was honoured."),
    )
    title = models.CharField(_("honour"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=HonourLevel.choices)
    awarded_by = models.CharField(_("awarded by"), max_length=100)
    awarded_on = models.DateField(_("awarded on"))

    objects = ScopedManager()

    class Meta:
        ordering = ["-awarded_on", "pk"]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self) -> str:
        return self.title


class TypicalExperience(BaseModel):
    """A typical experience (典型经验) an office writes up; the city publishes the chosen ones."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("write-up"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ExperienceStatus.choices,
        default=ExperienceStatus.DRAFT,
    )
    review_note = models.TextField(_("review note"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-published_on", "-created_at"]
        verbose_name = _("typical experience")
        verbose_name_plural = _("typical experiences")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExperienceStatus.values),
                name="offices_typicalexperience_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title
