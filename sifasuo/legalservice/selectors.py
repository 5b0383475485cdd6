"""Reads of the public legal service ledgers, always through scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sifasuo.core import audit
from sifasuo.core.measures import registry
from sifasuo.core.scope import get_for_user, unit_reach_q
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    LegalAidApplication,
    ServiceSlot,
    WindowServiceLog,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people import idnumbers
from sifasuo.people.models import Person

MEASURE_PREFIX = "legalservice."


def period_bounds(year: int | None, month: int | None = None) -> tuple[date | None, date | None]:
    """Return [start, end) of a year or of one month of it; (None, None) without a year."""
    if year is None:
        return None, None
    if month:
        start = date(year, month, 1)
        return start, date(year + (month == 12), month % 12 + 1, 1)
    return date(year, 1, 1), date(year + 1, 1, 1)


def _drilldown(
    user: Any, model: type[Any], measure: str, unit: str, year: int | None, month: int | None
) -> QuerySet[Any]:
    """The records of a figure (404 for another app's or an unknown code), or all in scope."""
    if measure:
        if not measure.startswith(MEASURE_PREFIX):
            raise Http404
        try:
            figure = registry.get(measure)
        except KeyError as exc:
            raise Http404 from exc
        start, end = period_bounds(year, month)
        scope_unit = unit_for_user(user=user, code=unit) if unit else None
        qs = figure.queryset(user, unit=scope_unit, start=start, end=end)
        if qs.model is not model:
            raise Http404
        return qs
    qs = model.objects.visible_to(user)
    if unit:
        qs = qs.filter(unit__path__startswith=unit_for_user(user=user, code=unit).path)
    return qs


def offices_for_choice(*, user: Any, model: type[Any], action: str = "create") -> QuerySet[Unit]:
    """Offices where ``user`` may ``action`` records of ``model``."""
    return Unit.objects.filter(
        unit_reach_q(user, model, action), kind=UnitKind.OFFICE, is_active=True
    ).order_by("path")


def consultation_list(
    *,
    user: Any,
    measure: str = "",
    unit: str = "",
    year: int | None = None,
    month: int | None = None,
) -> QuerySet[Consultation]:
    """Consultations in scope; with ``measure``, exactly the records behind that figure."""
    qs = _drilldown(user, Consultation, measure, unit, year, month)
    return qs.select_related("unit", "topic", "person", "answered_by")


def consultation_for_user(*, user: Any, public_id: Any, action: str = "view") -> Consultation:
    """One consultation: 404 alike for missing and out of scope, 403 without the right."""
    return get_for_user(
        Consultation.objects.select_related("unit", "topic", "person", "answered_by", "citizen"),
        user,
        action,
        public_id=public_id,
    )


def legal_aid_list(
    *,
    user: Any,
    measure: str = "",
    unit: str = "",
    year: int | None = None,
    month: int | None = None,
) -> QuerySet[LegalAidApplication]:
    """Legal aid pre-applications in scope (or those behind a figure)."""
    qs = _drilldown(user, LegalAidApplication, measure, unit, year, month)
    return qs.select_related("unit", "case_type", "person", "transfer_unit")


def legal_aid_for_user(*, user: Any, public_id: Any, action: str = "view") -> LegalAidApplication:
    return get_for_user(
        LegalAidApplication.objects.select_related(
            "unit", "case_type", "person", "transfer_unit", "standard"
        ),
        user,
        action,
        public_id=public_id,
    )


def appointment_list(
    *,
    user: Any,
    measure: str = "",
    unit: str = "",
    year: int | None = None,
    month: int | None = None,
) -> QuerySet[Appointment]:
    """Appointments in scope (or those behind a figure)."""
    qs = _drilldown(user, Appointment, measure, unit, year, month)
    return qs.select_related("unit", "slot", "person")


def appointment_for_user(*, user: Any, public_id: Any, action: str = "view") -> Appointment:
    return get_for_user(
        Appointment.objects.select_related("unit", "slot", "person"),
        user,
        action,
        public_id=public_id,
    )


def slot_list(*, user: Any, upcoming: bool = True) -> QuerySet[ServiceSlot]:
    """Slots in scope, the coming ones by default."""
    qs = ServiceSlot.objects.visible_to(user).select_related("unit")
    if upcoming:
        qs = qs.filter(date__gte=timezone.localdate())
    return qs.order_by("date", "start_time", "service", "pk")


def slot_for_user(*, user: Any, public_id: Any, action: str = "view") -> ServiceSlot:
    return get_for_user(
        ServiceSlot.objects.select_related("unit"), user, action, public_id=public_id
    )


def bookable_slots(*, office: Unit, service: str = "") -> QuerySet[ServiceSlot]:
    """The office's open, future slots with a place left (what a booking form lists)."""
    from django.db.models import F

    qs = ServiceSlot.objects.filter(
        unit=office, is_open=True, date__gte=timezone.localdate(), booked__lt=F("capacity")
    )
    if service:
        qs = qs.filter(service=service)
    return qs.order_by("date", "start_time", "service", "pk")


def window_log_list(
    *,
    user: Any,
    measure: str = "",
    unit: str = "",
    year: int | None = None,
    month: int | None = None,
) -> QuerySet[WindowServiceLog]:
    qs = _drilldown(user, WindowServiceLog, measure, unit, year, month)
    return qs.select_related("unit", "window", "handled_by")


def window_log_for_user(*, user: Any, public_id: Any, action: str = "view") -> WindowServiceLog:
    return get_for_user(
        WindowServiceLog.objects.select_related("unit", "window", "handled_by"),
        user,
        action,
        public_id=public_id,
    )


def _person_index(id_number: str) -> str:
    return Person._meta.get_field("id_number_bidx").index_of(  # type: ignore[union-attr,no-any-return]
        idnumbers.normalize(id_number)
    )


def lookup_by_document(
    *, user: Any, model: type[Any], id_type: str, id_number: str
) -> QuerySet[Any]:
    """Records whose person has this document number (blind index); audited, number unlogged."""
    audit.record(
        "search", actor=user, object_type=model._meta.label_lower, changes={"by": "id_number"}
    )
    return model.objects.visible_to(user).filter(
        person__id_type=id_type, person__id_number_bidx=_person_index(id_number)
    )


def consultations_of_person(*, user: Any, person: Person) -> QuerySet[Consultation]:
    return consultation_list(user=user).filter(person=person)


def legal_aid_of_person(*, user: Any, person: Person) -> QuerySet[LegalAidApplication]:
    return legal_aid_list(user=user).filter(person=person)
