"""Entrusted community correction (受委托社区矫正): subjects and what the office does with them.

A subject (社区矫正对象) is a person of the registry whose correction the district bureau's
correction agency entrusts to the executing office (``unit``). Every field of criminal
history is encrypted (SM4-GCM), masked on every list, export and API answer, revealed only
with a reason by a role that may reveal, and every read of a subject's page is audited.
All records here use the ``sensitive`` scope policy (accounts/roles.py).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.choices import Confidence
from sifasuo.core.fields import EncryptedTextField
from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.correction.choices import (
    CLOSED_STATUSES,
    REPORT_KINDS,
    ActivityKind,
    Category,
    ContactKind,
    EndReason,
    MeasureKind,
    MeasureStatus,
    RequestKind,
    RequestStatus,
    RuleTrigger,
    SubjectStatus,
    SupervisionClass,
    TeamRole,
)

SENSITIVE_MASK = "******"
# Criminal-history fields: encrypted, masked, revealed with a reason.
CRIMINAL_FIELDS = ("crime", "sentence", "criminal_facts", "prohibition_content")


def masked_text(value: str | None) -> str:
    """A criminal-history value as lists, exports and the API show it."""
    return SENSITIVE_MASK if value else ""


# Reference data (configurable, loaded by a data migration) --------------------------------


class SupervisionClassRule(models.Model):
    """How often a subject of a class reports and is visited, and the monthly hours due.

    DOMAIN §3.3 [P]: the frequencies are a provincial example; the bureau edits them here.
    """

    supervision_class = models.CharField(
        _("supervision class"), max_length=10, choices=SupervisionClass.choices, unique=True
    )
    report_every_days = models.PositiveIntegerField(_("report every (days)"))
    visit_every_days = models.PositiveIntegerField(_("field visit every (days)"))
    education_hours = models.DecimalField(
        _("education hours a month"), max_digits=5, decimal_places=1
    )
    service_hours = models.DecimalField(
        _("public-service hours a month"), max_digits=5, decimal_places=1
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.PARTLY
    )

    class Meta:
        ordering = ["supervision_class"]
        verbose_name = _("supervision class rule")
        verbose_name_plural = _("supervision class rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(report_every_days__gt=0) & Q(visit_every_days__gt=0),
                name="correction_classrule_positive_intervals",
            )
        ]

    def __str__(self) -> str:
        return str(self.get_supervision_class_display())


class CorrectionLimit(models.Model):
    """A configurable limit (leave the office may approve, escalation grace …)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    value = models.PositiveIntegerField(_("value"))
    unit_label = models.CharField(_("counted in"), max_length=20, default="days")
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.UNVERIFIED
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("correction limit")
        verbose_name_plural = _("correction limits")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class DisciplineRule(models.Model):
    """A threshold at which the system proposes a disciplinary measure (DOMAIN §3.2 [P]).

    The system proposes; a person decides. ``threshold`` is days out of contact, or the
    number of admonitions or warnings already decided.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    trigger = models.CharField(_("counts"), max_length=20, choices=RuleTrigger.choices)
    threshold = models.PositiveIntegerField(_("threshold"))
    proposes = models.CharField(_("proposes"), max_length=20, choices=MeasureKind.choices)
    is_active = models.BooleanField(_("in use"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.PARTLY
    )

    class Meta:
        ordering = ["trigger", "threshold"]
        verbose_name = _("discipline rule")
        verbose_name_plural = _("discipline rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gt=0), name="correction_disciplinerule_threshold_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


# The subject ----------------------------------------------------------------------------


class CorrectionSubject(BaseModel):
    """A community-correction subject entrusted to an office (DOMAIN §3.5 field list)."""

    scope_policy = "sensitive"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("executing office"),
        on_delete=models.PROTECT,
        related_name="correction_subjects",
    )
    entrusting_agency = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("entrusting agency"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The district bureau's community-correction agency."),
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="correction_subjects",
    )
    category = models.CharField(_("correction category"), max_length=16, choices=Category.choices)
    decision_organ = models.CharField(_("decision organ"), max_length=100)
    decision_document = models.CharField(_("decision document number"), max_length=100)
    judgment_effective_on = models.DateField(_("judgment or decision effective on"))
    crime = EncryptedTextField(_("crime"), pii_category="criminal_history")
    sentence = EncryptedTextField(_("sentence"), pii_category="criminal_history")
    criminal_facts = EncryptedTextField(
        _("main criminal facts"), blank=True, pii_category="criminal_history"
    )
    period_start = models.DateField(_("correction period from"))
    period_end = models.DateField(_("correction period until"))
    supervision_class = models.CharField(
        _("supervision class"),
        max_length=10,
        choices=SupervisionClass.choices,
        default=SupervisionClass.STRICT,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubjectStatus.choices,
        default=SubjectStatus.AWAITING_REPORT,
    )
    has_prohibition_order = models.BooleanField(_("prohibition order (禁止令)"), default=False)
    prohibition_content = EncryptedTextField(
        _("content of the prohibition order"), blank=True, pii_category="criminal_history"
    )
    is_five_alone = models.BooleanField(
        _("“five alone” (五独)"), default=False, help_text=_("SFWD in the ministry's data set.")
    )
    is_five_involved = models.BooleanField(
        _("“five involved” (五涉)"), default=False, help_text=_("SFWS in the ministry's data set.")
    )
    has_four_histories = models.BooleanField(
        _("“four histories” (四史)"),
        default=False,
        help_text=_("SFYSS in the ministry's data set."),
    )
    report_in_due = models.DateField(_("report in by"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    reception_note = models.TextField(_("reception note"), blank=True)
    announced_on = models.DateField(_("announcement on (入矫宣告)"), null=True, blank=True)
    plan = models.TextField(_("individual correction plan"), blank=True)
    plan_review_on = models.DateField(_("plan to be reviewed on"), null=True, blank=True)
    last_report_on = models.DateField(_("last report on"), null=True, blank=True)
    report_due = models.DateField(_("next report due"), null=True, blank=True)
    last_visit_on = models.DateField(_("last field visit on"), null=True, blank=True)
    visit_due = models.DateField(_("next field visit due"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("how it ended"), max_length=14, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("ending note"), blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["unit__path", "-period_start", "pk"]
        verbose_name = _("correction subject")
        verbose_name_plural = _("correction subjects")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="correction_subject_period_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CLOSED_STATUSES], ended_on__isnull=False)
                | (~Q(status__in=[s.value for s in CLOSED_STATUSES]) & Q(ended_on__isnull=True)),
                name="correction_subject_ended_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SubjectStatus.values),
                name="correction_correctionsubject_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "report_due"], name="correction_subject_due_idx"),
            models.Index(fields=["status", "visit_due"], name="correction_subject_visit_idx"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    def get_absolute_url(self) -> str:
        return reverse("correction:subject_detail", args=[self.public_id])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.has_prohibition_order and not (self.prohibition_content or "").strip():
            raise ValidationError(
                {"prohibition_content": _("Enter the content of the prohibition order.")}
            )

    # Masked values: the only ones lists, exports and the API show.
    @property
    def crime_masked(self) -> str:
        return masked_text(self.crime)

    @property
    def sentence_masked(self) -> str:
        return masked_text(self.sentence)

    @property
    def criminal_facts_masked(self) -> str:
        return masked_text(self.criminal_facts)

    @property
    def prohibition_content_masked(self) -> str:
        return masked_text(self.prohibition_content)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def under_correction(self) -> bool:
        return self.status == SubjectStatus.UNDER_CORRECTION

    def _days_over(self, due: date | None) -> int:
        if due is None or not self.under_correction:
            return 0
        return max((timezone.localdate() - due).days, 0)

    @property
    def report_days_overdue(self) -> int:
        return self._days_over(self.report_due)

    @property
    def visit_days_overdue(self) -> int:
        return self._days_over(self.visit_due)

    @property
    def report_in_overdue(self) -> bool:
        return (
            self.status == SubjectStatus.AWAITING_REPORT
            and self.report_in_due < timezone.localdate()
        )

    @property
    def is_overdue(self) -> bool:
        return bool(self.report_days_overdue or self.visit_days_overdue or self.report_in_overdue)

    @property
    def days_remaining(self) -> int:
        return (self.period_end - timezone.localdate()).days

    @property
    def announcement_due(self) -> bool:
        return self.under_correction and self.announced_on is None


class ClassChange(BaseModel):
    """A change of supervision class, with its reason and date (the class history)."""

    scope_policy = "sensitive"
    scope_unit_field = "subject__unit"

    subject = models.ForeignKey(
        CorrectionSubject,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="class_changes",
    )
    from_class = models.CharField(
        _("from class"), max_length=10, choices=SupervisionClass.choices, blank=True
    )
    to_class = models.CharField(_("to class"), max_length=10, choices=SupervisionClass.choices)
    changed_on = models.DateField(_("changed on"))
    reason = models.TextField(_("reason"))

    objects = ScopedManager()

    class Meta:
        ordering = ["subject", "changed_on", "pk"]
        verbose_name = _("supervision class change")
        verbose_name_plural = _("supervision class changes")

    def __str__(self) -> str:
        return f"{self.changed_on} {self.from_class}→{self.to_class}"


class TeamMember(BaseModel):
    """A member of the correction team (矫正小组): a registry person or an official by name."""

    scope_policy = "sensitive"
    scope_unit_field = "subject__unit"

    subject = models.ForeignKey(
        CorrectionSubject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="team"
    )
    role = models.CharField(_("role in the team"), max_length=14, choices=TeamRole.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(
        _("full name"),
        max_length=60,
        blank=True,
        help_text=_("For officials not in the registry."),
    )
    duty = models.CharField(_("duty"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["subject", "role", "pk"]
        verbose_name = _("correction team member")
        verbose_name_plural = _("correction team members")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="correction_teammember_person_or_name",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id and self.person else self.name


class Contact(BaseModel):
    """A report by the subject (in person, phone, written, information check) or a field visit."""

    scope_policy = "sensitive"
    scope_unit_field = "subject__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(
        CorrectionSubject,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices)
    occurred_on = models.DateField(_("date"))
    due_on = models.DateField(_("was due on"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, pii_category="correction_record")

    objects = ScopedManager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("report or field visit")
        verbose_name_plural = _("reports and field visits")
        indexes = [models.Index(fields=["subject", "occurred_on"], name="correction_contact_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"

    @property
    def is_report(self) -> bool:
        return self.kind in REPORT_KINDS

    @property
    def was_late(self) -> bool:
        return self.due_on is not None and self.occurred_on > self.due_on


class Activity(BaseModel):
    """Hours of education or public service (measured per month against the class norm)."""

    scope_policy = "sensitive"
    scope_unit_field = "subject__unit"

    subject = models.ForeignKey(
        CorrectionSubject,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours spent"), max_digits=5, decimal_places=1)
    content = models.CharField(_("content"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("education or public service")
        verbose_name_plural = _("education and public service")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="correction_activity_hours_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()} {self.hours}"


class SupervisionRequest(BaseModel):
    """An application by the subject: leave (外出), change of residence, entry or a visitor.

    Leave up to the configured limit and entries/visitors are decided by the office; longer
    leave and residence changes get the office's opinion and the district bureau decides.
    """

    scope_policy = "sensitive"
    scope_unit_field = "subject__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(
        CorrectionSubject,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    destination = EncryptedTextField(
        _("destination, new residence, place or person"), pii_category="address"
    )
    reason = EncryptedTextField(_("reason"), pii_category="correction_record")
    applied_on = models.DateField(_("applied on"))
    start_on = models.DateField(_("starts on"), null=True, blank=True)
    end_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING_OFFICE,
    )
    office_opinion = models.TextField(_("office's opinion"), blank=True)
    office_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("office decision by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    office_on = models.DateField(_("office decision on"), null=True, blank=True)
    district_decision = models.TextField(_("district bureau's decision"), blank=True)
    district_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("district decision by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    district_on = models.DateField(_("district decision on"), null=True, blank=True)
    return_due = models.DateField(_("report back by"), null=True, blank=True)
    returned_on = models.DateField(_("reported back on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-applied_on", "-pk"]
        verbose_name = _("supervision request")
        verbose_name_plural = _("supervision requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=models.F("start_on")),
                name="correction_request_dates_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values),
                name="correction_supervisionrequest_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.applied_on}"

    @property
    def days(self) -> int:
        if self.start_on and self.end_on:
            return (self.end_on - self.start_on).days + 1
        return 0

    @property
    def is_pending(self) -> bool:
        return self.status in (RequestStatus.PENDING_OFFICE, RequestStatus.PENDING_DISTRICT)

    @property
    def awaiting_return(self) -> bool:
        return (
            self.kind == RequestKind.LEAVE
            and self.status == RequestStatus.APPROVED
            and self.returned_on is None
        )

    @property
    def return_days_overdue(self) -> int:
        if not self.awaiting_return or self.return_due is None:
            return 0
        return max((timezone.localdate() - self.return_due).days, 0)


class ElectronicMonitoring(BaseModel):
    """A period of electronic location (电子定位): at most 3 months, renewable (art. 29 [V])."""

    scope_policy = "sensitive"
    scope_unit_field = "subject__unit"

    subject = models.ForeignKey(
        CorrectionSubject,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="monitoring_periods",
    )
    start_on = models.DateField(_("monitored from"))
    end_on = models.DateField(_("monitored until"))
    reason = models.TextField(_("reason and approval"))
    renews = models.ForeignKey(
        "self",
        verbose_name=_("renews"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["subject", "start_on"]
        verbose_name = _("electronic monitoring period")
        verbose_name_plural = _("electronic monitoring periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")),
                name="correction_monitoring_dates_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_on}–{self.end_on}"

    @property
    def is_current(self) -> bool:
        return self.start_on <= timezone.localdate() <= self.end_on


class DisciplinaryMeasure(BaseModel):
    """A reward or a sanction (art. 28): recorded by the office, or proposed to the district."""

    scope_policy = "sensitive"
    scope_unit_field = "subject__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(
        CorrectionSubject,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    kind = models.CharField(_("reward or sanction"), max_length=20, choices=MeasureKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    facts = EncryptedTextField(_("facts"), pii_category="correction_record")
    rule = models.ForeignKey(
        DisciplineRule,
        verbose_name=_("proposed by the rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_on = models.DateField(_("proposed on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("reward or sanction")
        verbose_name_plural = _("rewards and sanctions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=MeasureStatus.PROPOSED) | Q(decided_on__isnull=False),
                name="correction_measure_decided_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values),
                name="correction_disciplinarymeasure_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.proposed_on}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (next_month(date(year, month, 1)) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
