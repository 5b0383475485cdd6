"""Resettlement and assistance (安置帮教) of released prisoners, and remote visitation.

A released person is a ``people.Person`` on file at the office responsible for them, from
the prison's notice (a month before release) through the hand-over, the assistance period
(by release type, configurable) and its end. Criminal history is encrypted at rest and
shown masked; every read of the file is audited. Remote visitation requests come from the
counter or the portal and run applied → forwarded → booked → held or not held.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sifasuo.core.choices import Confidence
from sifasuo.core.fields import EncryptedTextField
from sifasuo.core.masking import mask
from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.resettlement.choices import (
    ACTIVE_STATUSES,
    Channel,
    HandoverMethod,
    MeasureKind,
    MeasureResult,
    PersonStatus,
    Relationship,
    ReleaseType,
    RiskLevel,
    TeamRole,
    VisitationStatus,
    VisitMethod,
)

SENSITIVE = "sensitive"
HIDDEN = "******"


def hidden(value: str) -> str:
    """Criminal history is never shown in part: a fixed mask, or a dash when empty."""
    return HIDDEN if value else ""


class AssistancePeriodRule(models.Model):
    """The assistance period (帮教期) of one release type: data, default 5 or 3 years [P]."""

    release_type = models.CharField(
        _("release type"), max_length=20, choices=ReleaseType.choices, unique=True
    )
    years = models.PositiveSmallIntegerField(_("years"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.PARTLY
    )

    class Meta:
        ordering = ["release_type"]
        verbose_name = _("assistance period rule")
        verbose_name_plural = _("assistance period rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=20),
                name="resettlement_period_rule_years_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_release_type_display()}: {self.years}"


@dataclass(frozen=True)
class Deadline:
    """One open hand-over or assistance step and when it falls due."""

    code: str
    label: str
    due: date

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()


def open_deadline_q(until: date) -> Q:
    """Released persons with an open step due on or before ``until`` (see ``open_deadlines``)."""
    awaiting = Q(status=PersonStatus.AWAITING)
    active = Q(status__in=ACTIVE_STATUSES)
    return (
        (
            awaiting
            & Q(notice_received_on__isnull=False, family_notified_on__isnull=True)
            & Q(family_notice_due__lte=until)
        )
        | (awaiting & Q(is_key_person=True, handed_over_on__isnull=True, released_on__lte=until))
        | (active & Q(is_key_person=True, situation_known_on__isnull=True, known_due__lte=until))
        | (active & Q(first_visited_on__isnull=True, visit_due__lte=until))
        | (active & Q(agreement_signed_on__isnull=True, file_due__lte=until))
        | (
            awaiting
            & Q(handed_over_on__isnull=True, police_reported_on__isnull=True)
            & Q(report_due__lte=until)
        )
    )


class ReleasedPerson(BaseModel):
    """A released prisoner (刑满释放人员) on file at the office responsible for them."""

    scope_policy = SENSITIVE

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("responsible office"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    release_type = models.CharField(_("release type"), max_length=20, choices=ReleaseType.choices)
    released_on = models.DateField(
        _("release date"), help_text=_("The expected date until the person is released.")
    )
    prison = models.CharField(_("prison or detention centre"), max_length=100, blank=True)
    crime = EncryptedTextField(_("crime"), blank=True, pii_category="criminal_history")
    sentence = EncryptedTextField(_("sentence"), blank=True, pii_category="criminal_history")
    period_years = models.PositiveSmallIntegerField(_("assistance period (years)"))
    period_end = models.DateField(_("assistance period ends"))
    is_key_person = models.BooleanField(
        _("key person"),
        default=False,
        help_text=_("重点帮教对象: met at the prison gate and accompanied home (必接必送)."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PersonStatus.choices, default=PersonStatus.AWAITING
    )
    source_reference = models.CharField(
        _("source reference"),
        max_length=64,
        blank=True,
        help_text=_("The community correction subject this file came from, if any."),
    )
    # Hand-over (衔接)
    notice_received_on = models.DateField(_("prison's notice received on"), null=True, blank=True)
    family_notice_due = models.DateField(_("family to be notified by"), null=True, blank=True)
    family_notified_on = models.DateField(_("family notified on"), null=True, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    handover_method = models.CharField(
        _("hand-over"), max_length=16, choices=HandoverMethod.choices, blank=True
    )
    handed_over_by = models.CharField(
        _("handed over by"),
        max_length=200,
        blank=True,
        help_text=_("Who met the person or received the report (names, organisations)."),
    )
    reported_on = models.DateField(_("reported in on"), null=True, blank=True)
    report_due = models.DateField(
        _("to be reported to the police if absent by"), null=True, blank=True
    )
    situation_known_on = models.DateField(_("situation known on"), null=True, blank=True)
    known_due = models.DateField(_("situation to be known by"), null=True, blank=True)
    # Assistance (帮教)
    visit_due = models.DateField(_("first visit due"), null=True, blank=True)
    first_visited_on = models.DateField(_("first visited on"), null=True, blank=True)
    file_due = models.DateField(_("file and agreement due"), null=True, blank=True)
    agreement_signed_on = models.DateField(
        _("assistance agreement signed on"), null=True, blank=True
    )
    risk_level = models.CharField(
        _("risk level"), max_length=6, choices=RiskLevel.choices, blank=True
    )
    # Lost contact, re-offending, end
    lost_contact_on = models.DateField(_("lost contact on"), null=True, blank=True)
    police_reported_on = models.DateField(_("reported to the police on"), null=True, blank=True)
    police_station = models.CharField(_("police station"), max_length=100, blank=True)
    reoffended_on = models.DateField(_("re-offended on"), null=True, blank=True)
    reoffence_note = EncryptedTextField(
        _("re-offence"), blank=True, pii_category="criminal_history"
    )
    ended_on = models.DateField(_("file closed on"), null=True, blank=True)
    end_note = models.CharField(_("closing note"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-released_on", "-pk"]
        verbose_name = _("released person")
        verbose_name_plural = _("released persons")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person", "released_on"],
                name="resettlement_person_unique_release",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("released_on")),
                name="resettlement_person_period_after_release",
            ),
            models.CheckConstraint(
                condition=Q(handed_over_on__isnull=True) | ~Q(handover_method=""),
                name="resettlement_person_handover_method",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PersonStatus.values),
                name="resettlement_releasedperson_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="resettle_person_unit_status"),
            models.Index(fields=["released_on"], name="resettle_person_released"),
        ]

    def __str__(self) -> str:
        return mask(self.person.name, "name")

    def get_absolute_url(self) -> str:
        return reverse("resettlement:person_detail", args=[self.public_id])

    @property
    def crime_masked(self) -> str:
        return hidden(self.crime)

    @property
    def sentence_masked(self) -> str:
        return hidden(self.sentence)

    @property
    def reoffence_note_masked(self) -> str:
        return hidden(self.reoffence_note)

    @property
    def is_released(self) -> bool:
        return self.released_on <= timezone.localdate()

    @property
    def notice_late(self) -> bool:
        """The prison's notice came less than a month before release (DOMAIN §4.3 [V])."""
        from sifasuo.core.models import DeadlineRule

        if self.notice_received_on is None:
            return False
        rule = DeadlineRule.objects.filter(code="resettlement.prison_notice").first()
        days = rule.days if rule else 30
        return (self.released_on - self.notice_received_on).days < days

    def open_deadlines(self) -> list[Deadline]:
        """The steps still open, soonest first (mirrors ``open_deadline_q``)."""
        items: list[Deadline] = []
        awaiting = self.status == PersonStatus.AWAITING
        active = self.status in ACTIVE_STATUSES
        if (
            awaiting
            and self.notice_received_on
            and not self.family_notified_on
            and self.family_notice_due
        ):
            items.append(Deadline("family", gettext("Notify the family"), self.family_notice_due))
        if awaiting and self.is_key_person and not self.handed_over_on:
            items.append(Deadline("gate", gettext("Meet at the prison gate"), self.released_on))
        if active and self.is_key_person and not self.situation_known_on and self.known_due:
            items.append(
                Deadline("known", gettext("Know the key person's situation"), self.known_due)
            )
        if active and not self.first_visited_on and self.visit_due:
            items.append(Deadline("visit", gettext("Visit at home"), self.visit_due))
        if active and not self.agreement_signed_on and self.file_due:
            items.append(
                Deadline("file", gettext("Open the file and sign the agreement"), self.file_due)
            )
        if awaiting and not self.handed_over_on and not self.police_reported_on and self.report_due:
            items.append(
                Deadline(
                    "police", gettext("Not reported in: report to the police"), self.report_due
                )
            )
        return sorted(items, key=lambda d: d.due)

    @property
    def next_deadline(self) -> Deadline | None:
        items = self.open_deadlines()
        return items[0] if items else None

    @property
    def is_overdue(self) -> bool:
        return any(d.overdue for d in self.open_deadlines())


class _PartOfFile(BaseModel):
    """A record of a released person's file: scoped through the person's office."""

    scope_policy = SENSITIVE
    scope_unit_field = "released_person__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    objects = ScopedManager()

    class Meta:
        abstract = True


class TeamMember(_PartOfFile):
    """A member of the assistance team (帮教小组)."""

    released_person = models.ForeignKey(
        ReleasedPerson,
        verbose_name=_("released person"),
        on_delete=models.CASCADE,
        related_name="team",
    )
    name = models.CharField(_("name"), max_length=60)
    role = models.CharField(_("role in the team"), max_length=16, choices=TeamRole.choices)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("assistance team member")
        verbose_name_plural = _("assistance team members")
        constraints = [
            models.UniqueConstraint(
                fields=["released_person", "name", "role"],
                name="resettlement_team_unique_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class AssistanceMeasure(_PartOfFile):
    """A measure of help (安置帮扶): employment, social security, housing, training, base."""

    released_person = models.ForeignKey(
        ReleasedPerson,
        verbose_name=_("released person"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    kind = models.CharField(_("measure"), max_length=20, choices=MeasureKind.choices)
    started_on = models.DateField(_("started on"))
    result = models.CharField(
        _("result"), max_length=12, choices=MeasureResult.choices, default=MeasureResult.PENDING
    )
    result_on = models.DateField(_("result on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("assistance measure")
        verbose_name_plural = _("assistance measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(result="PENDING") | Q(result_on__isnull=False),
                name="resettlement_measure_result_dated",
            ),
            models.CheckConstraint(
                condition=Q(result_on__isnull=True) | Q(result_on__gte=models.F("started_on")),
                name="resettlement_measure_result_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"


class AssistanceVisit(_PartOfFile):
    """A visit or talk (走访) by the assistance team."""

    released_person = models.ForeignKey(
        ReleasedPerson,
        verbose_name=_("released person"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    visited_on = models.DateField(_("visited on"))
    method = models.CharField(_("method"), max_length=10, choices=VisitMethod.choices)
    visitors = models.CharField(_("visited by"), max_length=200)
    notes = EncryptedTextField(_("notes"), blank=True, pii_category="case_notes")

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("assistance visit")
        verbose_name_plural = _("assistance visits")

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_method_display()}"


class RiskAssessment(_PartOfFile):
    """A risk assessment (危险性评估) of a released person: level, date, notes."""

    released_person = models.ForeignKey(
        ReleasedPerson,
        verbose_name=_("released person"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessed_on = models.DateField(_("assessed on"))
    level = models.CharField(_("risk level"), max_length=6, choices=RiskLevel.choices)
    notes = EncryptedTextField(_("notes"), blank=True, pii_category="case_notes")

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"{self.assessed_on} {self.get_level_display()}"


class VisitationRequest(BaseModel):
    """A family's request for a remote video visit (远程探视) with a prisoner."""

    scope_policy = SENSITIVE
    scope_citizen_field = "citizen"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    citizen = models.ForeignKey(
        "accounts.User",
        verbose_name=_("citizen account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applicant_name = models.CharField(_("applicant"), max_length=60)
    applicant_phone = EncryptedTextField(_("applicant's phone"), blank=True, pii_category="phone")
    prisoner_name = models.CharField(_("prisoner's name"), max_length=60)
    prison = models.CharField(_("prison"), max_length=100)
    relationship = models.CharField(
        _("applicant's relationship to the prisoner"),
        max_length=12,
        choices=Relationship.choices,
    )
    proof = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("proof of relationship"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VisitationStatus.choices,
        default=VisitationStatus.APPLIED,
    )
    forwarded_on = models.DateField(_("forwarded to the prison on"), null=True, blank=True)
    slot_at = models.DateTimeField(_("booked slot"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    outcome_note = models.CharField(
        _("reason or note"),
        max_length=300,
        blank=True,
        help_text=_("Why it was refused or not held; shown to the applicant."),
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-applied_on", "-pk"]
        verbose_name = _("remote visitation request")
        verbose_name_plural = _("remote visitation requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="BOOKED") | Q(slot_at__isnull=False),
                name="resettlement_visitation_booked_has_slot",
            ),
            models.CheckConstraint(
                condition=~Q(status="HELD") | Q(held_on__isnull=False),
                name="resettlement_visitation_held_dated",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VisitationStatus.values),
                name="resettlement_visitationrequest_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="resettle_visit_unit_status")]

    def __str__(self) -> str:
        return f"{mask(self.prisoner_name, 'name')} {self.applied_on}"

    def get_absolute_url(self) -> str:
        return reverse("resettlement:visitation_detail", args=[self.public_id])

    @property
    def applicant_phone_masked(self) -> str:
        return mask(self.applicant_phone, "phone")


class Visitor(BaseModel):
    """One family member taking part in a remote visit (at most three per request)."""

    scope_policy = SENSITIVE
    scope_unit_field = "request__unit"

    request = models.ForeignKey(
        VisitationRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="visitors",
    )
    name = models.CharField(_("name"), max_length=60)
    relationship = models.CharField(
        _("relationship to the prisoner"), max_length=12, choices=Relationship.choices
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")

    def __str__(self) -> str:
        return mask(self.name, "name")


class VisitationSystem(BaseModel):
    """An office's remote visitation terminal (远程探视系统): installed, when, where."""

    scope_policy = SENSITIVE

    unit = models.OneToOneField(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="visitation_system",
    )
    installed = models.BooleanField(_("installed"), default=False)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    terminal_location = models.CharField(_("terminal location"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("remote visitation system")
        verbose_name_plural = _("remote visitation systems")
        constraints = [
            models.CheckConstraint(
                condition=Q(installed=False) | Q(installed_on__isnull=False),
                name="resettlement_system_installed_dated",
            )
        ]

    def __str__(self) -> str:
        return str(self.unit)
