"""Legal publicity and rule-of-law villages: activities, 法律明白人, 示范户, advisers, 示范村.

Every ledger row belongs to the judicial office (``unit``) that keeps it; villages are
``orgs.Division`` rows of level "village" under the towns the office serves.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.choices import Confidence
from sifasuo.core.fields import EncryptedTextField
from sifasuo.core.masking import mask
from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.publicity.choices import (
    ActivityForm,
    DesignationLevel,
    HouseholdStatus,
    LiteratePool,
    LiterateStatus,
    MatterKind,
    ReviewResult,
    ServiceMode,
    Target,
    TownAdviserKind,
    VillageKind,
)


def _unit_fk(related_name: str) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("judicial office"),
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _village_fk(related_name: str, *, null: bool = False) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        "orgs.Division",
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        related_name=related_name,
        null=null,
        blank=null,
    )


class LawTopic(models.Model):
    """A law or body of law an activity covers (宪法、民法典 …): data loaded from ``data/``."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("law covered")
        verbose_name_plural = _("laws covered")

    def __str__(self) -> str:
        return self.name


class PublicityNorm(models.Model):
    """A configurable norm (target or service standard) with its source and confidence."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    value = models.PositiveIntegerField(_("value"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.PARTLY
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("publicity norm")
        verbose_name_plural = _("publicity norms")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class PublicityActivity(BaseModel):
    """A legal publicity activity (普法活动): when, what, for whom, how many reached."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = _unit_fk("publicity_activities")
    held_on = models.DateField(_("held on"))
    theme = models.CharField(_("theme"), max_length=200)
    laws = models.ManyToManyField(LawTopic, verbose_name=_("laws covered"), related_name="+")
    target = models.CharField(
        _('"eight into" target'),
        max_length=12,
        choices=Target.choices,
        help_text=_(
            "法律进机关、进乡村、进社区、进学校、进企业、进单位、进网络、进家庭 (plan 二.6)."
        ),
    )
    form = models.CharField(_("form"), max_length=12, choices=ActivityForm.choices)
    place = models.CharField(_("place"), max_length=200)
    village = _village_fk("+", null=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    materials = models.PositiveIntegerField(
        _("materials distributed"),
        default=0,
        help_text=_("Leaflets, booklets and gifts handed out."),
    )
    organiser = models.CharField(_("organised with"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("publicity activity")
        verbose_name_plural = _("publicity activities")
        indexes = [models.Index(fields=["unit", "held_on"], name="publicity_activity_held_idx")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.theme}"

    def get_absolute_url(self) -> str:
        return reverse("publicity:activity_detail", args=[self.public_id])


class LegalLiterate(BaseModel):
    """A 法律明白人 of a village: a person of the registry, appointed after training."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = _unit_fk("legal_literates")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    village = _village_fk("legal_literates")
    pool = models.CharField(
        _("selected from"), max_length=12, choices=LiteratePool.choices, default=LiteratePool.OTHER
    )
    appointed_on = models.DateField(_("appointed on"))
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=LiterateStatus.choices, default=LiterateStatus.ACTIVE
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["village__code", "appointed_on", "pk"]
        verbose_name = _("legal-literate villager")
        verbose_name_plural = _("legal-literate villagers")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="ACTIVE"),
                name="publicity_literate_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status="ACTIVE", removed_on__isnull=True)
                | Q(status="REMOVED", removed_on__isnull=False),
                name="publicity_literate_removed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LiterateStatus.values),
                name="publicity_legalliterate_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["village", "status"], name="publicity_literate_vill_idx")]

    def __str__(self) -> str:
        return f"{self.person} ({self.village})"

    def get_absolute_url(self) -> str:
        return reverse("publicity:literate_detail", args=[self.public_id])


class LiterateTraining(BaseModel):
    """A training a 法律明白人 attended: date, hours, topic."""

    scope_unit_field = "literate__unit"

    literate = models.ForeignKey(
        LegalLiterate,
        verbose_name=_("legal-literate villager"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    trained_on = models.DateField(_("trained on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    topic = models.CharField(_("topic"), max_length=200)

    objects = ScopedManager()

    class Meta:
        ordering = ["-trained_on", "-pk"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="publicity_training_hours_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trained_on:%Y-%m-%d} {self.topic}"


class DemonstrationHousehold(BaseModel):
    """A 学法用法示范户: a household (its head from the registry) designated in a year."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = _unit_fk("demonstration_households")
    head = models.ForeignKey(
        "people.Person",
        verbose_name=_("head of household"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    village = _village_fk("demonstration_households")
    year = models.PositiveSmallIntegerField(_("year designated"))
    status = models.CharField(
        _("status"), max_length=10, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "village__code", "pk"]
        verbose_name = _("demonstration household")
        verbose_name_plural = _("demonstration households")
        constraints = [
            models.UniqueConstraint(
                fields=["head", "year"], name="publicity_household_unique_head_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="publicity_household_year"
            ),
            models.CheckConstraint(
                condition=Q(status__in=HouseholdStatus.values),
                name="publicity_demonstrationhousehold_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.head} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("publicity:household_detail", args=[self.public_id])


class VillageAdviser(BaseModel):
    """一村（社区）一法律顾问: a lawyer assigned to a village for a contract period."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = _unit_fk("village_advisers")
    village = _village_fk("village_advisers")
    village_kind = models.CharField(
        _("kind of village"),
        max_length=10,
        choices=VillageKind.choices,
        default=VillageKind.COMMUNITY,
        help_text=_("Decides the on-site norm: communities and suburban villages, or remote."),
    )
    lawyer_name = models.CharField(_("lawyer"), max_length=60)
    law_firm = models.CharField(_("law firm"), max_length=120)
    licence_number = models.CharField(_("licence number"), max_length=30)
    phone = EncryptedTextField(_("phone"), blank=True, pii_category="phone")
    contract_start = models.DateField(_("contract from"))
    contract_end = models.DateField(_("contract until"))
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["village__code", "-contract_start", "pk"]
        verbose_name = _("village legal adviser")
        verbose_name_plural = _("village legal advisers")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__gt=F("contract_start")),
                name="publicity_adviser_contract_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lawyer_name} ({self.village})"

    def get_absolute_url(self) -> str:
        return reverse("publicity:adviser_detail", args=[self.public_id])

    @property
    def phone_masked(self) -> str:
        return mask(self.phone, "phone")

    @property
    def is_current(self) -> bool:
        return self.contract_start <= timezone.localdate() <= self.contract_end


class AdviserServiceLog(BaseModel):
    """One service of a village adviser (一次一记): date, on site or remote, what was done."""

    scope_unit_field = "adviser__unit"

    adviser = models.ForeignKey(
        VillageAdviser,
        verbose_name=_("village legal adviser"),
        on_delete=models.CASCADE,
        related_name="logs",
    )
    served_on = models.DateField(_("served on"))
    mode = models.CharField(_("mode"), max_length=8, choices=ServiceMode.choices)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    lectures = models.PositiveSmallIntegerField(_("lectures given"), default=0)
    consultations = models.PositiveSmallIntegerField(_("consultations handled"), default=0)
    matters = models.TextField(_("matters"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-served_on", "-pk"]
        verbose_name = _("adviser service record")
        verbose_name_plural = _("adviser service records")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="publicity_log_hours_range"
            )
        ]
        indexes = [models.Index(fields=["adviser", "served_on"], name="publicity_log_served_idx")]

    def __str__(self) -> str:
        return f"{self.served_on:%Y-%m-%d} {self.get_mode_display()}"


class DemonstrationVillage(BaseModel):
    """A 民主法治示范村（社区） title: level, year named, and its periodic review (复核)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = _unit_fk("demonstration_villages")
    village = _village_fk("demonstration_titles")
    level = models.CharField(_("level"), max_length=10, choices=DesignationLevel.choices)
    year = models.PositiveSmallIntegerField(_("year named"))
    designated_on = models.DateField(_("named on"))
    review_due = models.DateField(_("review due"))
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    review_result = models.CharField(
        _("review result"), max_length=10, choices=ReviewResult.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["review_due", "village__code", "pk"]
        verbose_name = _("rule-of-law demonstration village")
        verbose_name_plural = _("rule-of-law demonstration villages")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "level", "year"], name="publicity_demovillage_unique_title"
            ),
            models.CheckConstraint(
                condition=Q(review_due__gt=F("designated_on")),
                name="publicity_demovillage_review_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.get_level_display()} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("publicity:village_detail", args=[self.public_id])

    @property
    def is_active(self) -> bool:
        """A title stands until a review revokes or cancels it."""
        return self.review_result not in (ReviewResult.REVOKED, ReviewResult.CANCELLED)

    @property
    def review_overdue(self) -> bool:
        return self.is_active and self.review_due < timezone.localdate()


class TownAdviser(BaseModel):
    """镇街党委政府法律顾问 or 公职律师 (plan 二.7): who, contract period, matters handled."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = _unit_fk("town_advisers")
    kind = models.CharField(_("kind"), max_length=20, choices=TownAdviserKind.choices)
    name = models.CharField(_("name"), max_length=60)
    firm_or_post = models.CharField(
        _("law firm or post"),
        max_length=120,
        help_text=_("The law firm of an engaged adviser, or the post of a public-sector lawyer."),
    )
    licence_number = models.CharField(_("licence number"), max_length=30, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, pii_category="phone")
    contract_start = models.DateField(_("contract from"))
    contract_end = models.DateField(_("contract until"))
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-contract_end", "pk"]
        verbose_name = _("town legal adviser")
        verbose_name_plural = _("town legal advisers")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__gt=F("contract_start")),
                name="publicity_townadviser_contract_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("publicity:town_adviser_detail", args=[self.public_id])

    @property
    def phone_masked(self) -> str:
        return mask(self.phone, "phone")

    @property
    def is_current(self) -> bool:
        return self.contract_start <= timezone.localdate() <= self.contract_end


class TownAdviserMatter(BaseModel):
    """A matter a town adviser or public-sector lawyer handled: date, matter, kind, outcome."""

    scope_unit_field = "adviser__unit"

    adviser = models.ForeignKey(
        TownAdviser,
        verbose_name=_("town legal adviser"),
        on_delete=models.CASCADE,
        related_name="matters",
    )
    handled_on = models.DateField(_("handled on"))
    matter = models.CharField(_("matter"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=MatterKind.choices)
    outcome = models.TextField(_("outcome"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-handled_on", "-pk"]
        verbose_name = _("matter handled")
        verbose_name_plural = _("matters handled")

    def __str__(self) -> str:
        return f"{self.handled_on:%Y-%m-%d} {self.matter}"


def quarter_start(day: date) -> date:
    """Return the first day of ``day``'s quarter."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


ZERO = Decimal("0")
