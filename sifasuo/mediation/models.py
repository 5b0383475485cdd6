"""People's mediation: committees' profiles, mediators, cases and their steps, screening."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.mediation.choices import (
    COMMITTEE_MAX_MEMBERS,
    COMMITTEE_MIN_MEMBERS,
    MEMBER_POSITIONS,
    OPEN_STATUSES,
    SIZED_COMMITTEE_TYPES,
    CaseSource,
    CaseStatus,
    CommitteeType,
    ConfirmationResult,
    Employment,
    MediatorPosition,
    Outcome,
    PartyKind,
    PartyRole,
    Performance,
    RecordKind,
    ReferralOrgan,
    RefusalReason,
    RiskLevel,
    Satisfaction,
    TransferKind,
    TransferStatus,
    VisitMethod,
)
from sifasuo.people.choices import Sex


class DisputeCategory(models.Model):
    """A dispute category of the statistics (a code table loaded from ``data/``)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    sft_code = models.CharField(
        _("SF/T 0018 code"),
        max_length=20,
        blank=True,
        help_text=_("The ministry's code once obtained (DOMAIN.md §2.4)."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("dispute category")
        verbose_name_plural = _("dispute categories")

    def __str__(self) -> str:
        return self.name


class CommitteeProfile(BaseModel):
    """The mediation profile of a committee unit (调委会): type, place served, term."""

    unit = models.OneToOneField(
        "orgs.Unit",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="mediation_profile",
    )
    committee_type = models.CharField(
        _("committee type"), max_length=12, choices=CommitteeType.choices
    )
    served_division = models.ForeignKey(
        "orgs.Division",
        verbose_name=_("village or town served"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    served_place = models.CharField(
        _("place or sector served"),
        max_length=100,
        blank=True,
        help_text=_("For enterprise, sectoral and stationed committees."),
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    term_start = models.DateField(_("term of office from"), null=True, blank=True)
    term_end = models.DateField(_("term of office until"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("committee profile")
        verbose_name_plural = _("committee profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gt=models.F("term_start")),
                name="mediation_committee_term_order",
            )
        ]

    def __str__(self) -> str:
        return str(self.unit)

    def get_absolute_url(self) -> str:
        return reverse("mediation:committee_detail", args=[self.unit.code])

    def composition_warnings(self, members: list[Mediator] | None = None) -> list[str]:
        """Return the art. 7–8 rules the membership breaks (3–9 members, at least one woman)."""
        if self.committee_type not in SIZED_COMMITTEE_TYPES:
            return []
        if members is None:
            members = list(
                self.unit.mediators.filter(  # type: ignore[attr-defined]
                    is_active=True, position__in=MEMBER_POSITIONS
                ).select_related("person")
            )
        warnings = []
        count = len(members)
        if not COMMITTEE_MIN_MEMBERS <= count <= COMMITTEE_MAX_MEMBERS:
            warnings.append(
                gettext(
                    "The committee has %(count)d members; a village or town committee has "
                    "%(min)d to %(max)d (People's Mediation Law art. 8)."
                )
                % {"count": count, "min": COMMITTEE_MIN_MEMBERS, "max": COMMITTEE_MAX_MEMBERS}
            )
        if not any(m.person.sex == Sex.FEMALE for m in members):
            warnings.append(
                gettext(
                    "The committee has no woman member; it must include women "
                    "(People's Mediation Law art. 8)."
                )
            )
        if not any(m.position == MediatorPosition.DIRECTOR for m in members):
            warnings.append(gettext("The committee has no director (art. 8)."))
        return warnings


class Mediator(BaseModel):
    """A people's mediator of a committee: a person of the registry, full- or part-time."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="mediators",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(
        _("position"),
        max_length=10,
        choices=MediatorPosition.choices,
        default=MediatorPosition.MEMBER,
    )
    employment = models.CharField(
        _("employment"), max_length=4, choices=Employment.choices, default=Employment.PART_TIME
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    training_hours = models.DecimalField(
        _("training hours this year"), max_digits=6, decimal_places=1, default=0
    )
    training_note = models.CharField(_("training"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["unit__path", "position", "pk"]
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person"], name="mediation_mediator_unique_person"
            ),
            models.CheckConstraint(
                condition=Q(training_hours__gte=0), name="mediation_mediator_training_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.person.name


class MediationCase(BaseModel):
    """A mediation case from intake to archive (DOMAIN.md §2.2), owned by a committee.

    ``unit`` is the committee working the case now; ``registered_unit`` and
    ``accepted_unit`` are where it is counted (a transfer moves the work, not the count),
    and keep viewing it.
    """

    scope_view_unit_fields = ("registered_unit", "accepted_unit")
    scope_share_field = "shared_with"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("committee handling"),
        on_delete=models.PROTECT,
        related_name="mediation_cases",
    )
    registered_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    shared_with = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("shared with"), blank=True, related_name="+"
    )
    number = models.CharField(_("case number"), max_length=60)
    status = models.CharField(
        _("status"), max_length=14, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    source = models.CharField(_("source"), max_length=12, choices=CaseSource.choices)
    referral_organ = models.CharField(
        _("referred by"), max_length=10, choices=ReferralOrgan.choices, blank=True
    )
    category = models.ForeignKey(
        DisputeCategory, verbose_name=_("dispute category"), on_delete=models.PROTECT
    )
    summary = models.TextField(_("summary of the dispute"))
    amount_involved = models.DecimalField(
        _("amount involved (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    people_involved = models.PositiveIntegerField(_("people involved"), default=2)
    received_on = models.DateField(_("received on"))
    decision_due = models.DateField(_("to decide on the intake by"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("reason for not accepting"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_note = models.TextField(_("explanation"), blank=True)
    conclude_due = models.DateField(_("to conclude by"), null=True, blank=True)
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extension_consent = models.TextField(
        _("parties' consent to the extension"),
        blank=True,
        help_text=_("Who consented and how (both parties must agree)."),
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    facts = models.TextField(
        _("facts, disputed matters and liability"),
        blank=True,
        help_text=_("People's Mediation Law art. 29."),
    )
    agreement_terms = models.TextField(_("agreed terms"), blank=True)
    performance_manner = models.CharField(_("manner of performance"), max_length=200, blank=True)
    performance_deadline = models.DateField(_("perform by"), null=True, blank=True)
    agreement_amount = models.DecimalField(
        _("amount agreed (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    routes_informed = models.BooleanField(
        _("parties told of arbitration, administrative and judicial routes"), default=False
    )
    termination_note = models.TextField(_("why mediation ended"), blank=True)
    performance = models.CharField(
        _("performance"), max_length=14, choices=Performance.choices, blank=True
    )
    confirmation_due = models.DateField(
        _("judicial confirmation to be applied for by"), null=True, blank=True
    )
    confirmation_applied_on = models.DateField(
        _("judicial confirmation applied for on"), null=True, blank=True
    )
    confirmation_court = models.CharField(_("court"), max_length=100, blank=True)
    confirmation_result = models.CharField(
        _("judicial confirmation"), max_length=8, choices=ConfirmationResult.choices, blank=True
    )
    return_visit_due = models.DateField(_("return visit due"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    archive_note = models.CharField(_("file note"), max_length=300, blank=True)
    screening_item = models.OneToOneField(
        "ScreeningItem",
        verbose_name=_("from screening"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
    )
    mediators = models.ManyToManyField(
        Mediator, verbose_name=_("mediators"), blank=True, related_name="cases"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        constraints = [
            models.UniqueConstraint(
                fields=["registered_unit", "number"], name="mediation_case_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(amount_involved__gte=0) & Q(agreement_amount__gte=0),
                name="mediation_case_amounts_positive",
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=models.F("received_on")),
                name="mediation_case_accepted_after_received",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True)
                | Q(accepted_on__isnull=True)
                | Q(concluded_on__gte=models.F("accepted_on")),
                name="mediation_case_concluded_after_accepted",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values),
                name="mediation_mediationcase_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "conclude_due"], name="mediation_case_due_idx"),
            models.Index(fields=["accepted_on"], name="mediation_case_accepted_idx"),
            models.Index(fields=["received_on"], name="mediation_case_received_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("mediation:case_detail", args=[self.public_id])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, Any] = {}
        if self.source == CaseSource.REFERRAL and not self.referral_organ:
            errors["referral_organ"] = gettext("Say which organ referred the case.")
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = gettext("The date received cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        """The status's name: one lookup, where ``get_status_display`` scans every choice."""
        return str(CaseStatus(self.status).label)

    @property
    def is_overdue(self) -> bool:
        """Open past its conclusion date (one month from acceptance, or the extension)."""
        return bool(self.is_open and self.conclude_due and self.conclude_due < timezone.localdate())

    @property
    def visit_overdue(self) -> bool:
        return bool(
            self.status == CaseStatus.PERFORMING
            and self.return_visit_due
            and self.return_visit_due < timezone.localdate()
        )

    @property
    def succeeded(self) -> bool:
        return self.outcome in (Outcome.WRITTEN, Outcome.ORAL)

    @property
    def can_extend(self) -> bool:
        return self.is_open and self.extended_on is None

    def deadline_on(self, today: date | None = None) -> date | None:
        """The next date this case must meet, whatever its step."""
        if self.status == CaseStatus.REGISTERED:
            return self.decision_due or self.received_on
        if self.is_open:
            return self.conclude_due
        if self.status == CaseStatus.PERFORMING:
            return self.return_visit_due
        return None


class CaseParty(BaseModel):
    """A party to a case: a person of the registry or a named organisation."""

    scope_unit_field = "case__unit"

    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)
    kind = models.CharField(
        _("kind"), max_length=12, choices=PartyKind.choices, default=PartyKind.PERSON
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediation_parties",
    )
    organisation_name = models.CharField(_("organisation"), max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["case", "role", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PartyKind.PERSON) & Q(person__isnull=False))
                | (Q(kind=PartyKind.ORGANISATION) & ~Q(organisation_name="")),
                name="mediation_party_person_or_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id and self.person else self.organisation_name


class CaseRecord(BaseModel):
    """A step on file: an investigation, evidence, or a mediation session with its record."""

    scope_unit_field = "case__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=RecordKind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    mediators = models.ManyToManyField(
        Mediator, verbose_name=_("mediators"), blank=True, related_name="+"
    )
    content = models.TextField(_("record"))

    objects = ScopedManager()

    class Meta:
        ordering = ["case", "held_on", "pk"]
        verbose_name = _("case record")
        verbose_name_plural = _("case records")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class ReturnVisit(BaseModel):
    """A return visit (回访) on the performance of an agreement."""

    scope_unit_field = "case__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    method = models.CharField(_("method"), max_length=10, choices=VisitMethod.choices)
    performance = models.CharField(_("performance"), max_length=14, choices=Performance.choices)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["case", "visited_on", "pk"]
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")

    def __str__(self) -> str:
        return f"{self.case} {self.visited_on}"


class CaseTransfer(BaseModel):
    """A referral, transfer or escalation to another committee, accepted or rejected there.

    Visible to the sender (``unit``) and to the receiver (``to_unit``, shared).
    """

    scope_share_field = "to_unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="transfers"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TransferKind.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
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
        ordering = ["-created_at"]
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(unit=models.F("to_unit")), name="mediation_transfer_not_to_self"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=TransferStatus.PENDING),
                name="mediation_transfer_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TransferStatus.values),
                name="mediation_casetransfer_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_unit}"


class ScreeningReport(BaseModel):
    """A periodic dispute-screening report (矛盾纠纷排查) of a village or town, "none" allowed."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("reporting unit"),
        on_delete=models.PROTECT,
        related_name="screening_reports",
    )
    division = models.ForeignKey(
        "orgs.Division",
        verbose_name=_("village or town screened"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.DateField(_("month screened"), help_text=_("The first day of the month."))
    reported_on = models.DateField(_("reported on"))
    no_dispute = models.BooleanField(_("no dispute found"), default=False)
    risk_level = models.CharField(
        _("overall risk"), max_length=6, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-period", "unit__path"]
        verbose_name = _("screening report")
        verbose_name_plural = _("screening reports")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "division", "period"], name="mediation_screening_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division} {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("mediation:screening_detail", args=[self.public_id])


class ScreeningItem(BaseModel):
    """One dispute found by screening; it can become a case."""

    scope_unit_field = "report__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        ScreeningReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="items"
    )
    category = models.ForeignKey(
        DisputeCategory, verbose_name=_("dispute category"), on_delete=models.PROTECT
    )
    description = models.TextField(_("description"))
    risk_level = models.CharField(_("risk"), max_length=6, choices=RiskLevel.choices)
    people_involved = models.PositiveIntegerField(_("people involved"), default=2)

    objects = ScopedManager()

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("screened dispute")
        verbose_name_plural = _("screened disputes")

    def __str__(self) -> str:
        return self.description[:30]
