"""Divisions (NBS codes) and units: the one tree every ledger hangs from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedQuerySet
from sifasuo.orgs.choices import DivisionLevel, UnitKind


class Division(models.Model):
    """A statistical division of Xi'an: city, district or county, town or street, village."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        indexes = [models.Index(fields=["level", "code"], name="orgs_division_level_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def district(self) -> Division | None:
        """Return the district or county this division lies in (itself for a district)."""
        node: Division | None = self
        while node is not None and node.level not in (DivisionLevel.DISTRICT, DivisionLevel.CITY):
            node = node.parent
        return node if node is not None and node.level == DivisionLevel.DISTRICT else None


class UnitQuerySet(ScopedQuerySet["Unit"]):
    """Units, with the public office list of the locator."""

    def offices(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.OFFICE)

    def public_offices(self) -> UnitQuerySet:
        """Active offices, for anyone (the office locator is public reference data)."""
        return self.offices().filter(is_active=True)


class Unit(BaseModel):
    """A unit of the justice system: bureau, office, workstation or mediation committee.

    ``path`` is the materialised path of codes (``/610100/610102/610102001/``) that scope
    filters use. An office's ``division`` is the main town it serves; its managing bureau
    (``parent``) may differ from the district of that town.
    """

    scope_unit_field = ""
    scope_policy = "units"

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(
        _("short name"),
        max_length=30,
        blank=True,
        help_text=_("Used in document numbers, e.g. 新城西一路."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_("For an office: the main town or street it serves."),
    )
    other_divisions = models.ManyToManyField(
        Division,
        verbose_name=_("other towns served"),
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    is_demo_contact = models.BooleanField(
        _("synthetic contact details"),
        default=False,
        help_text=_("The address and phone are demo data, not the office's real ones."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=UnitKind.CITY) | Q(parent__isnull=False),
                name="orgs_unit_parent_required",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orgs:unit_detail", args=[self.code])

    def compute_path(self) -> str:
        """Return the materialised path from the parent's."""
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        return f"{parent_path}{self.code}/"

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = self.compute_path()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def bureau(self) -> Unit | None:
        """Return the managing bureau (district, development zone or city) of this unit."""
        node: Unit | None = self
        while node is not None and node.kind not in (UnitKind.DISTRICT, UnitKind.DEVZONE):
            if node.kind == UnitKind.CITY:
                return node
            node = node.parent
        return node

    @property
    def district_code(self) -> str:
        """The managing bureau's code ("district" everywhere but the locator)."""
        bureau = self.bureau
        return bureau.code if bureau else ""

    @property
    def district_name(self) -> str:
        bureau = self.bureau
        return bureau.name if bureau else ""

    @property
    def division_district_code(self) -> str:
        """The code of the district or county the main town lies in."""
        district = self.division.district if self.division_id and self.division else None
        return district.code if district else ""

    @property
    def document_short_name(self) -> str:
        """The unit's name in document numbers: 新城 + 西一路 → 新城西一路."""
        if self.short_name:
            return self.short_name
        return self.name
