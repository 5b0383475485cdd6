"""The six-good standard: versioned indicator frameworks, campaigns, assessments, rectification.

A framework (one per year and version, issued by a bureau) holds the point table the city
scores its offices with (DOMAIN.md §13): six dimensions with point budgets, indicators with
their points, rule (an automatic check code, a registry measure code, or manual evidence),
scoring method and evidence method, and grade bands by total score. A campaign applies a
framework to chosen offices for a year; each office's assessment goes DRAFT → SUBMITTED →
DISTRICT_ACCEPTED → ACCEPTED (or RETURNED by the district or the city). Failed indicators
open rectifications; the city designates demonstration units per year.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.standards.checks import CHECK_CODES, Thresholds
from sifasuo.standards.choices import (
    EDITABLE_STATUSES,
    AssessmentStatus,
    AssessmentStep,
    Comparison,
    EvidenceMethod,
    RectificationStatus,
    RuleType,
    ScoringMethod,
)

CHECK_CODE_CHOICES = [(code, code) for code in CHECK_CODES]


def _points(label: Any, **kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=5, decimal_places=1, **kwargs)


class Framework(BaseModel):
    """A versioned indicator framework (评分表) for one year, issued by a bureau."""

    year = models.PositiveIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    issuing_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("The framework campaigns of its year use.")
    )
    milestone = models.CharField(
        _("milestone"), max_length=40, blank=True, help_text=_("e.g. 2022 启动年.")
    )
    goal = models.TextField(_("goal of the year"), blank=True)
    thresholds = models.JSONField(
        _("thresholds of the automatic checks"),
        default=dict,
        blank=True,
        help_text=_(
            "min_area, training_days, training_hours, independent_branch_members; "
            "missing keys take the plan's values."
        ),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "version"], name="standards_framework_unique_version"
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(is_active=True),
                name="standards_framework_one_active_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year} v{self.version}）"

    def get_absolute_url(self) -> str:
        return f"{reverse('standards:framework')}?year={self.year}&version={self.version}"

    def check_thresholds(self) -> Thresholds:
        """Return the thresholds of the automatic checks under this framework."""
        plan = Thresholds()
        values = self.thresholds or {}
        return Thresholds(
            min_area=Decimal(str(values.get("min_area", plan.min_area))),
            training_days=Decimal(str(values.get("training_days", plan.training_days))),
            training_hours=Decimal(str(values.get("training_hours", plan.training_hours))),
            independent_branch_members=int(
                values.get("independent_branch_members", plan.independent_branch_members)
            ),
        )


class Dimension(models.Model):
    """One of the six goods (组织机构建设好 …) with its point budget."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="dimensions",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    points = _points(_("points"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order", "pk"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="standards_dimension_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="standards_dimension_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One scored item of a framework: content, points, rule, scoring and evidence method."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    dimension = models.ForeignKey(
        Dimension,
        verbose_name=_("dimension"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.CharField(_("code"), max_length=40)
    content = models.TextField(_("content"))
    points = _points(_("points"))
    rule_type = models.CharField(_("rule"), max_length=10, choices=RuleType.choices)
    check_code = models.CharField(
        _("automatic check"), max_length=20, choices=CHECK_CODE_CHOICES, blank=True
    )
    measure_code = models.CharField(
        _("measure"),
        max_length=64,
        blank=True,
        help_text=_("A code of the measure registry, e.g. mediation.succeeded."),
    )
    denominator_code = models.CharField(
        _("divided by measure"),
        max_length=64,
        blank=True,
        help_text=_("For a rate: the measure it is divided by, e.g. mediation.accepted."),
    )
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    comparison = models.CharField(
        _("comparison"), max_length=3, choices=Comparison.choices, default=Comparison.GTE
    )
    scoring_method = models.CharField(
        _("scoring method"),
        max_length=20,
        choices=ScoringMethod.choices,
        default=ScoringMethod.ALL_OR_NOTHING,
    )
    deduct_points = _points(_("points deducted per missing element"), null=True, blank=True)
    elements = models.JSONField(
        _("elements"),
        default=list,
        blank=True,
        help_text=_("For a manual item scored per missing element: the elements, by name."),
    )
    evidence_method = models.CharField(
        _("evidence method"), max_length=10, choices=EvidenceMethod.choices
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "dimension__order", "order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="standards_indicator_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="standards_indicator_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.content[:30]}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.dimension_id
            and self.framework_id
            and self.dimension.framework_id != self.framework_id
        ):
            errors["dimension"] = _("The dimension belongs to another framework.")
        if self.rule_type == RuleType.AUTO and self.check_code not in CHECK_CODES:
            errors["check_code"] = _("An automatic indicator names one of the nine checks.")
        if self.rule_type == RuleType.MEASURE:
            if not self.measure_code:
                errors["measure_code"] = _("A figure indicator names a measure code.")
            if self.target is None:
                errors["target"] = _("A figure indicator has a target.")
            if self.scoring_method == ScoringMethod.DEDUCT_PER_MISSING:
                errors["scoring_method"] = _("A figure has no missing elements to deduct for.")
        if self.scoring_method == ScoringMethod.DEDUCT_PER_MISSING:
            if not self.deduct_points:
                errors["deduct_points"] = _("Say how many points each missing element costs.")
            if self.rule_type == RuleType.MANUAL and not self.elements:
                errors["elements"] = _("List the elements whose absence is deducted for.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_manual(self) -> bool:
        return self.rule_type == RuleType.MANUAL


class GradeBand(models.Model):
    """A grade an office reaches by its total score (达标, 示范 …)."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="grade_bands",
    )
    name = models.CharField(_("name"), max_length=40)
    min_score = _points(_("minimum score"))

    class Meta:
        ordering = ["framework", "min_score"]
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="standards_band_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ≥ {self.min_score}"


class Campaign(BaseModel):
    """A yearly assessment campaign the city opens over chosen offices (all, or a batch)."""

    scope_share_field = "offices"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("year"))
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(_("name"), max_length=200)
    batch = models.CharField(
        _("batch"), max_length=40, blank=True, help_text=_("e.g. 第三批; empty: all offices.")
    )
    offices = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("offices"), related_name="standards_campaigns"
    )
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("self-assessments due on"))

    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "-opened_on", "-pk"]
        verbose_name = _("assessment campaign")
        verbose_name_plural = _("assessment campaigns")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="standards_campaign_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("standards:campaign_detail", args=[self.public_id])


class Assessment(BaseModel):
    """One office's assessment in a campaign: self-assessment, district review, city acceptance."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="assessments"
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="standards_assessments",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    due_on = models.DateField(
        _("due on"), help_text=_("When the step now awaited is due (office, district or city).")
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    district_decided_on = models.DateField(_("district decided on"), null=True, blank=True)
    city_decided_on = models.DateField(_("city decided on"), null=True, blank=True)
    submitted_score = _points(_("score when submitted"), null=True, blank=True)
    submitted_checks_passed = models.PositiveIntegerField(
        _("automatic checks passed when submitted"), null=True, blank=True
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["campaign", "unit__path"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"], name="standards_assessment_unique_office"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values),
                name="standards_assessment_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="standards_assess_status_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.campaign}"

    def get_absolute_url(self) -> str:
        return reverse("standards:assessment_detail", args=[self.public_id])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_frozen(self) -> bool:
        """The automatic results were frozen by a submission still standing."""
        return self.status in (
            AssessmentStatus.SUBMITTED,
            AssessmentStatus.DISTRICT_ACCEPTED,
            AssessmentStatus.ACCEPTED,
        )

    @property
    def is_overdue(self) -> bool:
        return self.status != AssessmentStatus.ACCEPTED and self.due_on < timezone.localdate()


class AssessmentItem(BaseModel):
    """One indicator in an assessment: the manual score with its evidence, the frozen result."""

    scope_unit_field = "assessment__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="items"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    manual_score = _points(
        _("score"), null=True, blank=True, help_text=_("Empty: not assessed yet (counts 0).")
    )
    missing_elements = models.JSONField(_("missing elements"), default=list, blank=True)
    note = models.TextField(_("office's note"), blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    frozen_passed = models.BooleanField(_("passed when submitted"), null=True, blank=True)
    frozen_value = models.JSONField(_("value when submitted"), null=True, blank=True)
    frozen_threshold = models.JSONField(_("threshold when submitted"), null=True, blank=True)
    frozen_explanation = models.TextField(_("explanation when submitted"), blank=True)
    frozen_score = _points(_("score when submitted"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["assessment", "indicator__dimension__order", "indicator__order", "pk"]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="standards_item_unique_indicator"
            )
        ]

    def __str__(self) -> str:
        return str(self.indicator)

    def get_absolute_url(self) -> str:
        return f"{self.assessment.get_absolute_url()}#item-{self.public_id}"

    @property
    def is_assessed(self) -> bool:
        return self.manual_score is not None


class AssessmentEvent(BaseModel):
    """One step of an assessment's workflow, with the reviewer's comments (the history)."""

    scope_unit_field = "assessment__unit"

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField(_("step"), max_length=20, choices=AssessmentStep.choices)
    comment = models.TextField(_("comment"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["assessment", "created_at", "pk"]
        verbose_name = _("assessment step")
        verbose_name_plural = _("assessment steps")

    def __str__(self) -> str:
        return self.get_step_display()


class Rectification(BaseModel):
    """A rectification item (整改) opened for an indicator an office failed."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="standards_rectifications",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    problem = models.TextField(_("problem"))
    measure = models.TextField(_("rectification measure"), blank=True)
    owner = models.CharField(_("responsible"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verify_note = models.TextField(_("verification note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="standards_rectification_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RectificationStatus.values),
                name="standards_rectification_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="standards_rect_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator.code}"

    def get_absolute_url(self) -> str:
        return reverse("standards:rectification_detail", args=[self.public_id])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS)
            and self.due_on < timezone.localdate()
        )


class DemonstrationUnit(BaseModel):
    """An office the city designated a demonstration unit (示范单位) for a year."""

    scope_unit_field = "office"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveIntegerField(_("year"))
    office = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="standards_demonstrations",
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "office__path"]
        verbose_name = _("demonstration unit")
        verbose_name_plural = _("demonstration units")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "office"], name="standards_demonstration_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year}"
