"""Public legal services: consultations, legal aid pre-applications, appointments, windows."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.fields import EncryptedTextField
from sifasuo.core.masking import mask
from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.legalservice.choices import (
    AppointmentStatus,
    BookingChannel,
    CentreDecision,
    Channel,
    ConsultationStatus,
    Eligibility,
    LegalAidStatus,
    Referral,
    SlotService,
)

# Code tables (loaded from data/ by migration; edit them in the database) ------------------


class ConsultationTopic(models.Model):
    """A topic category of legal consultations (婚姻家庭, 劳动争议 …)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")

    def __str__(self) -> str:
        return self.name


class LegalAidCaseType(models.Model):
    """A kind of matter legal aid is sought for, with its means-test rule and materials."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    in_scope = models.BooleanField(
        _("within the scope of legal aid"),
        default=True,
        help_text=_("A matter listed in the Legal Aid Law (art. 22, 24, 25, 31)."),
    )
    means_test_exempt = models.BooleanField(
        _("no means test for this matter"),
        default=False,
        help_text=_("Legal Aid Law art. 32: economic difficulty is not examined."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=100, blank=True)
    materials = models.TextField(
        _("materials to bring"), blank=True, help_text=_("One item per line.")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("legal aid case type")
        verbose_name_plural = _("legal aid case types")

    def __str__(self) -> str:
        return self.name

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class EligibilityStandard(models.Model):
    """The economic-difficulty standard: per-capita monthly household income at or below it."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(
        _("district code"),
        max_length=10,
        blank=True,
        help_text=_("Empty: the city-wide default; a bureau code: that district's standard."),
    )
    monthly_income_limit = models.DecimalField(
        _("per-capita monthly income limit (yuan)"), max_digits=10, decimal_places=2
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.CharField(_("confidence"), max_length=1, default="U")
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["region_code", "code"]
        verbose_name = _("eligibility standard")
        verbose_name_plural = _("eligibility standards")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_income_limit__gte=0),
                name="legalservice_standard_limit_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.monthly_income_limit})"


class ServiceWindow(models.Model):
    """A window of the workstation (2+X: 综合受理, 法律援助, 人民调解 + X)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    is_core = models.BooleanField(_("one of the two core windows"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("service window")
        verbose_name_plural = _("service windows")

    def __str__(self) -> str:
        return self.name


# Ledgers -----------------------------------------------------------------------------------


class Consultation(BaseModel):
    """One legal consultation in the office's ledger (法律咨询), at the counter or online."""

    scope_citizen_field = "citizen"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.PENDING,
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person consulting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: an anonymous consultation."),
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen (online)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.ForeignKey(ConsultationTopic, verbose_name=_("topic"), on_delete=models.PROTECT)
    question = models.TextField(_("question"))
    received_on = models.DateField(_("received on"))
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    referral = models.CharField(
        _("referred to"), max_length=12, choices=Referral.choices, blank=True
    )
    referral_note = models.CharField(_("referral note"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ConsultationStatus.PENDING)
                | (Q(answered_on__isnull=False) & ~Q(answer="")),
                name="legalservice_consultation_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")),
                name="legalservice_consultation_answer_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ConsultationStatus.values),
                name="legalservice_consultation_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="legalservice_cons_unit_day"),
            models.Index(fields=["status", "answer_due"], name="legalservice_cons_due"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.topic_id and self.topic.name}"

    def get_absolute_url(self) -> str:
        return reverse("legalservice:consultation_detail", args=[self.public_id])

    def clean(self) -> None:
        if self.referral_note and not self.referral:
            raise ValidationError({"referral": _("Choose where the person was referred to.")})

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ConsultationStatus.PENDING
            and self.answer_due is not None
            and self.answer_due < timezone.localdate()
        )

    @property
    def who(self) -> str:
        """The person's name, or "anonymous"."""
        if self.person_id:
            return self.person.name  # type: ignore[union-attr]
        if self.citizen_id:
            return str(_("Citizen online"))
        return str(_("Anonymous"))


class LegalAidApplication(BaseModel):
    """A legal aid pre-application taken at the office and transferred to the district centre.

    The eligibility result is computed by ``services.assess_eligibility`` and kept with its
    reasons, so the file shows why it looked eligible at the time.
    """

    scope_citizen_field = "citizen"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="legal_aid_applications",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=LegalAidStatus.choices,
        default=LegalAidStatus.REGISTERED,
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen (online)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applicant_name = EncryptedTextField(_("applicant's name"), blank=True, pii_category="name")
    applicant_phone = EncryptedTextField(_("applicant's phone"), blank=True, pii_category="phone")
    case_type = models.ForeignKey(
        LegalAidCaseType, verbose_name=_("case type"), on_delete=models.PROTECT
    )
    matter = models.TextField(_("the matter in brief"))
    received_on = models.DateField(_("received on"))
    household_size = models.PositiveSmallIntegerField(_("household members"), default=1)
    monthly_household_income = models.DecimalField(
        _("monthly household income (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    assets_value = models.DecimalField(
        _("assets (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    assets_note = models.CharField(_("assets"), max_length=200, blank=True)
    exempt_categories = models.JSONField(_("exempt categories (art. 42)"), default=list, blank=True)
    standard = models.ForeignKey(
        EligibilityStandard,
        verbose_name=_("standard applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    income_limit = models.DecimalField(
        _("income limit applied (yuan)"), max_digits=10, decimal_places=2, default=0
    )
    eligibility = models.CharField(_("eligibility"), max_length=12, choices=Eligibility.choices)
    eligibility_reasons = models.JSONField(_("eligibility criteria"), default=list, blank=True)
    materials_received = models.JSONField(_("materials received"), default=list, blank=True)
    transfer_due = models.DateField(_("transfer due"), null=True, blank=True)
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)
    transfer_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("transferred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    transfer_note = models.CharField(_("transfer note"), max_length=300, blank=True)
    decision = models.CharField(
        _("centre's decision"), max_length=10, choices=CentreDecision.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason given"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("legal aid pre-application")
        verbose_name_plural = _("legal aid pre-applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(household_size__gte=1), name="legalservice_legalaid_household_size"
            ),
            models.CheckConstraint(
                condition=Q(monthly_household_income__gte=0) & Q(assets_value__gte=0),
                name="legalservice_legalaid_amounts_positive",
            ),
            models.CheckConstraint(
                condition=Q(status=LegalAidStatus.REGISTERED) | Q(transferred_on__isnull=False),
                name="legalservice_legalaid_transferred_has_date",
            ),
            models.CheckConstraint(
                condition=Q(transferred_on__isnull=True)
                | Q(transferred_on__gte=models.F("received_on")),
                name="legalservice_legalaid_transferred_after_received",
            ),
            models.CheckConstraint(
                condition=~Q(decision=CentreDecision.REFUSED) | ~Q(decision_reason=""),
                name="legalservice_legalaid_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LegalAidStatus.values),
                name="legalservice_legalaidapplication_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="legalservice_aid_unit_day"),
            models.Index(fields=["status", "transfer_due"], name="legalservice_aid_due"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.case_type_id and self.case_type.name}"

    def get_absolute_url(self) -> str:
        return reverse("legalservice:legal_aid_detail", args=[self.public_id])

    @property
    def per_capita_income(self) -> Decimal:
        size = max(self.household_size or 1, 1)
        return (Decimal(self.monthly_household_income) / size).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def materials_missing(self) -> list[str]:
        received = set(self.materials_received or [])
        return [m for m in self.case_type.material_list if m not in received]

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == LegalAidStatus.REGISTERED
            and self.transfer_due is not None
            and self.transfer_due < timezone.localdate()
        )

    @property
    def applicant_display(self) -> str:
        """The registry person's name, or the online applicant's name masked."""
        if self.person_id:
            return self.person.name  # type: ignore[union-attr]
        return mask(self.applicant_name, "name")

    @property
    def applicant_phone_masked(self) -> str:
        if self.applicant_phone:
            return mask(self.applicant_phone, "phone")
        return self.person.phone_masked if self.person_id else ""  # type: ignore[union-attr]

    @property
    def exempt_labels(self) -> list[str]:
        from sifasuo.legalservice.choices import ExemptCategory

        labels = dict(ExemptCategory.choices)
        return [str(labels.get(code, code)) for code in self.exempt_categories or []]


class ServiceSlot(BaseModel):
    """A time slot an office publishes for appointments, with its capacity."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="service_slots",
    )
    service = models.CharField(_("service"), max_length=12, choices=SlotService.choices)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)
    place = models.CharField(_("place"), max_length=100, blank=True)
    is_open = models.BooleanField(_("open for booking"), default=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["date", "start_time", "service", "pk"]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="legalservice_slot_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="legalservice_slot_not_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="legalservice_slot_time_order"
            ),
            models.UniqueConstraint(
                fields=["unit", "service", "date", "start_time"],
                name="legalservice_slot_unique_time",
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"], name="legalservice_slot_unit_day")]

    def __str__(self) -> str:
        return (
            f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}–{self.end_time:%H:%M} "
            f"{self.get_service_display()}"
        )

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def is_past(self) -> bool:
        return self.date < timezone.localdate()

    @property
    def bookable(self) -> bool:
        return self.is_open and not self.is_past and self.remaining > 0

    def choice_label(self) -> str:
        """The label of the slot in a booking form: time, service and places left."""
        return str(
            _("%(slot)s (%(n)d left)") % {"slot": str(self), "n": self.remaining}  # type: ignore[str-format]
        )


class Appointment(BaseModel):
    """A booking of a slot, at the counter or online, and whether it was kept."""

    scope_citizen_field = "citizen"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    slot = models.ForeignKey(
        ServiceSlot,
        verbose_name=_("slot"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=BookingChannel.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen (online)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_name = EncryptedTextField(_("name"), blank=True, pii_category="name")
    contact_phone = EncryptedTextField(_("phone"), blank=True, pii_category="phone")
    matter = models.CharField(_("matter"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    outcome_note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=AppointmentStatus.BOOKED) | Q(outcome_on__isnull=False),
                name="legalservice_appointment_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values),
                name="legalservice_appointment_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "date"], name="legalservice_appt_unit_day"),
            models.Index(fields=["status", "date"], name="legalservice_appt_status_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("legalservice:appointment_detail", args=[self.public_id])

    @property
    def who(self) -> str:
        if self.person_id:
            return self.person.name  # type: ignore[union-attr]
        return mask(self.contact_name, "name") or str(_("Citizen online"))

    @property
    def phone_masked(self) -> str:
        if self.contact_phone:
            return mask(self.contact_phone, "phone")
        return self.person.phone_masked if self.person_id else ""  # type: ignore[union-attr]

    @property
    def phone_for_sms(self) -> str:
        """The number reminders go to (the booking's own, else the registry person's)."""
        if self.contact_phone:
            return self.contact_phone
        return self.person.phone if self.person_id else ""  # type: ignore[union-attr]

    @property
    def awaiting_outcome(self) -> bool:
        return self.status == AppointmentStatus.BOOKED and self.date <= timezone.localdate()


class WindowServiceLog(BaseModel):
    """A line of the window services log (2+X): what one window handled on a day."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="window_logs",
    )
    served_on = models.DateField(_("date"))
    window = models.ForeignKey(ServiceWindow, verbose_name=_("window"), on_delete=models.PROTECT)
    matter = models.CharField(_("matter"), max_length=200)
    people_served = models.PositiveIntegerField(_("people served"), default=1)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-served_on", "-pk"]
        verbose_name = _("window service")
        verbose_name_plural = _("window services")
        constraints = [
            models.CheckConstraint(
                condition=Q(people_served__gte=1), name="legalservice_window_people_positive"
            )
        ]
        indexes = [models.Index(fields=["unit", "served_on"], name="legalservice_window_unit_day")]

    def __str__(self) -> str:
        return f"{self.served_on} {self.window_id and self.window.name}: {self.matter}"

    def get_absolute_url(self) -> str:
        return reverse("legalservice:window_edit", args=[self.public_id])


def handled_by_label(user: Any) -> str:
    """How a staff member appears in the ledgers."""
    if user is None:
        return ""
    return str(user)
