"""Every write of the public legal service ledgers: one function per action, audited.

Online requests come in through the ``*_submit_online`` functions (the portal calls them
inside its transaction, with the citizen as the actor); whenever a record the citizen
should hear about moves on, the service tells the portal through
``core.applications.progress`` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core import applications, audit
from sifasuo.core.applications import ApplicationStatus
from sifasuo.core.calendar import due_date, is_working_day
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import DeadlineRule
from sifasuo.core.scope import assert_in_scope
from sifasuo.core.sms import send_sms
from sifasuo.legalservice import eligibility
from sifasuo.legalservice.choices import (
    APPOINTMENT_OUTCOMES,
    RULE_APPOINTMENT_REMINDER,
    RULE_LEGAL_AID_TRANSFER,
    RULE_ONLINE_ANSWER,
    AppointmentStatus,
    BookingChannel,
    CentreDecision,
    Channel,
    ConsultationStatus,
    ExemptCategory,
    LegalAidStatus,
    Referral,
    SlotService,
)
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    ConsultationTopic,
    LegalAidApplication,
    LegalAidCaseType,
    ServiceSlot,
    ServiceWindow,
    WindowServiceLog,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import idnumbers
from sifasuo.people import services as people_services
from sifasuo.people.choices import IdType
from sifasuo.people.models import Person

# Helpers -----------------------------------------------------------------------------------


def _user(actor: Any) -> Any:
    """The actor as a staff user to store (None for the system and for citizens)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return None if getattr(actor, "is_citizen", False) else actor


def _require_office(unit: Unit) -> None:
    if unit.kind != UnitKind.OFFICE:
        raise ApplicationError(
            _("Public legal service records belong to a judicial office; choose an office."),
            field="office",
        )


def _not_future(day: date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field=field)


def _validate(obj: Any) -> None:
    """``full_clean`` with the first message as an ``ApplicationError`` on its field."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(
            str(messages[0]), field=None if field == "__all__" else field
        ) from exc


def _save(obj: Any, *, actor: Any, version: int | None, action: str, fields: Iterable[str]) -> Any:
    """Validate, save at the loaded version, check scope, audit."""
    if version is not None:
        obj.version = version
    _validate(obj)
    obj.save()
    assert_in_scope(obj, actor, "change")
    audit.record(action, actor=actor, obj=obj, changes={"fields": sorted(fields)})
    return obj


def _create(obj: Any, *, actor: Any, fields: Iterable[str]) -> Any:
    obj.created_by = _user(actor)
    _validate(obj)
    obj.save()
    assert_in_scope(obj, actor, "create")
    audit.record("create", actor=actor, obj=obj, changes={"fields": sorted(fields)})
    return obj


def _apply(obj: Any, changes: dict[str, Any], allowed: Sequence[str]) -> list[str]:
    """Set the allowed fields that changed; return their names."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _progress(record: Any, status: str, message: str, actor: Any) -> None:
    applications.progress(record=record, status=status, message=message, actor=actor)


def _progress_after_commit(record: Any, status: str, message: str) -> None:
    """Tell the portal once its envelope exists (it is made after ``submit`` returns)."""

    def notify() -> None:
        with transaction.atomic():
            _progress(record, status, message, None)

    transaction.on_commit(notify, robust=True)


def person_for(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    phone: str = "",
) -> Person | None:
    """The registry person for a name and document number; None when both are empty.

    Enter once: a number already registered links that person (under the same name only);
    a new one is registered at the office.
    """
    name = (name or "").strip()
    id_number = (id_number or "").strip()
    if not name and not id_number:
        return None
    if not name:
        raise ApplicationError(_("Enter the person's name."), field="person_name")
    if id_number:
        number = idnumbers.normalize(id_number)
        index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
        existing = Person.objects.filter(id_type=id_type, id_number_bidx=index).first()
        if existing is not None:
            if existing.name != name:
                raise ApplicationError(
                    _("This document number is registered under another name."),
                    field="person_id_number",
                    audit_action="create",
                    audit_object_type="people.person",
                )
            return existing
    try:
        return people_services.person_create(
            actor=actor, unit=unit, name=name, id_type=id_type, id_number=id_number, phone=phone
        )
    except ApplicationError as exc:
        if exc.field in ("id_number", "phone", "name"):
            exc.field = f"person_{exc.field}"
        raise


# Consultations -----------------------------------------------------------------------------

CONSULTATION_EDITABLE = (
    "channel",
    "topic",
    "question",
    "received_on",
    "answer",
    "duration_minutes",
    "referral",
    "referral_note",
)


def _check_referral(referral: str, note: str) -> None:
    if referral and referral not in Referral.values:
        raise ApplicationError(_("Choose a referral from the list."), field="referral")
    if note and not referral:
        raise ApplicationError(
            _("Choose where the person was referred to, or leave the note empty."),
            field="referral",
        )


@transaction.atomic
def consultation_create(
    *,
    actor: Any,
    office: Unit,
    channel: str,
    topic: ConsultationTopic,
    question: str,
    received_on: date,
    person: Person | None = None,
    citizen: Any = None,
    answer: str = "",
    duration_minutes: int | None = None,
    referral: str = "",
    referral_note: str = "",
) -> Consultation:
    """Record a consultation; with an answer it is answered at once (the counter's case).

    An online one without an answer gets its answer due date by the configured rule.
    """
    _require_office(office)
    _not_future(received_on, "received_on")
    _check_referral(referral, referral_note)
    if not question.strip():
        raise ApplicationError(_("Enter the question."), field="question")
    answer = answer.strip()
    consultation = Consultation(
        unit=office,
        channel=channel,
        topic=topic,
        question=question.strip(),
        received_on=received_on,
        person=person,
        citizen=citizen,
        duration_minutes=duration_minutes,
        referral=referral,
        referral_note=referral_note.strip(),
    )
    if answer:
        consultation.answer = answer
        consultation.status = ConsultationStatus.ANSWERED
        consultation.answered_on = received_on
        consultation.answered_by = _user(actor)
    elif channel == Channel.ONLINE:
        consultation.answer_due = due_date(RULE_ONLINE_ANSWER, received_on)
    return _create(
        consultation,
        actor=actor,
        fields=["channel", "topic", "question", "received_on", "person", "answer", "referral"],
    )


@transaction.atomic
def consultation_submit_online(*, citizen: Any, office: Unit, data: dict[str, Any]) -> Consultation:
    """The portal's CONSULTATION kind: a citizen's question to the chosen office."""
    return consultation_create(
        actor=citizen,
        office=office,
        channel=Channel.ONLINE,
        topic=data["topic"],
        question=data["question"],
        received_on=timezone.localdate(),
        citizen=citizen if getattr(citizen, "pk", None) else None,
    )


@transaction.atomic
def consultation_answer(
    *,
    actor: Any,
    consultation: Consultation,
    answer: str,
    duration_minutes: int | None = None,
    referral: str = "",
    referral_note: str = "",
    answered_on: date | None = None,
    version: int | None = None,
) -> Consultation:
    """Answer a pending consultation; an online one's answer goes to the citizen."""
    if consultation.status != ConsultationStatus.PENDING:
        raise ApplicationError(_("This consultation has been answered already."))
    answer = answer.strip()
    if not answer:
        raise ApplicationError(_("Enter the answer."), field="answer")
    _check_referral(referral, referral_note)
    answered_on = answered_on or timezone.localdate()
    _not_future(answered_on, "answered_on")
    if answered_on < consultation.received_on:
        raise ApplicationError(
            _("The answer cannot be dated before the question was received."),
            field="answered_on",
        )
    consultation.answer = answer
    consultation.status = ConsultationStatus.ANSWERED
    consultation.answered_on = answered_on
    consultation.answered_by = _user(actor)
    consultation.duration_minutes = duration_minutes
    consultation.referral = referral
    consultation.referral_note = referral_note.strip()
    _save(
        consultation,
        actor=actor,
        version=version,
        action="answer",
        fields=["answer", "answered_on", "duration_minutes", "referral", "status"],
    )
    message = answer
    if referral:
        message += "\n" + _("Referred to: %(where)s. %(note)s") % {
            "where": consultation.get_referral_display(),
            "note": consultation.referral_note,
        }
    _progress(consultation, ApplicationStatus.COMPLETED, message.strip(), actor)
    return consultation


@transaction.atomic
def consultation_update(
    *, actor: Any, consultation: Consultation, version: int, **changes: Any
) -> Consultation:
    """Correct a consultation's record; a stale ``version`` is refused."""
    if "answer" in changes:
        changes["answer"] = (changes["answer"] or "").strip()
        if consultation.status == ConsultationStatus.PENDING and changes["answer"]:
            raise ApplicationError(
                _("Answer a pending consultation with the answer form."), field="answer"
            )
        if consultation.status == ConsultationStatus.ANSWERED and not changes["answer"]:
            raise ApplicationError(_("Enter the answer."), field="answer")
    if consultation.channel == Channel.ONLINE and changes.get("channel", Channel.ONLINE) != (
        Channel.ONLINE
    ):
        raise ApplicationError(_("An online consultation stays online."), field="channel")
    _check_referral(
        changes.get("referral", consultation.referral),
        changes.get("referral_note", consultation.referral_note),
    )
    _not_future(changes.get("received_on"), "received_on")
    changed = _apply(consultation, changes, CONSULTATION_EDITABLE)
    return _save(consultation, actor=actor, version=version, action="change", fields=changed)


# Legal aid ---------------------------------------------------------------------------------

LEGAL_AID_EDITABLE = (
    "case_type",
    "matter",
    "received_on",
    "household_size",
    "monthly_household_income",
    "assets_value",
    "assets_note",
    "exempt_categories",
)


def _check_exempt(categories: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(categories))
    unknown = [c for c in codes if c not in ExemptCategory.values]
    if unknown:
        raise ApplicationError(
            _("Choose the exempt categories from the list."), field="exempt_categories"
        )
    return codes


def _check_materials(case_type: LegalAidCaseType, materials: Iterable[str]) -> list[str]:
    wanted = case_type.material_list
    ticked = [m for m in dict.fromkeys(materials)]
    if any(m not in wanted for m in ticked):
        raise ApplicationError(
            _("Tick only the materials of this case type's checklist."), field="materials"
        )
    return [m for m in wanted if m in ticked]


def _assess(application: LegalAidApplication) -> None:
    """Compute and keep the eligibility result and its reasons."""
    standard = eligibility.standard_for(application.unit.district_code)
    result = eligibility.assess(
        case_type=application.case_type,
        household_size=application.household_size,
        monthly_household_income=Decimal(application.monthly_household_income),
        exempt_categories=application.exempt_categories or [],
        standard=standard,
    )
    application.standard = standard
    application.income_limit = result.limit
    application.eligibility = result.result
    application.eligibility_reasons = result.as_json()


@transaction.atomic
def legal_aid_create(
    *,
    actor: Any,
    office: Unit,
    channel: str,
    case_type: LegalAidCaseType,
    matter: str,
    received_on: date,
    household_size: int,
    monthly_household_income: Decimal,
    assets_value: Decimal = Decimal("0"),
    assets_note: str = "",
    exempt_categories: Iterable[str] = (),
    materials_received: Iterable[str] = (),
    person: Person | None = None,
    applicant_name: str = "",
    applicant_phone: str = "",
    citizen: Any = None,
) -> LegalAidApplication:
    """Register a legal aid pre-application and assess its eligibility."""
    _require_office(office)
    _not_future(received_on, "received_on")
    if person is None and not applicant_name.strip():
        raise ApplicationError(_("Enter the applicant."), field="person_name")
    if not matter.strip():
        raise ApplicationError(_("Describe the matter."), field="matter")
    if household_size is None or household_size < 1:
        raise ApplicationError(_("A household has at least one member."), field="household_size")
    if monthly_household_income is None or monthly_household_income < 0:
        raise ApplicationError(
            _("The income cannot be negative."), field="monthly_household_income"
        )
    application = LegalAidApplication(
        unit=office,
        channel=channel,
        case_type=case_type,
        matter=matter.strip(),
        received_on=received_on,
        household_size=household_size,
        monthly_household_income=monthly_household_income,
        assets_value=assets_value or Decimal("0"),
        assets_note=assets_note.strip(),
        exempt_categories=_check_exempt(exempt_categories),
        materials_received=_check_materials(case_type, materials_received),
        person=person,
        applicant_name=applicant_name.strip() if person is None else "",
        applicant_phone=applicant_phone.strip() if person is None else "",
        citizen=citizen,
        transfer_due=due_date(RULE_LEGAL_AID_TRANSFER, received_on),
    )
    _assess(application)
    return _create(
        application,
        actor=actor,
        fields=[
            "channel",
            "case_type",
            "matter",
            "household_size",
            "monthly_household_income",
            "exempt_categories",
            "eligibility",
        ],
    )


@transaction.atomic
def legal_aid_submit_online(
    *, citizen: Any, office: Unit, data: dict[str, Any]
) -> LegalAidApplication:
    """The portal's LEGAL_AID kind: a pre-application; the office ticks the materials."""
    return legal_aid_create(
        actor=citizen,
        office=office,
        channel=Channel.ONLINE,
        case_type=data["case_type"],
        matter=data["matter"],
        received_on=timezone.localdate(),
        household_size=data["household_size"],
        monthly_household_income=data["monthly_household_income"],
        assets_value=data.get("assets_value") or Decimal("0"),
        assets_note=data.get("assets_note", ""),
        exempt_categories=data.get("exempt_categories") or [],
        applicant_name=data["name"],
        applicant_phone=data["phone"],
        citizen=citizen if getattr(citizen, "pk", None) else None,
    )


def _require_registered(application: LegalAidApplication) -> None:
    if application.status != LegalAidStatus.REGISTERED:
        raise ApplicationError(
            _("The pre-application is “%(status)s”; it cannot be changed now.")
            % {"status": application.get_status_display()}
        )


@transaction.atomic
def legal_aid_update(
    *, actor: Any, application: LegalAidApplication, version: int, **changes: Any
) -> LegalAidApplication:
    """Correct the questionnaire before transfer; the eligibility is assessed again."""
    _require_registered(application)
    if "exempt_categories" in changes:
        changes["exempt_categories"] = _check_exempt(changes["exempt_categories"])
    _not_future(changes.get("received_on"), "received_on")
    changed = _apply(application, changes, LEGAL_AID_EDITABLE)
    if "case_type" in changed:
        application.materials_received = _check_materials(
            application.case_type,
            [m for m in application.materials_received if m in application.case_type.material_list],
        )
    if "received_on" in changed:
        application.transfer_due = due_date(RULE_LEGAL_AID_TRANSFER, application.received_on)
    _assess(application)
    return _save(application, actor=actor, version=version, action="change", fields=changed)


@transaction.atomic
def legal_aid_set_materials(
    *,
    actor: Any,
    application: LegalAidApplication,
    materials: Iterable[str],
    version: int | None = None,
) -> LegalAidApplication:
    """Tick the materials received (the case type's checklist)."""
    _require_registered(application)
    application.materials_received = _check_materials(application.case_type, materials)
    return _save(
        application, actor=actor, version=version, action="change", fields=["materials_received"]
    )


@transaction.atomic
def legal_aid_transfer(
    *,
    actor: Any,
    application: LegalAidApplication,
    transferred_on: date,
    note: str = "",
    version: int | None = None,
) -> LegalAidApplication:
    """Transfer the pre-application to the district's legal aid centre (all materials in)."""
    _require_registered(application)
    _not_future(transferred_on, "transferred_on")
    if transferred_on < application.received_on:
        raise ApplicationError(
            _("The transfer cannot be dated before the pre-application."), field="transferred_on"
        )
    missing = application.materials_missing
    if missing:
        raise ApplicationError(
            _("These materials are still missing: %(items)s.") % {"items": "、".join(missing)},
            field="transferred_on",
        )
    centre = application.unit.bureau
    application.status = LegalAidStatus.TRANSFERRED
    application.transferred_on = transferred_on
    application.transfer_unit = centre
    application.transfer_note = note.strip()
    _save(
        application,
        actor=actor,
        version=version,
        action="transfer",
        fields=["status", "transferred_on", "transfer_unit", "transfer_note"],
    )
    _progress(
        application,
        ApplicationStatus.IN_PROGRESS,
        _("Your pre-application has been transferred to the legal aid centre of %(centre)s.")
        % {"centre": centre.name if centre else ""},
        actor,
    )
    return application


@transaction.atomic
def legal_aid_record_decision(
    *,
    actor: Any,
    application: LegalAidApplication,
    decision: str,
    decided_on: date,
    reason: str = "",
    version: int | None = None,
) -> LegalAidApplication:
    """Record the centre's decision: legal aid granted, or refused with its reason."""
    if application.status != LegalAidStatus.TRANSFERRED:
        raise ApplicationError(_("Only a transferred pre-application gets the centre's decision."))
    if decision not in CentreDecision.values:
        raise ApplicationError(_("Choose the centre's decision."), field="decision")
    reason = reason.strip()
    if decision == CentreDecision.REFUSED and not reason:
        raise ApplicationError(_("State the reason the centre gave."), field="reason")
    _not_future(decided_on, "decided_on")
    if application.transferred_on and decided_on < application.transferred_on:
        raise ApplicationError(
            _("The decision cannot be dated before the transfer."), field="decided_on"
        )
    application.decision = decision
    application.decided_on = decided_on
    application.decision_reason = reason
    application.status = (
        LegalAidStatus.ACCEPTED if decision == CentreDecision.ACCEPTED else LegalAidStatus.REFUSED
    )
    _save(
        application,
        actor=actor,
        version=version,
        action="decide",
        fields=["decision", "decided_on", "decision_reason", "status"],
    )
    if decision == CentreDecision.ACCEPTED:
        _progress(
            application,
            ApplicationStatus.COMPLETED,
            _("The legal aid centre has granted legal aid; it will contact you."),
            actor,
        )
    else:
        _progress(
            application,
            ApplicationStatus.REJECTED,
            _("The legal aid centre did not grant legal aid: %(reason)s") % {"reason": reason},
            actor,
        )
    return application


# Slots and appointments --------------------------------------------------------------------


@transaction.atomic
def slots_publish(
    *,
    actor: Any,
    office: Unit,
    service: str,
    first_day: date,
    last_day: date,
    start_time: time,
    end_time: time,
    capacity: int,
    place: str = "",
    allow_past: bool = False,
) -> list[ServiceSlot]:
    """Publish one slot per working day from ``first_day`` to ``last_day``.

    A day that already has this slot is skipped, so publishing again adds nothing.
    ``allow_past`` records slots that were held before (the demo, a ledger import).
    """
    _require_office(office)
    if service not in SlotService.values:
        raise ApplicationError(_("Choose the service."), field="service")
    if first_day < timezone.localdate() and not allow_past:
        raise ApplicationError(_("Slots cannot be published in the past."), field="first_day")
    if last_day < first_day:
        raise ApplicationError(_("The last day is before the first."), field="last_day")
    if (last_day - first_day).days > 62:
        raise ApplicationError(
            _("Publish at most two months of slots at a time."), field="last_day"
        )
    if end_time <= start_time:
        raise ApplicationError(_("The slot must end after it starts."), field="end_time")
    if capacity < 1:
        raise ApplicationError(_("A slot takes at least one booking."), field="capacity")
    existing = set(
        ServiceSlot.objects.filter(
            unit=office,
            service=service,
            start_time=start_time,
            date__range=(first_day, last_day),
        ).values_list("date", flat=True)
    )
    created = []
    day = first_day
    while day <= last_day:
        if day not in existing and (first_day == last_day or is_working_day(day)):
            slot = ServiceSlot(
                unit=office,
                service=service,
                date=day,
                start_time=start_time,
                end_time=end_time,
                capacity=capacity,
                place=place.strip(),
            )
            created.append(
                _create(slot, actor=actor, fields=["service", "date", "start_time", "capacity"])
            )
        day += timedelta(days=1)
    return created


@transaction.atomic
def slot_update(
    *,
    actor: Any,
    slot: ServiceSlot,
    version: int,
    capacity: int | None = None,
    is_open: bool | None = None,
    place: str | None = None,
) -> ServiceSlot:
    """Change a slot's capacity (not below its bookings), place, or close/reopen it."""
    locked = ServiceSlot.objects.select_for_update().get(pk=slot.pk)
    if locked.version != version:
        locked.version = version  # the save is refused as stale
    changed = []
    if capacity is not None and capacity != locked.capacity:
        if capacity < max(locked.booked, 1):
            raise ApplicationError(
                _("The capacity cannot be below the %(n)d bookings made.") % {"n": locked.booked},
                field="capacity",
            )
        locked.capacity = capacity
        changed.append("capacity")
    if is_open is not None and is_open != locked.is_open:
        locked.is_open = is_open
        changed.append("is_open")
    if place is not None and place.strip() != locked.place:
        locked.place = place.strip()
        changed.append("place")
    return _save(locked, actor=actor, version=None, action="change", fields=changed)


@transaction.atomic
def appointment_book(
    *,
    actor: Any,
    slot: ServiceSlot,
    channel: str = BookingChannel.COUNTER,
    person: Person | None = None,
    citizen: Any = None,
    contact_name: str = "",
    contact_phone: str = "",
    matter: str = "",
    allow_past: bool = False,
) -> Appointment:
    """Book a place in a slot; the slot row is locked so capacity holds under races.

    ``allow_past`` records a booking made before (the demo, a ledger import).
    """
    locked = ServiceSlot.objects.select_for_update().get(pk=slot.pk)
    if not locked.is_open:
        raise ApplicationError(_("This slot is closed for booking."), field="slot")
    if locked.is_past and not allow_past:
        raise ApplicationError(_("This slot is in the past."), field="slot")
    if locked.remaining <= 0:
        raise ApplicationError(_("This slot is fully booked; choose another time."), field="slot")
    if person is None and citizen is None and not contact_name.strip():
        raise ApplicationError(_("Enter who the appointment is for."), field="person_name")
    same = Appointment.objects.filter(slot=locked, status=AppointmentStatus.BOOKED)
    if (person is not None and same.filter(person=person).exists()) or (
        citizen is not None and same.filter(citizen=citizen).exists()
    ):
        raise ApplicationError(_("This person has booked this slot already."), field="slot")
    appointment = Appointment(
        unit=locked.unit,
        slot=locked,
        date=locked.date,
        channel=channel,
        person=person,
        citizen=citizen,
        contact_name=contact_name.strip() if person is None else "",
        contact_phone=contact_phone.strip(),
        matter=matter.strip(),
    )
    _create(appointment, actor=actor, fields=["slot", "channel", "person", "matter"])
    locked.booked += 1
    locked.save(update_fields=["booked", "updated_at", "version"])
    message = _("Booked: %(slot)s at %(office)s.") % {"slot": str(locked), "office": locked.unit}
    if channel == BookingChannel.ONLINE:
        _progress_after_commit(appointment, ApplicationStatus.IN_PROGRESS, message)
    else:
        _progress(appointment, ApplicationStatus.IN_PROGRESS, message, actor)
    return appointment


@transaction.atomic
def appointment_submit_online(*, citizen: Any, office: Unit, data: dict[str, Any]) -> Appointment:
    """The portal's APPOINTMENT kind: a citizen books one of the office's open slots."""
    slot: ServiceSlot = data["slot"]
    if slot.unit_id != office.pk:
        raise ApplicationError(_("Choose a slot of this office."), field="slot")
    return appointment_book(
        actor=citizen,
        slot=slot,
        channel=BookingChannel.ONLINE,
        citizen=citizen if getattr(citizen, "pk", None) else None,
        contact_name=data["name"],
        contact_phone=data["phone"],
        matter=data.get("matter", ""),
    )


@transaction.atomic
def appointment_record_outcome(
    *,
    actor: Any,
    appointment: Appointment,
    status: str,
    note: str = "",
    on: date | None = None,
    version: int | None = None,
) -> Appointment:
    """Record that the appointment was kept, missed or cancelled (which frees the place)."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise ApplicationError(
            _("The appointment is “%(status)s” already.")
            % {"status": appointment.get_status_display()}
        )
    if status not in APPOINTMENT_OUTCOMES:
        raise ApplicationError(_("Choose what happened."), field="status")
    today = timezone.localdate()
    on = on or today
    _not_future(on, "on")
    if status in (AppointmentStatus.KEPT, AppointmentStatus.NO_SHOW) and appointment.date > today:
        raise ApplicationError(
            _("Whether it was kept is recorded on or after the day of the appointment."),
            field="status",
        )
    appointment.status = status
    appointment.outcome_on = on
    appointment.outcome_note = note.strip()
    _save(
        appointment,
        actor=actor,
        version=version,
        action="change",
        fields=["status", "outcome_on", "outcome_note"],
    )
    if status == AppointmentStatus.CANCELLED:
        slot = ServiceSlot.objects.select_for_update().get(pk=appointment.slot_id)
        slot.booked = max(slot.booked - 1, 0)
        slot.save(update_fields=["booked", "updated_at", "version"])
        _progress(
            appointment,
            ApplicationStatus.WITHDRAWN,
            note.strip() or _("The appointment has been cancelled."),
            actor,
        )
    elif status == AppointmentStatus.KEPT:
        _progress(
            appointment,
            ApplicationStatus.COMPLETED,
            note.strip() or _("You attended the appointment. Thank you."),
            actor,
        )
    else:
        _progress(
            appointment,
            ApplicationStatus.REJECTED,
            note.strip()
            or _("You did not come to the appointment; please book again if you still need us."),
            actor,
        )
    return appointment


def reminder_day(today: date | None = None) -> date:
    """The date whose appointments are reminded today (the rule's days ahead)."""
    today = today or timezone.localdate()
    rule = DeadlineRule.objects.filter(code=RULE_APPOINTMENT_REMINDER).first()
    return today + timedelta(days=rule.days if rule else 1)


def appointment_send_reminders(*, today: date | None = None) -> int:
    """Text every booked appointment of the reminder day once; return how many were sent.

    Each appointment is marked in its own transaction under a row lock before its message
    leaves (on commit), so a second run, or a concurrent one, sends nothing twice.
    """
    day = reminder_day(today)
    ids = list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED, date=day, reminded_at__isnull=True
        ).values_list("pk", flat=True)
    )
    sent = 0
    for pk in ids:
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update(of=("self",))
                .select_related("slot", "unit", "person")
                .filter(pk=pk, reminded_at__isnull=True, status=AppointmentStatus.BOOKED)
                .first()
            )
            if appointment is None:
                continue
            phone = appointment.phone_for_sms
            appointment.reminded_at = timezone.now()
            appointment.save(update_fields=["reminded_at", "updated_at", "version"])
            audit.record(
                "remind", obj=appointment, changes={"fields": ["reminded_at"], "sms": bool(phone)}
            )
            if phone:
                text = _(
                    "[%(office)s] Reminder: your appointment (%(slot)s) is tomorrow. "
                    "Please bring your ID card."
                ) % {"office": appointment.unit.name, "slot": str(appointment.slot)}
                transaction.on_commit(partial(send_sms, phone, text))
                sent += 1
    return sent


# Window services ---------------------------------------------------------------------------

WINDOW_EDITABLE = ("served_on", "window", "matter", "people_served", "minutes")


@transaction.atomic
def window_log_create(
    *,
    actor: Any,
    office: Unit,
    served_on: date,
    window: ServiceWindow,
    matter: str,
    people_served: int = 1,
    minutes: int = 0,
    handled_by: Any = None,
) -> WindowServiceLog:
    """Log what a window handled (for the workload figures)."""
    _require_office(office)
    _not_future(served_on, "served_on")
    if not matter.strip():
        raise ApplicationError(_("Enter the matter handled."), field="matter")
    if people_served is None or people_served < 1:
        raise ApplicationError(_("At least one person was served."), field="people_served")
    log = WindowServiceLog(
        unit=office,
        served_on=served_on,
        window=window,
        matter=matter.strip(),
        people_served=people_served,
        minutes=minutes or 0,
        handled_by=handled_by if handled_by is not None else _user(actor),
    )
    return _create(log, actor=actor, fields=["served_on", "window", "matter", "people_served"])


@transaction.atomic
def window_log_update(
    *, actor: Any, log: WindowServiceLog, version: int, **changes: Any
) -> WindowServiceLog:
    """Correct a line of the window log; a stale ``version`` is refused."""
    _not_future(changes.get("served_on"), "served_on")
    if "people_served" in changes and (changes["people_served"] or 0) < 1:
        raise ApplicationError(_("At least one person was served."), field="people_served")
    changed = _apply(log, changes, WINDOW_EDITABLE)
    return _save(log, actor=actor, version=version, action="change", fields=changed)
