"""Every write of the resettlement ledger: one function per step, in a transaction, audited.

A released person moves AWAITING (the prison's notice is in) → ASSISTING (handed over at the
gate, reported in, or transferred from community correction) → ENDED at the end of the
assistance period, or LOST_CONTACT (reported to the police; contact may be restored),
REOFFENDED or DECEASED. The hand-over deadlines (DOMAIN.md §4.3) are computed from the
``resettlement.*`` deadline rules when the file is registered or its dates change. A remote
visitation request moves APPLIED → FORWARDED → BOOKED → HELD | NOT_HELD, or REFUSED; each
move the applicant should see is passed to the portal (``core.applications.progress``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core import applications, audit
from sifasuo.core.applications import ApplicationStatus
from sifasuo.core.attachments import attachment_create
from sifasuo.core.calendar import due_date
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError
from sifasuo.core.scope import assert_in_scope
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import idnumbers
from sifasuo.people import services as people_services
from sifasuo.people.choices import IdType
from sifasuo.people.models import Person
from sifasuo.resettlement.choices import (
    ACTIVE_STATUSES,
    MAX_VISITORS,
    ON_FILE_STATUSES,
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
from sifasuo.resettlement.models import (
    AssistanceMeasure,
    AssistancePeriodRule,
    AssistanceVisit,
    ReleasedPerson,
    RiskAssessment,
    TeamMember,
    VisitationRequest,
    VisitationSystem,
    Visitor,
)

EDITABLE = (
    "release_type",
    "released_on",
    "prison",
    "crime",
    "sentence",
    "is_key_person",
    "notice_received_on",
)
REVEALABLE = ("crime", "sentence", "reoffence_note")
# Default periods when no rule row exists (DOMAIN.md §4.2 [P]; the rows are the authority).
DEFAULT_YEARS = {
    ReleaseType.PROBATION_END: 3,
    ReleaseType.CONTROL_END: 3,
}


# Helpers -----------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _require_office(unit: Unit) -> None:
    if unit.kind != UnitKind.OFFICE:
        raise ApplicationError(
            _("Resettlement files are kept by a judicial office; choose an office."),
            field="unit",
        )


def _require_status(rp: ReleasedPerson, allowed: Sequence[str], step: str) -> None:
    if rp.status not in allowed:
        raise ApplicationError(
            _("The file is “%(status)s”; it cannot be %(step)s now.")
            % {"status": rp.get_status_display(), "step": step}
        )


def _not_future(day: date | None, field: str) -> None:
    if day is not None and day > _today():
        raise ApplicationError(_("The date cannot be in the future."), field=field)


def _not_before_release(rp: ReleasedPerson, day: date, field: str) -> None:
    if day < rp.released_on:
        raise ApplicationError(
            _("The date cannot be before the release date (%(day)s).")
            % {"day": rp.released_on.isoformat()},
            field=field,
        )


def _save(
    obj: Any, *, actor: Any, version: int | None, action: str, fields: list[str], **extra: Any
) -> Any:
    """Validate, save at the version the user loaded, check scope, audit."""
    if version is not None:
        obj.version = version
    obj.full_clean()
    obj.save()
    assert_in_scope(obj, actor, "change")
    audit.record(action, actor=actor, obj=obj, changes={"fields": sorted(fields), **extra})
    return obj


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def period_years_for(release_type: str) -> int:
    """Return the assistance period of ``release_type`` from its rule row (DOMAIN §4.2 [P])."""
    if release_type not in ReleaseType.values:
        raise ApplicationError(_("Choose a release type."), field="release_type")
    rule = AssistancePeriodRule.objects.filter(release_type=release_type).first()
    if rule is not None:
        return rule.years
    return DEFAULT_YEARS.get(release_type, 5)  # type: ignore[call-overload]


def _compute_dates(rp: ReleasedPerson) -> None:
    """Set the period end and the hand-over deadlines from the release and notice dates."""
    rp.period_end = _add_years(rp.released_on, rp.period_years)
    rp.family_notice_due = (
        due_date("resettlement.family_notice", rp.notice_received_on)
        if rp.notice_received_on
        else None
    )
    rp.visit_due = due_date("resettlement.return_visit", rp.released_on)
    rp.file_due = due_date("resettlement.file_agreement", rp.released_on)
    rp.report_due = due_date("resettlement.report_police", rp.released_on)
    rp.known_due = due_date("resettlement.key_known", rp.released_on) if rp.is_key_person else None


@dataclass(frozen=True)
class PersonInput:
    """The released person as entered: found in the registry by number, or registered."""

    name: str
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    address: str = ""


def person_for(*, actor: Any, unit: Unit, entry: PersonInput) -> Person:
    """Return the registry person with this document number, or register them (enter once).

    A number already in the registry links that person under the same name only, so a
    typing error does not attach someone else.
    """
    name = entry.name.strip()
    if not name:
        raise ApplicationError(_("Enter the person's name."), field="name")
    if not entry.id_number.strip():
        raise ApplicationError(
            _("Enter the person's document number: a released person is identified by it."),
            field="id_number",
        )
    number = idnumbers.normalize(entry.id_number)
    index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
    existing = Person.objects.filter(id_type=entry.id_type, id_number_bidx=index).first()
    if existing is not None:
        if existing.name != name:
            raise ApplicationError(
                _("This document number is registered under another name."),
                field="id_number",
                audit_action="create",
                audit_object_type="resettlement.releasedperson",
            )
        return existing
    return people_services.person_create(
        actor=actor,
        unit=unit,
        name=name,
        id_type=entry.id_type,
        id_number=number,
        phone=entry.phone,
        address=entry.address,
    )


def _check_no_open_file(person: Person, exclude_pk: int | None = None) -> None:
    open_files = ReleasedPerson.objects.filter(
        person=person, status__in=(*ACTIVE_STATUSES, PersonStatus.LOST_CONTACT)
    )
    if exclude_pk is not None:
        open_files = open_files.exclude(pk=exclude_pk)
    if open_files.exists():
        # Audited: repeated attempts would probe who is on file elsewhere.
        raise ApplicationError(
            _(
                "This person already has an open resettlement file (perhaps at another "
                "office). Ask the district bureau to transfer it."
            ),
            field="id_number",
            audit_action="create",
            audit_object_type="resettlement.releasedperson",
        )


# Released persons ---------------------------------------------------------------------------


@transaction.atomic
def released_person_register(
    *,
    actor: Any,
    unit: Unit,
    person: Person,
    release_type: str,
    released_on: date,
    prison: str = "",
    crime: str = "",
    sentence: str = "",
    is_key_person: bool = False,
    notice_received_on: date | None = None,
    source_reference: str = "",
) -> ReleasedPerson:
    """Open a file from the prison's notice (or a late report-in): status AWAITING."""
    _require_office(unit)
    _not_future(notice_received_on, "notice_received_on")
    if notice_received_on and notice_received_on > released_on:
        raise ApplicationError(
            _("The prison's notice comes before the release (it is sent a month ahead)."),
            field="notice_received_on",
        )
    _check_no_open_file(person)
    rp = ReleasedPerson(
        unit=unit,
        person=person,
        release_type=release_type,
        released_on=released_on,
        prison=prison.strip(),
        crime=crime.strip(),
        sentence=sentence.strip(),
        is_key_person=is_key_person,
        notice_received_on=notice_received_on,
        source_reference=source_reference,
        period_years=period_years_for(release_type),
        status=PersonStatus.AWAITING,
        created_by=actor,
    )
    _compute_dates(rp)
    rp.full_clean()
    rp.save()
    assert_in_scope(rp, actor, "create")
    audit.record(
        "create",
        actor=actor,
        obj=rp,
        changes={
            "fields": ["crime", "person", "prison", "release_type", "released_on", "sentence"]
        },
    )
    return rp


@transaction.atomic
def released_person_from_correction(
    *,
    actor: Any,
    person: Person,
    office: Unit,
    release_type: str,
    released_on: date,
    crime: str,
    sentence: str,
    source_reference: str,
) -> ReleasedPerson:
    """Put a person whose community correction ended at term on file (idempotent).

    Called by the correction app at 解矫. If the person is already on file at ``office`` for
    this release, that file is returned unchanged. The assistance period follows the rule of
    ``release_type`` (3 years after probation or surveillance, 5 after parole or temporary
    service outside prison, by default).
    """
    _require_office(office)
    existing = ReleasedPerson.objects.filter(unit=office, person=person).filter(
        released_on=released_on
    ).first() or (
        ReleasedPerson.objects.filter(unit=office, source_reference=source_reference).first()
        if source_reference
        else None
    )
    if existing is not None:
        return existing
    rp = ReleasedPerson(
        unit=office,
        person=person,
        release_type=release_type,
        released_on=released_on,
        crime=crime.strip(),
        sentence=sentence.strip(),
        source_reference=str(source_reference)[:64],
        period_years=period_years_for(release_type),
        status=PersonStatus.ASSISTING,
        handed_over_on=released_on,
        handover_method=HandoverMethod.FROM_CORRECTION,
        handed_over_by=_("Community correction"),
        reported_on=released_on,
        created_by=actor,
    )
    _compute_dates(rp)
    rp.full_clean()
    rp.save()
    assert_in_scope(rp, actor, "create")
    audit.record(
        "create",
        actor=actor,
        obj=rp,
        changes={
            "fields": ["crime", "person", "release_type", "released_on", "sentence"],
            "source": "correction",
        },
    )
    return rp


@transaction.atomic
def released_person_update(
    *, actor: Any, released_person: ReleasedPerson, version: int, **changes: Any
) -> ReleasedPerson:
    """Correct the release details; the period and the deadlines follow. Stale → refused."""
    rp = released_person
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    _require_status(rp, (*ACTIVE_STATUSES, PersonStatus.LOST_CONTACT), _("corrected"))
    before = {f: getattr(rp, f) for f in EDITABLE}
    for name, value in changes.items():
        setattr(rp, name, value.strip() if isinstance(value, str) else value)
    _not_future(rp.notice_received_on, "notice_received_on")
    if rp.release_type != before["release_type"]:
        rp.period_years = period_years_for(rp.release_type)
    _compute_dates(rp)
    after = {f: getattr(rp, f) for f in EDITABLE}
    return _save(
        rp,
        actor=actor,
        version=version,
        action="update",
        fields=audit.changed_fields(before, after),
    )


@transaction.atomic
def released_person_notify_family(
    *, actor: Any, released_person: ReleasedPerson, notified_on: date, version: int
) -> ReleasedPerson:
    """Record that the family was told of the coming release (3 days after the notice [P])."""
    rp = released_person
    _require_status(rp, (PersonStatus.AWAITING,), _("changed"))
    _not_future(notified_on, "notified_on")
    if rp.notice_received_on and notified_on < rp.notice_received_on:
        raise ApplicationError(
            _("The family is notified after the prison's notice is received."), field="notified_on"
        )
    rp.family_notified_on = notified_on
    return _save(rp, actor=actor, version=version, action="update", fields=["family_notified_on"])


@transaction.atomic
def released_person_hand_over(
    *,
    actor: Any,
    released_person: ReleasedPerson,
    handed_over_on: date,
    method: str,
    handed_over_by: str,
    reported_on: date | None = None,
    version: int,
) -> ReleasedPerson:
    """Record the hand-over (衔接): met at the gate, or reported in; the file is then on file."""
    rp = released_person
    _require_status(rp, (PersonStatus.AWAITING,), _("handed over"))
    if method not in (HandoverMethod.MET_AT_GATE, HandoverMethod.REPORTED_IN):
        raise ApplicationError(_("Choose how the person was handed over."), field="method")
    if not handed_over_by.strip():
        raise ApplicationError(
            _("Name who met the person or received the report."), field="handed_over_by"
        )
    _not_future(handed_over_on, "handed_over_on")
    _not_before_release(rp, handed_over_on, "handed_over_on")
    if reported_on is not None:
        _not_future(reported_on, "reported_on")
        _not_before_release(rp, reported_on, "reported_on")
    elif method == HandoverMethod.REPORTED_IN:
        reported_on = handed_over_on
    rp.handed_over_on = handed_over_on
    rp.handover_method = method
    rp.handed_over_by = handed_over_by.strip()
    rp.reported_on = reported_on
    rp.status = PersonStatus.ASSISTING
    return _save(
        rp,
        actor=actor,
        version=version,
        action="hand_over",
        fields=["handed_over_by", "handed_over_on", "handover_method", "reported_on", "status"],
        method=method,
    )


@transaction.atomic
def released_person_report_in(
    *, actor: Any, released_person: ReleasedPerson, reported_on: date, version: int
) -> ReleasedPerson:
    """Record that a person met at the gate has reported in (刑满释放证明书 shown)."""
    rp = released_person
    _require_status(rp, ON_FILE_STATUSES, _("changed"))
    if rp.reported_on:
        raise ApplicationError(_("The person has already reported in."))
    _not_future(reported_on, "reported_on")
    _not_before_release(rp, reported_on, "reported_on")
    rp.reported_on = reported_on
    return _save(rp, actor=actor, version=version, action="update", fields=["reported_on"])


@transaction.atomic
def released_person_know_situation(
    *, actor: Any, released_person: ReleasedPerson, known_on: date, version: int
) -> ReleasedPerson:
    """Record that the key person's situation is known (3 days after release [P])."""
    rp = released_person
    if not rp.is_key_person:
        raise ApplicationError(_("This step is for key persons only."))
    _require_status(rp, ACTIVE_STATUSES, _("changed"))
    _not_future(known_on, "known_on")
    rp.situation_known_on = known_on
    return _save(rp, actor=actor, version=version, action="update", fields=["situation_known_on"])


@transaction.atomic
def team_member_add(
    *,
    actor: Any,
    released_person: ReleasedPerson,
    name: str,
    role: str,
    organisation: str = "",
    joined_on: date | None = None,
) -> TeamMember:
    """Add a member to the assistance team (帮教小组)."""
    rp = released_person
    _require_status(rp, (*ACTIVE_STATUSES, PersonStatus.LOST_CONTACT), _("changed"))
    if role not in TeamRole.values:
        raise ApplicationError(_("Choose the member's role."), field="role")
    if rp.team.filter(name=name.strip(), role=role).exists():
        raise ApplicationError(_("This member is already in the team."), field="name")
    member = TeamMember(
        released_person=rp,
        name=name.strip(),
        role=role,
        organisation=organisation.strip(),
        joined_on=joined_on or _today(),
        created_by=actor,
    )
    member.full_clean()
    member.save()
    assert_in_scope(member, actor, "create")
    audit.record("create", actor=actor, obj=member, changes={"fields": ["name", "role"]})
    return member


@transaction.atomic
def released_person_sign_agreement(
    *, actor: Any, released_person: ReleasedPerson, signed_on: date, version: int
) -> ReleasedPerson:
    """Open the file and sign the assistance agreement (帮教协议; 5 days after release [P])."""
    rp = released_person
    _require_status(rp, (PersonStatus.ASSISTING,), _("signed"))
    if rp.agreement_signed_on:
        raise ApplicationError(_("The agreement has already been signed."))
    if not rp.team.exists():
        raise ApplicationError(
            _("Form the assistance team before signing the agreement."), field="signed_on"
        )
    _not_future(signed_on, "signed_on")
    _not_before_release(rp, signed_on, "signed_on")
    rp.agreement_signed_on = signed_on
    return _save(rp, actor=actor, version=version, action="update", fields=["agreement_signed_on"])


@transaction.atomic
def measure_add(
    *,
    actor: Any,
    released_person: ReleasedPerson,
    kind: str,
    started_on: date,
    result: str = MeasureResult.PENDING,
    result_on: date | None = None,
    note: str = "",
) -> AssistanceMeasure:
    """Start a measure of help; it may already carry its result."""
    rp = released_person
    _require_status(rp, ON_FILE_STATUSES, _("changed"))
    if kind not in MeasureKind.values:
        raise ApplicationError(_("Choose the measure."), field="kind")
    _not_future(started_on, "started_on")
    _not_future(result_on, "result_on")
    if result != MeasureResult.PENDING and result_on is None:
        raise ApplicationError(_("Enter the date of the result."), field="result_on")
    measure = AssistanceMeasure(
        released_person=rp,
        kind=kind,
        started_on=started_on,
        result=result,
        result_on=result_on if result != MeasureResult.PENDING else None,
        note=note.strip(),
        created_by=actor,
    )
    measure.full_clean()
    measure.save()
    assert_in_scope(measure, actor, "create")
    audit.record("create", actor=actor, obj=measure, changes={"fields": ["kind", "result"]})
    return measure


@transaction.atomic
def measure_record_result(
    *,
    actor: Any,
    measure: AssistanceMeasure,
    result: str,
    result_on: date,
    note: str = "",
    version: int,
) -> AssistanceMeasure:
    """Record how a measure turned out (placed or not)."""
    if measure.result != MeasureResult.PENDING:
        raise ApplicationError(_("This measure already has its result."))
    if result not in (MeasureResult.PLACED, MeasureResult.NOT_PLACED):
        raise ApplicationError(_("Choose the result."), field="result")
    _not_future(result_on, "result_on")
    if result_on < measure.started_on:
        raise ApplicationError(_("The result cannot come before the start."), field="result_on")
    measure.result = result
    measure.result_on = result_on
    if note.strip():
        measure.note = note.strip()
    return _save(
        measure,
        actor=actor,
        version=version,
        action="update",
        fields=["note", "result", "result_on"],
    )


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    released_person: ReleasedPerson,
    visited_on: date,
    method: str,
    visitors: str,
    notes: str = "",
) -> AssistanceVisit:
    """Record a visit (走访); the first one meets the 7-day visit deadline [P]."""
    rp = released_person
    _require_status(rp, (*ACTIVE_STATUSES, PersonStatus.LOST_CONTACT), _("visited"))
    if method not in VisitMethod.values:
        raise ApplicationError(_("Choose how the visit was made."), field="method")
    if not visitors.strip():
        raise ApplicationError(_("Name who made the visit."), field="visitors")
    _not_future(visited_on, "visited_on")
    _not_before_release(rp, visited_on, "visited_on")
    visit = AssistanceVisit(
        released_person=rp,
        visited_on=visited_on,
        method=method,
        visitors=visitors.strip(),
        notes=notes.strip(),
        created_by=actor,
    )
    visit.full_clean()
    visit.save()
    assert_in_scope(visit, actor, "create")
    audit.record("create", actor=actor, obj=visit, changes={"fields": ["method", "visited_on"]})
    if rp.first_visited_on is None or visited_on < rp.first_visited_on:
        rp.first_visited_on = visited_on
        _save(rp, actor=actor, version=None, action="update", fields=["first_visited_on"])
    return visit


@transaction.atomic
def risk_assess(
    *,
    actor: Any,
    released_person: ReleasedPerson,
    assessed_on: date,
    level: str,
    notes: str = "",
) -> RiskAssessment:
    """Record a risk assessment; the latest one sets the file's risk level."""
    rp = released_person
    _require_status(rp, (*ACTIVE_STATUSES, PersonStatus.LOST_CONTACT), _("assessed"))
    if level not in RiskLevel.values:
        raise ApplicationError(_("Choose the risk level."), field="level")
    _not_future(assessed_on, "assessed_on")
    assessment = RiskAssessment(
        released_person=rp,
        assessed_on=assessed_on,
        level=level,
        notes=notes.strip(),
        created_by=actor,
    )
    assessment.full_clean()
    assessment.save()
    assert_in_scope(assessment, actor, "create")
    audit.record("create", actor=actor, obj=assessment, changes={"fields": ["level"]})
    latest = rp.assessments.order_by("-assessed_on", "-pk").first()
    if latest is not None and latest.level != rp.risk_level:
        rp.risk_level = latest.level
        _save(rp, actor=actor, version=None, action="update", fields=["risk_level"])
    return assessment


@transaction.atomic
def released_person_report_lost_contact(
    *,
    actor: Any,
    released_person: ReleasedPerson,
    lost_contact_on: date,
    police_reported_on: date,
    police_station: str,
    version: int,
) -> ReleasedPerson:
    """Report a person out of contact (or never reported in) to the police (失联推送公安)."""
    rp = released_person
    _require_status(rp, ACTIVE_STATUSES, _("reported"))
    if rp.status == PersonStatus.AWAITING and not rp.is_released:
        raise ApplicationError(_("The person has not been released yet."))
    if not police_station.strip():
        raise ApplicationError(_("Name the police station."), field="police_station")
    _not_future(lost_contact_on, "lost_contact_on")
    _not_future(police_reported_on, "police_reported_on")
    _not_before_release(rp, lost_contact_on, "lost_contact_on")
    if police_reported_on < lost_contact_on:
        raise ApplicationError(
            _("The report to the police comes after contact was lost."), field="police_reported_on"
        )
    rp.lost_contact_on = lost_contact_on
    rp.police_reported_on = police_reported_on
    rp.police_station = police_station.strip()
    rp.status = PersonStatus.LOST_CONTACT
    return _save(
        rp,
        actor=actor,
        version=version,
        action="lost_contact",
        fields=["lost_contact_on", "police_reported_on", "police_station", "status"],
    )


@transaction.atomic
def released_person_restore_contact(
    *, actor: Any, released_person: ReleasedPerson, restored_on: date, version: int
) -> ReleasedPerson:
    """Contact is back: the person is under assistance again (handed over now if never)."""
    rp = released_person
    _require_status(rp, (PersonStatus.LOST_CONTACT,), _("changed"))
    _not_future(restored_on, "restored_on")
    if rp.lost_contact_on and restored_on < rp.lost_contact_on:
        raise ApplicationError(_("Contact is restored after it was lost."), field="restored_on")
    fields = ["status"]
    if rp.handed_over_on is None:
        rp.handed_over_on = restored_on
        rp.handover_method = HandoverMethod.REPORTED_IN
        rp.handed_over_by = rp.handed_over_by or _("Found after being reported to the police")
        rp.reported_on = rp.reported_on or restored_on
        fields += ["handed_over_on", "handover_method", "reported_on"]
    rp.status = PersonStatus.ASSISTING
    return _save(rp, actor=actor, version=version, action="update", fields=fields)


@transaction.atomic
def released_person_record_reoffence(
    *, actor: Any, released_person: ReleasedPerson, reoffended_on: date, note: str, version: int
) -> ReleasedPerson:
    """Record re-offending (重新犯罪): the file closes with it."""
    rp = released_person
    _require_status(rp, ON_FILE_STATUSES, _("closed"))
    _not_future(reoffended_on, "reoffended_on")
    _not_before_release(rp, reoffended_on, "reoffended_on")
    rp.reoffended_on = reoffended_on
    rp.reoffence_note = note.strip()
    rp.ended_on = reoffended_on
    rp.status = PersonStatus.REOFFENDED
    return _save(
        rp,
        actor=actor,
        version=version,
        action="reoffended",
        fields=["ended_on", "reoffence_note", "reoffended_on", "status"],
    )


@transaction.atomic
def released_person_record_death(
    *, actor: Any, released_person: ReleasedPerson, died_on: date, note: str = "", version: int
) -> ReleasedPerson:
    """Close the file on the person's death."""
    rp = released_person
    _require_status(rp, (*ACTIVE_STATUSES, PersonStatus.LOST_CONTACT), _("closed"))
    _not_future(died_on, "died_on")
    rp.ended_on = died_on
    rp.end_note = note.strip()
    rp.status = PersonStatus.DECEASED
    return _save(
        rp, actor=actor, version=version, action="close", fields=["end_note", "ended_on", "status"]
    )


@transaction.atomic
def released_person_close_period(
    *,
    actor: Any,
    released_person: ReleasedPerson,
    closed_on: date,
    note: str = "",
    version: int | None,
) -> ReleasedPerson:
    """Close the file at the end of the assistance period (期满解除)."""
    rp = released_person
    _require_status(rp, ON_FILE_STATUSES, _("closed"))
    if closed_on < rp.period_end:
        raise ApplicationError(
            _("The assistance period runs until %(day)s; the file cannot be closed before.")
            % {"day": rp.period_end.isoformat()},
            field="closed_on",
        )
    _not_future(closed_on, "closed_on")
    rp.ended_on = closed_on
    rp.end_note = note.strip()
    rp.status = PersonStatus.ENDED
    return _save(
        rp, actor=actor, version=version, action="close", fields=["end_note", "ended_on", "status"]
    )


def close_ended_periods(*, actor: Any = None, today: date | None = None) -> int:
    """Close every file under assistance whose period has ended; return how many."""
    today = today or _today()
    closed = 0
    due = ReleasedPerson.objects.filter(
        status=PersonStatus.ASSISTING, period_end__lte=today
    ).order_by("pk")
    for rp in due:
        released_person_close_period(
            actor=actor,
            released_person=rp,
            closed_on=today,
            note=_("Closed at the end of the assistance period."),
            version=None,
        )
        closed += 1
    return closed


def released_person_reveal(
    *, actor: Any, released_person: ReleasedPerson, field: str, reason: str
) -> str:
    """Return a criminal-history value unmasked to a user allowed to reveal; audited."""
    if field not in REVEALABLE:
        raise ApplicationError(_("This field cannot be revealed."))
    if not reason.strip():
        raise ApplicationError(_("State the reason for revealing this value."), field="reason")
    rp = released_person
    if not ReleasedPerson.objects.visible_to(actor, "reveal").filter(pk=rp.pk).exists():
        audit.record(
            "reveal", actor=actor, obj=rp, outcome=AuditOutcome.DENIED, changes={"field": field}
        )
        raise PermissionDenied
    with transaction.atomic():
        audit.record("reveal", actor=actor, obj=rp, reason=reason.strip(), changes={"field": field})
    return str(getattr(rp, field))


# Remote visitation --------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitorInput:
    name: str
    relationship: str


def _progress(request: VisitationRequest, status: str, message: str, actor: Any) -> None:
    applications.progress(record=request, status=status, message=message, actor=actor)


@transaction.atomic
def visitation_apply(
    *,
    actor: Any,
    office: Unit,
    channel: str,
    applicant_name: str,
    prisoner_name: str,
    prison: str,
    relationship: str,
    visitors: Sequence[VisitorInput],
    applicant_phone: str = "",
    proof: UploadedFile | None = None,
    citizen: Any = None,
    applied_on: date | None = None,
) -> VisitationRequest:
    """Register a family's request for a remote visit: at most three visitors, with proof.

    ``actor`` None with ``citizen`` set is the portal (the citizen has no unit); the proof
    file's real type and size are checked (``core.attachments``).
    """
    _require_office(office)
    for field, value in (
        ("applicant_name", applicant_name),
        ("prisoner_name", prisoner_name),
        ("prison", prison),
    ):
        if not value.strip():
            raise ApplicationError(_("This field is required."), field=field)
    if relationship not in Relationship.values:
        raise ApplicationError(_("Choose the relationship."), field="relationship")
    people = [v for v in visitors if v.name.strip()]
    if not people:
        raise ApplicationError(_("Name at least one visitor."), field="visitors")
    if len(people) > MAX_VISITORS:
        raise ApplicationError(
            _("At most %(max)d family members may take part in one visit.") % {"max": MAX_VISITORS},
            field="visitors",
        )
    if any(v.relationship not in Relationship.values for v in people):
        raise ApplicationError(_("Choose each visitor's relationship."), field="visitors")
    if channel == Channel.ONLINE and proof is None:
        raise ApplicationError(
            _("Upload a proof of the relationship (household register, certificate)."),
            field="proof",
        )
    request = VisitationRequest(
        unit=office,
        channel=channel,
        citizen=citizen,
        applicant_name=applicant_name.strip(),
        applicant_phone="".join(applicant_phone.split()),
        prisoner_name=prisoner_name.strip(),
        prison=prison.strip(),
        relationship=relationship,
        applied_on=applied_on or _today(),
        created_by=actor,
    )
    request.full_clean()
    request.save()
    for v in people:
        visitor = Visitor(
            request=request, name=v.name.strip(), relationship=v.relationship, created_by=actor
        )
        visitor.full_clean()
        visitor.save()
    if proof is not None:
        try:
            request.proof = attachment_create(
                actor=actor, unit=office, uploaded=proof, owner=request
            )
        except ApplicationError as exc:
            raise ApplicationError(exc.message, field="proof") from exc
        request.save()
    assert_in_scope(request, actor or citizen, "create")
    audit.record(
        "create",
        actor=actor or citizen,
        obj=request,
        changes={
            "fields": ["applicant", "prisoner", "visitors"],
            "visitors": len(people),
            "channel": channel,
        },
    )
    return request


def visitation_submit(*, citizen: Any, office: Unit, data: dict[str, Any]) -> VisitationRequest:
    """The portal's VISITATION kind: file the request (inside the portal's transaction)."""
    visitors = [
        VisitorInput(name=v.get("name", ""), relationship=v.get("relationship", ""))
        for v in data.get("visitors", [])
    ]
    return visitation_apply(
        actor=None,
        citizen=citizen,
        office=office,
        channel=Channel.ONLINE,
        applicant_name=data.get("applicant_name", ""),
        applicant_phone=data.get("applicant_phone", ""),
        prisoner_name=data.get("prisoner_name", ""),
        prison=data.get("prison", ""),
        relationship=data.get("relationship", ""),
        visitors=visitors,
        proof=data.get("proof"),
    )


def _require_visitation(request: VisitationRequest, allowed: Sequence[str], step: str) -> None:
    if request.status not in allowed:
        raise ApplicationError(
            _("The request is “%(status)s”; it cannot be %(step)s now.")
            % {"status": request.get_status_display(), "step": step}
        )


@transaction.atomic
def visitation_forward(
    *, actor: Any, request: VisitationRequest, forwarded_on: date, version: int
) -> VisitationRequest:
    """The office has checked the request and forwards it to the prison for review."""
    _require_visitation(request, (VisitationStatus.APPLIED,), _("forwarded"))
    _not_future(forwarded_on, "forwarded_on")
    if forwarded_on < request.applied_on:
        raise ApplicationError(
            _("The request is forwarded after it was made."), field="forwarded_on"
        )
    request.forwarded_on = forwarded_on
    request.status = VisitationStatus.FORWARDED
    _save(request, actor=actor, version=version, action="update", fields=["forwarded_on", "status"])
    _progress(
        request,
        ApplicationStatus.IN_PROGRESS,
        _("Your request has been checked and forwarded to %(prison)s for review.")
        % {"prison": request.prison},
        actor,
    )
    return request


@transaction.atomic
def visitation_book(
    *, actor: Any, request: VisitationRequest, slot_at: datetime, version: int
) -> VisitationRequest:
    """Book the slot the prison gave; the applicant is told the date and time."""
    _require_visitation(request, (VisitationStatus.FORWARDED,), _("booked"))
    if request.forwarded_on and timezone.localtime(slot_at).date() < request.forwarded_on:
        raise ApplicationError(
            _("The slot cannot be before the request was forwarded."), field="slot_at"
        )
    request.slot_at = slot_at
    request.status = VisitationStatus.BOOKED
    _save(request, actor=actor, version=version, action="update", fields=["slot_at", "status"])
    local = timezone.localtime(slot_at)
    _progress(
        request,
        ApplicationStatus.IN_PROGRESS,
        _(
            "Your remote visit is booked for %(when)s at %(office)s. Bring the visitors' ID "
            "cards; each visitor signs in before the session."
        )
        % {"when": local.strftime("%Y-%m-%d %H:%M"), "office": request.unit.name},
        actor,
    )
    return request


@transaction.atomic
def visitation_record_held(
    *, actor: Any, request: VisitationRequest, held_on: date, version: int
) -> VisitationRequest:
    """The session took place."""
    _require_visitation(request, (VisitationStatus.BOOKED,), _("recorded as held"))
    _not_future(held_on, "held_on")
    if request.slot_at and held_on < timezone.localtime(request.slot_at).date():
        raise ApplicationError(
            _("The visit cannot be held before its booked slot."), field="held_on"
        )
    request.held_on = held_on
    request.status = VisitationStatus.HELD
    _save(request, actor=actor, version=version, action="update", fields=["held_on", "status"])
    _progress(
        request,
        ApplicationStatus.COMPLETED,
        _("Your remote visit took place on %(day)s.") % {"day": held_on.isoformat()},
        actor,
    )
    return request


@transaction.atomic
def visitation_record_not_held(
    *, actor: Any, request: VisitationRequest, reason: str, version: int
) -> VisitationRequest:
    """The booked session did not take place, for ``reason`` (told to the applicant)."""
    _require_visitation(request, (VisitationStatus.BOOKED,), _("recorded as not held"))
    if not reason.strip():
        raise ApplicationError(_("State why the visit was not held."), field="reason")
    request.outcome_note = reason.strip()
    request.status = VisitationStatus.NOT_HELD
    _save(request, actor=actor, version=version, action="update", fields=["outcome_note", "status"])
    _progress(
        request,
        ApplicationStatus.REJECTED,
        _("Your remote visit was not held: %(reason)s") % {"reason": request.outcome_note},
        actor,
    )
    return request


@transaction.atomic
def visitation_refuse(
    *, actor: Any, request: VisitationRequest, reason: str, version: int
) -> VisitationRequest:
    """Refuse the request (the office's check or the prison's review), with the reason."""
    _require_visitation(
        request, (VisitationStatus.APPLIED, VisitationStatus.FORWARDED), _("refused")
    )
    if not reason.strip():
        raise ApplicationError(_("State the reason for refusing."), field="reason")
    request.outcome_note = reason.strip()
    request.status = VisitationStatus.REFUSED
    _save(request, actor=actor, version=version, action="update", fields=["outcome_note", "status"])
    _progress(
        request,
        ApplicationStatus.REJECTED,
        _("Your request for a remote visit was not accepted: %(reason)s")
        % {"reason": request.outcome_note},
        actor,
    )
    return request


@transaction.atomic
def visitation_system_save(
    *,
    actor: Any,
    office: Unit,
    installed: bool,
    installed_on: date | None,
    terminal_location: str = "",
    note: str = "",
    version: int | None = None,
) -> VisitationSystem:
    """Record the office's remote visitation terminal (coverage, plan 二.18)."""
    _require_office(office)
    if installed and installed_on is None:
        raise ApplicationError(_("Enter the date it was installed."), field="installed_on")
    if installed and not terminal_location.strip():
        raise ApplicationError(_("Say where the terminal is."), field="terminal_location")
    _not_future(installed_on, "installed_on")
    system = VisitationSystem.objects.filter(unit=office).first()
    created = system is None
    if system is None:
        system = VisitationSystem(unit=office, created_by=actor)
    before = {
        "installed": system.installed,
        "installed_on": system.installed_on,
        "terminal_location": system.terminal_location,
        "note": system.note,
    }
    system.installed = installed
    system.installed_on = installed_on if installed else None
    system.terminal_location = terminal_location.strip()
    system.note = note.strip()
    if not created and version is not None:
        system.version = version
    system.full_clean()
    system.save()
    assert_in_scope(system, actor, "create" if created else "change")
    after = {
        "installed": system.installed,
        "installed_on": system.installed_on,
        "terminal_location": system.terminal_location,
        "note": system.note,
    }
    audit.record(
        "create" if created else "update",
        actor=actor,
        obj=system,
        changes={"fields": audit.changed_fields(before, after)},
    )
    return system
