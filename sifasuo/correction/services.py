"""Every write of community correction: one function per business action, audited.

A subject moves AWAITING_REPORT → UNDER_CORRECTION (received) → ENDED | REVOKED | DECEASED.
The executing office records reception, reports, visits, hours, requests and measures;
the district bureau decides what the law gives it (leave beyond the office's limit, change
of residence, warnings and proposals to the police or the court). Every function checks
the state it starts from, validates, saves at the loaded version, audits field names only
(never the plaintext of criminal history) and checks the record is still in scope.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.calendar import due_date
from sifasuo.core.errors import ApplicationError
from sifasuo.core.numbering import next_document_number
from sifasuo.core.scope import assert_in_scope
from sifasuo.correction.choices import (
    END_STATUS,
    OFFICE_DECIDES,
    RELEASE_TYPE,
    REPORT_KINDS,
    ActivityKind,
    ContactKind,
    EndReason,
    MeasureKind,
    MeasureStatus,
    RequestKind,
    RequestStatus,
    SubjectStatus,
    SupervisionClass,
    TeamRole,
)
from sifasuo.correction.models import (
    Activity,
    ClassChange,
    Contact,
    CorrectionLimit,
    CorrectionSubject,
    DisciplinaryMeasure,
    DisciplineRule,
    ElectronicMonitoring,
    SupervisionClassRule,
    SupervisionRequest,
    TeamMember,
    add_months,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import idnumbers
from sifasuo.people import services as people_services
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.models import Person

CERTIFICATE_DOC_TYPE = "correction.release_certificate"
DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.DEVZONE)


# Configuration ---------------------------------------------------------------------------


def limit(code: str) -> int:
    """The configured value of a limit (``CorrectionLimit``)."""
    return CorrectionLimit.objects.get(code=code).value


def class_rule(supervision_class: str) -> SupervisionClassRule:
    return SupervisionClassRule.objects.get(supervision_class=supervision_class)


# Guards ----------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _not_future(day: date, field: str) -> None:
    if day > _today():
        raise ApplicationError(_("The date cannot be in the future."), field=field)


def _not_before(day: date, earliest: date | None, field: str, label: str) -> None:
    if earliest is not None and day < earliest:
        raise ApplicationError(
            _("The date cannot be before %(label)s (%(date)s).")
            % {"label": label, "date": earliest},
            field=field,
        )


def _require_office(actor: Any, subject: CorrectionSubject) -> None:
    """The executing office's own staff record the supervision (None: the system)."""
    if actor is None:
        return
    if getattr(actor, "unit_id", None) != subject.unit_id:
        raise ApplicationError(
            _("Only the executing office records this; the district bureau decides on requests.")
        )


def _require_district(actor: Any, subject: CorrectionSubject) -> None:
    """The district bureau of the executing office decides (None: the system)."""
    if actor is None:
        return
    unit = getattr(actor, "unit", None)
    if (
        unit is None
        or unit.kind not in DISTRICT_KINDS
        or not actor.has_role("DISTRICT_OFFICER")
        or not subject.unit.path.startswith(unit.path)
    ):
        raise ApplicationError(_("This decision belongs to the district bureau of the office."))


def _require_status(subject: CorrectionSubject, allowed: tuple[str, ...], step: str) -> None:
    if subject.status not in allowed:
        raise ApplicationError(
            _("The subject is “%(status)s”; %(step)s is not possible now.")
            % {"status": subject.get_status_display(), "step": step}
        )


def _under_correction(subject: CorrectionSubject, step: str) -> None:
    _require_status(subject, (SubjectStatus.UNDER_CORRECTION,), step)


def _save_subject(
    subject: CorrectionSubject, *, actor: Any, version: int | None, action: str, fields: list[str]
) -> CorrectionSubject:
    if version is not None:
        subject.version = version
    subject.full_clean()
    subject.save()
    assert_in_scope(subject, actor, "change")
    audit.record(action, actor=actor, obj=subject, changes={"fields": sorted(fields)})
    return subject


def _add_child(obj: Any, *, actor: Any, action: str, subject: CorrectionSubject) -> Any:
    """Validate and save a record hanging from a subject; audit it; check scope."""
    obj.full_clean()
    obj.save()
    assert_in_scope(obj, actor, "change")
    audit.record(
        action,
        actor=actor,
        obj=obj,
        changes={"subject": str(subject.public_id), "kind": getattr(obj, "kind", "")},
    )
    return obj


# Registration and reception --------------------------------------------------------------


def subject_person(
    *,
    actor: Any,
    office: Unit,
    name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    sex: str = Sex.UNKNOWN,
    phone: str = "",
    address: str = "",
) -> Person:
    """The registry person of a subject: found by document number (same name), else registered."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Enter the subject's name."), field="name")
    if not id_number.strip():
        raise ApplicationError(
            _("Enter the subject's document number: a subject must be identified."),
            field="id_number",
        )
    number = idnumbers.normalize(id_number)
    index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
    existing = Person.objects.filter(id_type=id_type, id_number_bidx=index).first()
    if existing is not None:
        if existing.name != name:
            raise ApplicationError(
                _("This document number is registered under another name."),
                field="id_number",
                audit_action="create",
                audit_object_type="correction.correctionsubject",
            )
        return existing
    return people_services.person_create(
        actor=actor,
        unit=office,
        name=name,
        id_type=id_type,
        id_number=number,
        sex=sex,
        phone=phone,
        address=address,
    )


@transaction.atomic
def subject_register(
    *,
    actor: Any,
    office: Unit,
    person: Person,
    category: str,
    decision_organ: str,
    decision_document: str,
    judgment_effective_on: date,
    crime: str,
    sentence: str,
    period_start: date,
    period_end: date,
    criminal_facts: str = "",
    supervision_class: str = SupervisionClass.STRICT,
    has_prohibition_order: bool = False,
    prohibition_content: str = "",
    is_five_alone: bool = False,
    is_five_involved: bool = False,
    has_four_histories: bool = False,
) -> CorrectionSubject:
    """Register a subject entrusted to ``office``; the report-in deadline runs (art. 21)."""
    if office.kind != UnitKind.OFFICE:
        raise ApplicationError(_("A subject is entrusted to a judicial office."), field="office")
    if period_end < period_start:
        raise ApplicationError(
            _("The correction period cannot end before it starts."), field="period_end"
        )
    _not_future(judgment_effective_on, "judgment_effective_on")
    if (
        CorrectionSubject.objects.filter(person=person)
        .exclude(status__in=[s.value for s in END_STATUS.values()])
        .exists()
    ):
        raise ApplicationError(
            _("This person is already a correction subject whose correction has not ended."),
            field="id_number",
        )
    bureau = office.bureau or office
    subject = CorrectionSubject(
        unit=office,
        entrusting_agency=bureau,
        person=person,
        category=category,
        decision_organ=decision_organ.strip(),
        decision_document=decision_document.strip(),
        judgment_effective_on=judgment_effective_on,
        crime=crime.strip(),
        sentence=sentence.strip(),
        criminal_facts=criminal_facts.strip(),
        period_start=period_start,
        period_end=period_end,
        supervision_class=supervision_class,
        has_prohibition_order=has_prohibition_order,
        prohibition_content=prohibition_content.strip() if has_prohibition_order else "",
        is_five_alone=is_five_alone,
        is_five_involved=is_five_involved,
        has_four_histories=has_four_histories,
        report_in_due=due_date("correction.report_in", judgment_effective_on),
        created_by=actor,
    )
    subject.full_clean()
    subject.save()
    assert_in_scope(subject, actor, "create")
    audit.record(
        "create",
        actor=actor,
        obj=subject,
        changes={
            "fields": sorted(
                [
                    "person",
                    "category",
                    "decision_organ",
                    "decision_document",
                    "judgment_effective_on",
                    "crime",
                    "sentence",
                    "period_start",
                    "period_end",
                    "supervision_class",
                ]
            )
        },
    )
    ClassChange.objects.create(
        subject=subject,
        from_class="",
        to_class=supervision_class,
        changed_on=period_start,
        reason=_("Initial class on registration"),
        created_by=actor,
    )
    return subject


def _schedule(subject: CorrectionSubject) -> None:
    """Set the next report and visit due from the last ones (or reception) and the class."""
    rule = class_rule(subject.supervision_class)
    base_report = subject.last_report_on or subject.received_on
    base_visit = subject.last_visit_on or subject.received_on
    if base_report is not None:
        subject.report_due = base_report + timedelta(days=rule.report_every_days)
    if base_visit is not None:
        subject.visit_due = base_visit + timedelta(days=rule.visit_every_days)


@transaction.atomic
def subject_receive(
    *,
    actor: Any,
    subject: CorrectionSubject,
    received_on: date,
    note: str = "",
    version: int | None = None,
) -> CorrectionSubject:
    """接收登记: the subject reported in; supervision and its deadlines start."""
    _require_office(actor, subject)
    _require_status(subject, (SubjectStatus.AWAITING_REPORT,), _("reception"))
    _not_future(received_on, "received_on")
    _not_before(received_on, subject.judgment_effective_on, "received_on", _("the judgment"))
    subject.received_on = received_on
    subject.reception_note = note.strip()
    subject.status = SubjectStatus.UNDER_CORRECTION
    _schedule(subject)
    return _save_subject(
        subject,
        actor=actor,
        version=version,
        action="receive",
        fields=["received_on", "reception_note", "status", "report_due", "visit_due"],
    )


@transaction.atomic
def subject_announce(
    *, actor: Any, subject: CorrectionSubject, announced_on: date, version: int | None = None
) -> CorrectionSubject:
    """入矫宣告: the announcement of the judgment, period and rules was held."""
    _require_office(actor, subject)
    _under_correction(subject, _("the announcement"))
    _not_future(announced_on, "announced_on")
    _not_before(announced_on, subject.received_on, "announced_on", _("the reception"))
    subject.announced_on = announced_on
    return _save_subject(
        subject, actor=actor, version=version, action="announce", fields=["announced_on"]
    )


@transaction.atomic
def subject_set_plan(
    *,
    actor: Any,
    subject: CorrectionSubject,
    plan: str,
    review_on: date | None,
    version: int | None = None,
) -> CorrectionSubject:
    """Write or revise the individual correction plan (art. 24) and its review date."""
    _require_office(actor, subject)
    _under_correction(subject, _("a correction plan"))
    if not plan.strip():
        raise ApplicationError(_("Write the correction plan."), field="plan")
    subject.plan = plan.strip()
    subject.plan_review_on = review_on
    return _save_subject(
        subject, actor=actor, version=version, action="plan", fields=["plan", "plan_review_on"]
    )


@transaction.atomic
def team_member_add(
    *,
    actor: Any,
    subject: CorrectionSubject,
    role: str,
    name: str = "",
    person: Person | None = None,
    duty: str = "",
) -> TeamMember:
    """Add a member to the correction team (矫正小组, art. 25)."""
    _require_office(actor, subject)
    _require_status(
        subject,
        (SubjectStatus.AWAITING_REPORT, SubjectStatus.UNDER_CORRECTION),
        _("the correction team"),
    )
    if person is None and not name.strip():
        raise ApplicationError(_("Enter the member's name."), field="name")
    if role not in TeamRole.values:
        raise ApplicationError(_("Choose the member's role."), field="role")
    member = TeamMember(
        subject=subject,
        role=role,
        person=person,
        name="" if person else name.strip(),
        duty=duty.strip(),
        created_by=actor,
    )
    return _add_child(member, actor=actor, action="create", subject=subject)


# Supervision ------------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *,
    actor: Any,
    subject: CorrectionSubject,
    kind: str,
    occurred_on: date,
    notes: str = "",
    version: int | None = None,
) -> Contact:
    """Record a report or a field visit; the next one falls due by the subject's class."""
    _require_office(actor, subject)
    _under_correction(subject, _("a report or visit"))
    if kind not in ContactKind.values:
        raise ApplicationError(_("Choose the kind of report or visit."), field="kind")
    _not_future(occurred_on, "occurred_on")
    _not_before(occurred_on, subject.received_on, "occurred_on", _("the reception"))
    is_report = kind in REPORT_KINDS
    contact = Contact(
        subject=subject,
        kind=kind,
        occurred_on=occurred_on,
        due_on=subject.report_due if is_report else subject.visit_due,
        notes=notes.strip(),
        created_by=actor,
    )
    _add_child(contact, actor=actor, action="create", subject=subject)
    if is_report:
        if subject.last_report_on is None or occurred_on >= subject.last_report_on:
            subject.last_report_on = occurred_on
    elif subject.last_visit_on is None or occurred_on >= subject.last_visit_on:
        subject.last_visit_on = occurred_on
    _schedule(subject)
    if version is not None:
        subject.version = version
    subject.full_clean()
    subject.save()
    return contact


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    subject: CorrectionSubject,
    kind: str,
    held_on: date,
    hours: Decimal,
    content: str = "",
) -> Activity:
    """Record hours of education or public service."""
    _require_office(actor, subject)
    _under_correction(subject, _("education or public service"))
    if kind not in ActivityKind.values:
        raise ApplicationError(_("Choose education or public service."), field="kind")
    _not_future(held_on, "held_on")
    _not_before(held_on, subject.received_on, "held_on", _("the reception"))
    if hours <= 0 or hours > 24:
        raise ApplicationError(_("Hours must be more than 0 and at most 24."), field="hours")
    activity = Activity(
        subject=subject,
        kind=kind,
        held_on=held_on,
        hours=hours,
        content=content.strip(),
        created_by=actor,
    )
    return _add_child(activity, actor=actor, action="create", subject=subject)


@transaction.atomic
def class_change(
    *,
    actor: Any,
    subject: CorrectionSubject,
    to_class: str,
    changed_on: date,
    reason: str,
    version: int | None = None,
) -> CorrectionSubject:
    """Change the supervision class (分类管理); the reporting frequency follows the new class."""
    _require_office(actor, subject)
    _under_correction(subject, _("a change of class"))
    if to_class not in SupervisionClass.values:
        raise ApplicationError(_("Choose the new class."), field="to_class")
    if to_class == subject.supervision_class:
        raise ApplicationError(_("The subject is in this class already."), field="to_class")
    if not reason.strip():
        raise ApplicationError(_("State the reason for the change."), field="reason")
    _not_future(changed_on, "changed_on")
    _not_before(changed_on, subject.received_on, "changed_on", _("the reception"))
    change = ClassChange(
        subject=subject,
        from_class=subject.supervision_class,
        to_class=to_class,
        changed_on=changed_on,
        reason=reason.strip(),
        created_by=actor,
    )
    change.full_clean()
    change.save()
    subject.supervision_class = to_class
    _schedule(subject)
    return _save_subject(
        subject,
        actor=actor,
        version=version,
        action="reclassify",
        fields=["supervision_class", "report_due", "visit_due"],
    )


def _needs_district(request: SupervisionRequest) -> bool:
    if request.kind == RequestKind.RESIDENCE:
        return True
    return request.kind == RequestKind.LEAVE and request.days > limit("leave.office_max_days")


@transaction.atomic
def request_submit(
    *,
    actor: Any,
    subject: CorrectionSubject,
    kind: str,
    destination: str,
    reason: str,
    applied_on: date,
    start_on: date | None = None,
    end_on: date | None = None,
) -> SupervisionRequest:
    """Record an application for leave, change of residence, an entry or a visitor."""
    _require_office(actor, subject)
    _under_correction(subject, _("an application"))
    if kind not in RequestKind.values:
        raise ApplicationError(_("Choose the kind of application."), field="kind")
    if not destination.strip():
        raise ApplicationError(
            _("Enter the destination, new residence, place or person."), field="destination"
        )
    if not reason.strip():
        raise ApplicationError(_("Enter the reason."), field="reason")
    _not_future(applied_on, "applied_on")
    if kind == RequestKind.LEAVE and (start_on is None or end_on is None):
        raise ApplicationError(_("Enter the dates of the leave."), field="start_on")
    if start_on and end_on and end_on < start_on:
        raise ApplicationError(_("The end cannot be before the start."), field="end_on")
    request = SupervisionRequest(
        subject=subject,
        kind=kind,
        destination=destination.strip(),
        reason=reason.strip(),
        applied_on=applied_on,
        start_on=start_on,
        end_on=end_on,
        created_by=actor,
    )
    if kind == RequestKind.LEAVE and request.days > limit("leave.max_days"):
        raise ApplicationError(
            _("One approval covers at most %(n)d days of leave.") % {"n": limit("leave.max_days")},
            field="end_on",
        )
    return _add_child(request, actor=actor, action="create", subject=subject)  # type: ignore[no-any-return]


def _save_request(
    request: SupervisionRequest, *, actor: Any, version: int | None, action: str, fields: list[str]
) -> SupervisionRequest:
    if version is not None:
        request.version = version
    if (
        request.status == RequestStatus.APPROVED
        and request.kind == RequestKind.LEAVE
        and request.end_on is not None
    ):
        request.return_due = due_date("correction.leave_return", request.end_on)
        fields = [*fields, "return_due"]
    request.full_clean()
    request.save()
    assert_in_scope(request, actor, "change")
    audit.record(action, actor=actor, obj=request, changes={"fields": sorted(fields)})
    return request


@transaction.atomic
def request_office_decide(
    *,
    actor: Any,
    request: SupervisionRequest,
    approve: bool,
    opinion: str,
    decided_on: date,
    version: int | None = None,
) -> SupervisionRequest:
    """The office approves or refuses within its power, or gives its opinion to the district."""
    subject = request.subject
    _require_office(actor, subject)
    if request.status != RequestStatus.PENDING_OFFICE:
        raise ApplicationError(_("The office has already dealt with this application."))
    _not_future(decided_on, "decided_on")
    _not_before(decided_on, request.applied_on, "decided_on", _("the application"))
    if not approve and not opinion.strip():
        raise ApplicationError(_("State the reason for refusing."), field="opinion")
    request.office_opinion = opinion.strip() or (_("Approved") if approve else "")
    request.office_by = actor
    request.office_on = decided_on
    if _needs_district(request):
        request.status = RequestStatus.PENDING_DISTRICT
        prefix = _("The office supports the application.") if approve else _("The office objects.")
        request.office_opinion = f"{prefix} {opinion.strip()}".strip()
    else:
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    return _save_request(
        request,
        actor=actor,
        version=version,
        action="office_decide",
        fields=["status", "office_opinion", "office_by", "office_on"],
    )


@transaction.atomic
def request_district_decide(
    *,
    actor: Any,
    request: SupervisionRequest,
    approve: bool,
    decision: str,
    decided_on: date,
    version: int | None = None,
) -> SupervisionRequest:
    """The district bureau decides a long leave or a change of residence."""
    _require_district(actor, request.subject)
    if request.status != RequestStatus.PENDING_DISTRICT:
        raise ApplicationError(_("This application does not await the district bureau."))
    _not_future(decided_on, "decided_on")
    if not approve and not decision.strip():
        raise ApplicationError(_("State the reason for refusing."), field="decision")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.district_decision = decision.strip() or _("Approved")
    request.district_by = actor
    request.district_on = decided_on
    return _save_request(
        request,
        actor=actor,
        version=version,
        action="district_decide",
        fields=["status", "district_decision", "district_by", "district_on"],
    )


@transaction.atomic
def request_return(
    *, actor: Any, request: SupervisionRequest, returned_on: date, version: int | None = None
) -> SupervisionRequest:
    """The subject reported back after leave (销假)."""
    _require_office(actor, request.subject)
    if not request.awaiting_return:
        raise ApplicationError(_("This application awaits no report back."))
    _not_future(returned_on, "returned_on")
    _not_before(returned_on, request.start_on, "returned_on", _("the start of the leave"))
    request.returned_on = returned_on
    return _save_request(
        request, actor=actor, version=version, action="return", fields=["returned_on"]
    )


@transaction.atomic
def monitoring_start(
    *, actor: Any, subject: CorrectionSubject, start_on: date, end_on: date, reason: str
) -> ElectronicMonitoring:
    """A period of electronic location: at most the configured months; a renewal follows on."""
    _require_office(actor, subject)
    _under_correction(subject, _("electronic monitoring"))
    if not reason.strip():
        raise ApplicationError(_("State the reason and the approval."), field="reason")
    if end_on < start_on:
        raise ApplicationError(_("The end cannot be before the start."), field="end_on")
    months = limit("monitoring.max_months")
    if end_on > add_months(start_on, months) - timedelta(days=1):
        raise ApplicationError(
            _("A period of electronic monitoring lasts at most %(n)d months (art. 29).")
            % {"n": months},
            field="end_on",
        )
    periods = ElectronicMonitoring.objects.filter(subject=subject)
    if periods.filter(start_on__lte=end_on, end_on__gte=start_on).exists():
        raise ApplicationError(
            _("This period overlaps another period of electronic monitoring."), field="start_on"
        )
    previous = periods.filter(end_on=start_on - timedelta(days=1)).first()
    period = ElectronicMonitoring(
        subject=subject,
        start_on=start_on,
        end_on=end_on,
        reason=reason.strip(),
        renews=previous,
        created_by=actor,
    )
    return _add_child(period, actor=actor, action="create", subject=subject)  # type: ignore[no-any-return]


# Discipline -------------------------------------------------------------------------------


@transaction.atomic
def measure_record(
    *,
    actor: Any,
    subject: CorrectionSubject,
    kind: str,
    facts: str,
    proposed_on: date,
    rule: DisciplineRule | None = None,
) -> DisciplinaryMeasure:
    """Record a commendation or an admonition, or propose a heavier measure to the district."""
    _require_office(actor, subject)
    _under_correction(subject, _("a reward or sanction"))
    if kind not in MeasureKind.values:
        raise ApplicationError(_("Choose the measure."), field="kind")
    if not facts.strip():
        raise ApplicationError(_("State the facts."), field="facts")
    _not_future(proposed_on, "proposed_on")
    decided_here = kind in OFFICE_DECIDES
    measure = DisciplinaryMeasure(
        subject=subject,
        kind=kind,
        facts=facts.strip(),
        rule=rule,
        proposed_on=proposed_on,
        status=MeasureStatus.DECIDED if decided_here else MeasureStatus.PROPOSED,
        decided_on=proposed_on if decided_here else None,
        decided_by=actor if decided_here else None,
        created_by=actor,
    )
    return _add_child(measure, actor=actor, action="create", subject=subject)  # type: ignore[no-any-return]


@transaction.atomic
def measure_decide(
    *,
    actor: Any,
    measure: DisciplinaryMeasure,
    approve: bool,
    note: str,
    decided_on: date,
    version: int | None = None,
) -> DisciplinaryMeasure:
    """The district bureau decides a proposed warning or proposal to the police or court."""
    _require_district(actor, measure.subject)
    if measure.status != MeasureStatus.PROPOSED:
        raise ApplicationError(_("This measure has already been decided."))
    _not_future(decided_on, "decided_on")
    _not_before(decided_on, measure.proposed_on, "decided_on", _("the proposal"))
    if not approve and not note.strip():
        raise ApplicationError(_("State the reason for not approving."), field="note")
    measure.status = MeasureStatus.DECIDED if approve else MeasureStatus.REJECTED
    measure.decided_on = decided_on
    measure.decided_by = actor
    measure.decision_note = note.strip()
    if version is not None:
        measure.version = version
    measure.full_clean()
    measure.save()
    assert_in_scope(measure, actor, "change")
    audit.record(
        "decide",
        actor=actor,
        obj=measure,
        changes={"fields": ["decided_by", "decided_on", "decision_note", "status"]},
    )
    return measure


# The end ------------------------------------------------------------------------------------


@transaction.atomic
def subject_end(
    *,
    actor: Any,
    subject: CorrectionSubject,
    reason: str,
    ended_on: date,
    note: str = "",
    version: int | None = None,
) -> CorrectionSubject:
    """End the correction: 解矫 at the end of the period (certificate, then resettlement),
    or 终止 by revocation, imprisonment or death."""
    _require_office(actor, subject)
    if reason not in EndReason.values:
        raise ApplicationError(_("Choose how the correction ends."), field="reason")
    allowed: tuple[str, ...] = (SubjectStatus.UNDER_CORRECTION,)
    if reason != EndReason.PERIOD_END:
        allowed = (SubjectStatus.AWAITING_REPORT, SubjectStatus.UNDER_CORRECTION)
    _require_status(subject, allowed, _("ending the correction"))
    _not_future(ended_on, "ended_on")
    if reason == EndReason.PERIOD_END and ended_on < subject.period_end:
        raise ApplicationError(
            _("The correction period runs until %(date)s; it cannot be ended as completed before.")
            % {"date": subject.period_end},
            field="ended_on",
        )
    _not_before(ended_on, subject.period_start, "ended_on", _("the start of the period"))
    subject.status = END_STATUS[EndReason(reason)]
    subject.end_reason = reason
    subject.ended_on = ended_on
    subject.end_note = note.strip()
    fields = ["status", "end_reason", "ended_on", "end_note"]
    if reason == EndReason.PERIOD_END:
        subject.certificate_number = next_document_number(
            unit=subject.unit, doc_type_code=CERTIFICATE_DOC_TYPE, year=ended_on.year
        )
        fields.append("certificate_number")
    _save_subject(subject, actor=actor, version=version, action="end", fields=fields)
    if reason == EndReason.PERIOD_END:
        from sifasuo.resettlement.services import released_person_from_correction

        released_person_from_correction(
            actor=actor,
            person=subject.person,
            office=subject.unit,
            release_type=RELEASE_TYPE[subject.category],
            released_on=ended_on,
            crime=subject.crime,
            sentence=subject.sentence,
            source_reference=str(subject.public_id),
        )
    return subject


# Reveal -------------------------------------------------------------------------------------


def subject_reveal(*, actor: Any, subject: CorrectionSubject, field: str, reason: str) -> str:
    """Return one criminal-history value unmasked, for a role that may reveal; audited."""
    from django.core.exceptions import PermissionDenied

    from sifasuo.core.choices import AuditOutcome
    from sifasuo.correction.models import CRIMINAL_FIELDS

    if field not in CRIMINAL_FIELDS:
        raise ApplicationError(_("This field cannot be revealed."))
    if not reason.strip():
        raise ApplicationError(_("State the reason for revealing this value."), field="reason")
    allowed = CorrectionSubject.objects.visible_to(actor, "reveal").filter(pk=subject.pk).exists()
    if not allowed:
        audit.record(
            "reveal",
            actor=actor,
            obj=subject,
            outcome=AuditOutcome.DENIED,
            changes={"field": field},
        )
        raise PermissionDenied
    with transaction.atomic():
        audit.record(
            "reveal", actor=actor, obj=subject, reason=reason.strip(), changes={"field": field}
        )
    return str(getattr(subject, field))
