"""The public legal service figures, defined once (DESIGN "measures").

A consultation counts under the office that recorded it, on the day it was received; a
referral is a consultation sent on elsewhere. An online consultation is answered on time
when its answer day is not after its answer due date (both its own fields, so the figure
rolls up); "past their answer date" depends on today and is live. A legal aid transfer
counts on its transfer date; an appointment on its day; a window log line on its day (its
people and minutes can be summed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.legalservice.choices import (
    AppointmentStatus,
    BookingChannel,
    CentreDecision,
    Channel,
    ConsultationStatus,
    Referral,
    SlotService,
)
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    ConsultationTopic,
    LegalAidApplication,
    LegalAidCaseType,
    ServiceWindow,
    WindowServiceLog,
)


def _consultations(user: Any) -> QuerySet[Consultation]:
    return Consultation.objects.visible_to(user)


def _referrals(user: Any) -> QuerySet[Consultation]:
    return _consultations(user).exclude(referral="")


def _online(user: Any) -> QuerySet[Consultation]:
    return _consultations(user).filter(channel=Channel.ONLINE)


def _online_on_time(user: Any) -> QuerySet[Consultation]:
    return _online(user).filter(
        answered_on__isnull=False, answer_due__isnull=False, answered_on__lte=F("answer_due")
    )


def _online_overdue(user: Any) -> QuerySet[Consultation]:
    from django.utils import timezone

    return _consultations(user).filter(
        status=ConsultationStatus.PENDING, answer_due__lt=timezone.localdate()
    )


def _legal_aid(user: Any) -> QuerySet[LegalAidApplication]:
    return LegalAidApplication.objects.visible_to(user)


def _transfers(user: Any) -> QuerySet[LegalAidApplication]:
    return _legal_aid(user).filter(transferred_on__isnull=False)


def _granted(user: Any) -> QuerySet[LegalAidApplication]:
    return _legal_aid(user).filter(decision=CentreDecision.ACCEPTED)


def _appointments(user: Any) -> QuerySet[Appointment]:
    return Appointment.objects.visible_to(user)


def _kept(user: Any) -> QuerySet[Appointment]:
    return _appointments(user).filter(status=AppointmentStatus.KEPT)


def _no_show(user: Any) -> QuerySet[Appointment]:
    return _appointments(user).filter(status=AppointmentStatus.NO_SHOW)


def _windows(user: Any) -> QuerySet[WindowServiceLog]:
    return WindowServiceLog.objects.visible_to(user)


CONSULTATION_BREAKDOWNS = {
    "by_channel": "channel",
    "by_topic": "topic__code",
    "by_referral": "referral",
}
LEGAL_AID_BREAKDOWNS = {
    "by_case_type": "case_type__code",
    "by_channel": "channel",
    "by_eligibility": "eligibility",
    "by_decision": "decision",
}
APPOINTMENT_BREAKDOWNS = {"by_service": "slot__service", "by_channel": "channel"}
WINDOW_BREAKDOWNS = {"by_window": "window__code"}

_CONS = ("received_on", CONSULTATION_BREAKDOWNS)
MEASURES: list[tuple[str, Any, Callable[[Any], QuerySet[Any]], str, dict[str, str], str | None]] = [
    ("legalservice.consultations", _("Legal consultations"), _consultations, *_CONS, None),
    ("legalservice.referrals", _("Consultations referred on"), _referrals, *_CONS, None),
    ("legalservice.online_consultations", _("Online consultations"), _online, *_CONS, None),
    (
        "legalservice.online_answered_on_time",
        _("Online consultations answered on time"),
        _online_on_time,
        *_CONS,
        None,
    ),
    (
        "legalservice.online_overdue",
        _("Online consultations past their answer date"),
        _online_overdue,
        *_CONS,
        None,
    ),
    (
        "legalservice.legal_aid_applications",
        _("Legal aid pre-applications"),
        _legal_aid,
        "received_on",
        LEGAL_AID_BREAKDOWNS,
        None,
    ),
    (
        "legalservice.legal_aid_transfers",
        _("Legal aid pre-applications transferred"),
        _transfers,
        "transferred_on",
        LEGAL_AID_BREAKDOWNS,
        None,
    ),
    (
        "legalservice.legal_aid_granted",
        _("Legal aid granted after transfer"),
        _granted,
        "decided_on",
        LEGAL_AID_BREAKDOWNS,
        None,
    ),
    (
        "legalservice.appointments",
        _("Appointments booked"),
        _appointments,
        "date",
        APPOINTMENT_BREAKDOWNS,
        None,
    ),
    (
        "legalservice.appointments_kept",
        _("Appointments kept"),
        _kept,
        "date",
        APPOINTMENT_BREAKDOWNS,
        None,
    ),
    (
        "legalservice.appointments_no_show",
        _("Appointments missed (no-show)"),
        _no_show,
        "date",
        APPOINTMENT_BREAKDOWNS,
        None,
    ),
    (
        "legalservice.window_services",
        _("Window services logged"),
        _windows,
        "served_on",
        WINDOW_BREAKDOWNS,
        None,
    ),
    (
        "legalservice.window_people_served",
        _("People served at the windows"),
        _windows,
        "served_on",
        {},
        "people_served",
    ),
    (
        "legalservice.window_minutes",
        _("Minutes spent at the windows"),
        _windows,
        "served_on",
        {},
        "minutes",
    ),
]

# Figures that depend on today's date: computed live, never kept in the aggregates.
LIVE = frozenset({"legalservice.online_overdue"})

for code, label, records, date_field, breakdowns, sum_field in MEASURES:
    registry.register(
        Measure(
            code=code,
            label=label,
            records=records,
            date_field=date_field,
            breakdowns=breakdowns,
            sum_field=sum_field,
            live=code in LIVE,
            tags=("legalservice",),
        )
    )


def breakdown_labels(name: str) -> dict[str, str]:
    """Code → label for a breakdown's values (what a figures page shows)."""
    tables: dict[str, Callable[[], dict[str, str]]] = {
        "by_channel": lambda: {
            **{k: str(v) for k, v in Channel.choices},
            **{k: str(v) for k, v in BookingChannel.choices},
        },
        "by_topic": lambda: dict(ConsultationTopic.objects.values_list("code", "name")),
        "by_referral": lambda: {k: str(v) for k, v in Referral.choices},
        "by_case_type": lambda: dict(LegalAidCaseType.objects.values_list("code", "name")),
        "by_eligibility": lambda: {
            k: str(v)
            for k, v in LegalAidApplication._meta.get_field("eligibility").choices  # type: ignore[union-attr]
        },
        "by_decision": lambda: {k: str(v) for k, v in CentreDecision.choices},
        "by_service": lambda: {k: str(v) for k, v in SlotService.choices},
        "by_window": lambda: dict(ServiceWindow.objects.values_list("code", "name")),
    }
    return tables.get(name, dict)()
