"""Stable codes of the public legal services (公共法律服务; 法律援助法 2021)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a request reached the office."""

    WALK_IN = "WALK_IN", _("Walk-in")
    PHONE = "PHONE", _("Phone")
    ONLINE = "ONLINE", _("Online (citizens' portal)")
    HOTLINE = "HOTLINE", _("12348 hotline referral")


class Referral(models.TextChoices):
    """Where a consultation was sent on (法律需求指引)."""

    LAWYER = "LAWYER", _("Lawyer")
    NOTARY = "NOTARY", _("Notary")
    APPRAISAL = "APPRAISAL", _("Judicial appraisal")
    ARBITRATION = "ARBITRATION", _("Arbitration")
    LEGAL_AID = "LEGAL_AID", _("Legal aid")
    MEDIATION = "MEDIATION", _("People's mediation")
    COURT = "COURT", _("People's court")
    OTHER = "OTHER", _("Other agency")


class ConsultationStatus(models.TextChoices):
    PENDING = "PENDING", _("Awaiting an answer")
    ANSWERED = "ANSWERED", _("Answered")


class LegalAidStatus(models.TextChoices):
    REGISTERED = "REGISTERED", _("Pre-application registered")
    TRANSFERRED = "TRANSFERRED", _("Transferred to the legal aid centre")
    ACCEPTED = "ACCEPTED", _("Legal aid granted by the centre")
    REFUSED = "REFUSED", _("Legal aid refused by the centre")


class Eligibility(models.TextChoices):
    ELIGIBLE = "ELIGIBLE", _("Appears eligible")
    NOT_ELIGIBLE = "NOT_ELIGIBLE", _("Appears not eligible")


class CentreDecision(models.TextChoices):
    ACCEPTED = "ACCEPTED", _("Accepted (legal aid granted)")
    REFUSED = "REFUSED", _("Refused")


class ExemptCategory(models.TextChoices):
    """People exempt from the means test (法律援助法 art. 42)."""

    MINOR = "MINOR", _("Minor without a fixed source of income")
    ELDERLY = "ELDERLY", _("Elderly person without a fixed source of income")
    DISABLED = "DISABLED", _("Person with a disability without a fixed source of income")
    MINIMUM_LIVING = "MINIMUM_LIVING", _("Receives the minimum living allowance (低保)")
    EXTREME_POVERTY = "EXTREME_POVERTY", _("Supported as a person in extreme poverty (特困供养)")
    JUDICIAL_AID = "JUDICIAL_AID", _("Receives social or judicial assistance")
    ENTITLED_GROUP = "ENTITLED_GROUP", _("Entitled group (优抚对象)")
    MIGRANT_WORKER = "MIGRANT_WORKER", _("Migrant worker claiming wages or work-injury damages")
    OTHER_BY_LAW = "OTHER_BY_LAW", _("Other person exempted by law or regulation")


class SlotService(models.TextChoices):
    """What an appointment slot is for."""

    CONSULTATION = "CONSULTATION", _("Legal consultation")
    LEGAL_AID = "LEGAL_AID", _("Legal aid")
    MEDIATION = "MEDIATION", _("People's mediation")
    REFERRAL = "REFERRAL", _("Notary or lawyer referral")
    OTHER = "OTHER", _("Other")


class BookingChannel(models.TextChoices):
    COUNTER = "COUNTER", _("At the counter")
    ONLINE = "ONLINE", _("Online (citizens' portal)")


class AppointmentStatus(models.TextChoices):
    BOOKED = "BOOKED", _("Booked")
    KEPT = "KEPT", _("Kept")
    NO_SHOW = "NO_SHOW", _("No-show")
    CANCELLED = "CANCELLED", _("Cancelled")


APPOINTMENT_OUTCOMES = (
    AppointmentStatus.KEPT,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.CANCELLED,
)

# Deadline rule codes (data/deadline_rules.csv).
RULE_ONLINE_ANSWER = "legalservice.online_answer"
RULE_LEGAL_AID_TRANSFER = "legalservice.legal_aid_transfer"
RULE_APPOINTMENT_REMINDER = "legalservice.appointment_reminder"
