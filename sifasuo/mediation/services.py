"""Every write of the mediation ledger: one function per step, in a transaction, audited.

The case moves REGISTERED → ACCEPTED | REFUSED → INVESTIGATING → MEDIATING → PERFORMING |
TERMINATED → VISITED → CLOSED (DOMAIN.md §2.2). Each step checks the status it starts
from, writes its fields, audits, and checks the case is still in the actor's scope.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core import applications, audit, imported_files
from sifasuo.core.applications import ApplicationStatus
from sifasuo.core.attachments import attachment_create
from sifasuo.core.calendar import due_date
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.crypto import sm3
from sifasuo.core.errors import ApplicationError
from sifasuo.core.numbering import next_document_number
from sifasuo.core.scope import assert_in_scope, may_act_at, unit_reach_q
from sifasuo.core.xlsx import ROW_KEY, read_rows
from sifasuo.mediation.choices import (
    MOVING_TRANSFERS,
    OPEN_STATUSES,
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
    TransferStatus,
)
from sifasuo.mediation.ledger import IMPORT_HEADERS, code_for
from sifasuo.mediation.models import (
    CaseParty,
    CaseRecord,
    CaseTransfer,
    CommitteeProfile,
    DisputeCategory,
    MediationCase,
    Mediator,
    ReturnVisit,
    ScreeningItem,
    ScreeningReport,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.orgs.services import ImportResult, RowError
from sifasuo.people import idnumbers
from sifasuo.people import services as people_services
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.models import Person

CASE_DOC_TYPE = "mediation.case"


@dataclass(frozen=True)
class PartyInput:
    """A party as entered at intake: an existing person, a person to register, or an org."""

    role: str
    name: str = ""
    kind: str = PartyKind.PERSON
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    sex: str = Sex.UNKNOWN
    person: Person | None = None


def _require_committee(unit: Unit) -> None:
    if unit.kind != UnitKind.COMMITTEE:
        raise ApplicationError(
            _("Cases are registered by a mediation committee; choose a committee."),
            field="committee",
        )


def _require_status(case: MediationCase, allowed: Iterable[str], step: str) -> None:
    if case.status not in allowed:
        raise ApplicationError(
            _("The case is “%(status)s”; it cannot be %(step)s now.")
            % {"status": case.get_status_display(), "step": step}
        )


def _save(
    case: MediationCase, *, actor: Any, version: int | None, action: str, fields: list[str]
) -> MediationCase:
    """Validate, save at the loaded version, audit the step and check scope."""
    if version is not None:
        case.version = version
    case.full_clean()
    case.save()
    assert_in_scope(case, actor, "change")
    audit.record(action, actor=actor, obj=case, changes={"fields": sorted(fields)})
    return case


def _not_before(day: date, earliest: date | None, field: str, label: str) -> None:
    if earliest and day < earliest:
        raise ApplicationError(
            _("The date cannot be before %(label)s (%(date)s).")
            % {"label": label, "date": earliest},
            field=field,
        )
    if day > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field=field)


def party_person(*, actor: Any, unit: Unit, party: PartyInput) -> Person:
    """Return the registry person for a party: found by document number, else registered.

    Enter once: a number already in the registry links that person (under the same name
    only, so a typing error does not attach someone else).
    """
    if party.person is not None:
        return party.person
    name = party.name.strip()
    if not name:
        raise ApplicationError(_("Enter the party's name."), field="parties")
    if party.id_number:
        number = idnumbers.normalize(party.id_number)
        index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
        existing = Person.objects.filter(id_type=party.id_type, id_number_bidx=index).first()
        if existing is not None:
            if existing.name != name:
                raise ApplicationError(
                    _("This document number is registered under another name."),
                    field="parties",
                    audit_action="create",
                    audit_object_type="mediation.caseparty",
                )
            return existing
    return people_services.person_create(
        actor=actor,
        unit=unit,
        name=name,
        id_type=party.id_type,
        id_number=party.id_number,
        phone=party.phone,
        sex=party.sex,
    )


def _add_parties(*, actor: Any, case: MediationCase, parties: Sequence[PartyInput]) -> None:
    roles = {p.role for p in parties}
    if PartyRole.APPLICANT not in roles or PartyRole.RESPONDENT not in roles:
        raise ApplicationError(
            _("A case needs at least one applicant and one respondent."), field="parties"
        )
    for party in parties:
        _party_row(actor=actor, case=case, party=party).save()


def _party_row(*, actor: Any, case: MediationCase, party: PartyInput) -> CaseParty:
    """A validated, unsaved party row: an organisation by name, or a registry person."""
    if party.kind == PartyKind.ORGANISATION:
        if not party.name.strip():
            raise ApplicationError(_("Enter the organisation's name."), field="parties")
        row = CaseParty(
            case=case,
            role=party.role,
            kind=PartyKind.ORGANISATION,
            organisation_name=party.name.strip(),
            created_by=actor,
        )
    else:
        person = party_person(actor=actor, unit=case.unit, party=party)
        if case.pk and case.parties.filter(person=person).exists():
            raise ApplicationError(_("This person is a party to the case already."))
        row = CaseParty(
            case=case, role=party.role, kind=PartyKind.PERSON, person=person, created_by=actor
        )
    row.full_clean()
    return row


@transaction.atomic
def case_register(
    *,
    actor: Any,
    committee: Unit,
    source: str,
    category: DisputeCategory,
    summary: str,
    received_on: date,
    parties: Sequence[PartyInput],
    referral_organ: str = "",
    amount_involved: Decimal = Decimal("0"),
    people_involved: int = 2,
    screening_item: ScreeningItem | None = None,
) -> MediationCase:
    """Register an intake (受理登记) at ``committee`` and give it the year's next number."""
    _require_committee(committee)
    if not may_act_at(actor, committee, MediationCase, "create") and actor is not None:
        raise PermissionDenied
    if source != CaseSource.REFERRAL:
        referral_organ = ""
    if not summary.strip():
        raise ApplicationError(_("Describe the dispute."), field="summary")
    if received_on > timezone.localdate():
        raise ApplicationError(_("The date received cannot be in the future."), field="received_on")
    case = MediationCase(
        unit=committee,
        registered_unit=committee,
        source=source,
        referral_organ=referral_organ,
        category=category,
        summary=summary.strip(),
        amount_involved=amount_involved,
        people_involved=people_involved,
        received_on=received_on,
        decision_due=due_date("mediation.intake_decision", received_on),
        screening_item=screening_item,
        created_by=actor,
        number=next_document_number(
            unit=committee, doc_type_code=CASE_DOC_TYPE, year=received_on.year
        ),
    )
    case.full_clean()
    case.save()
    _add_parties(actor=actor, case=case, parties=parties)
    assert_in_scope(case, actor, "create")
    audit.record(
        "create",
        actor=actor,
        obj=case,
        changes={"fields": ["category", "parties", "received_on", "source", "summary"]},
    )
    return case


@transaction.atomic
def case_add_party(*, actor: Any, case: MediationCase, party: PartyInput) -> CaseParty:
    """Add a further applicant or respondent to a case not yet concluded."""
    _require_status(case, [CaseStatus.REGISTERED, *OPEN_STATUSES], _("given another party"))
    row = _party_row(actor=actor, case=case, party=party)
    row.save()
    assert_in_scope(case, actor, "change")
    audit.record("create", actor=actor, obj=row, changes={"fields": ["role"], "case": case.number})
    return row


@transaction.atomic
def case_accept(
    *,
    actor: Any,
    case: MediationCase,
    accepted_on: date,
    mediators: Sequence[Mediator] = (),
    version: int | None = None,
) -> MediationCase:
    """Accept the intake (受理): the month to conclude starts from ``accepted_on``."""
    _require_status(case, [CaseStatus.REGISTERED], _("accepted"))
    _not_before(accepted_on, case.received_on, "accepted_on", _("the date received"))
    foreign = [m for m in mediators if m.unit_id != case.unit_id]
    if foreign:
        raise ApplicationError(
            _("Choose mediators of the committee handling the case."), field="mediators"
        )
    case.status = CaseStatus.ACCEPTED
    case.accepted_on = accepted_on
    case.accepted_unit = case.unit
    case.conclude_due = due_date("mediation.conclude", accepted_on)
    _save(
        case,
        actor=actor,
        version=version,
        action="accept",
        fields=["accepted_on", "conclude_due", "mediators", "status"],
    )
    if mediators:
        case.mediators.set(mediators)
    applications.progress(
        record=case,
        status=ApplicationStatus.IN_PROGRESS,
        message=_(
            "%(committee)s has accepted your application for mediation (case %(number)s). "
            "A mediator will contact you."
        )
        % {"committee": case.unit.name, "number": case.number},
        actor=actor,
    )
    return case


@transaction.atomic
def case_refuse(
    *,
    actor: Any,
    case: MediationCase,
    reason: str,
    note: str = "",
    version: int | None = None,
) -> MediationCase:
    """Refuse the intake with one of the legal reasons (art. 17; 若干规定)."""
    _require_status(case, [CaseStatus.REGISTERED], _("refused"))
    if reason not in RefusalReason.values:
        raise ApplicationError(_("Choose the reason for not accepting."), field="reason")
    case.status = CaseStatus.REFUSED
    case.refusal_reason = reason
    case.refusal_note = note.strip()
    case = _save(
        case,
        actor=actor,
        version=version,
        action="refuse",
        fields=["refusal_note", "refusal_reason", "status"],
    )
    applications.progress(
        record=case,
        status=ApplicationStatus.REJECTED,
        message=" ".join(
            part
            for part in (
                _("The committee cannot accept the application: %(reason)s.")
                % {"reason": case.get_refusal_reason_display()},
                case.refusal_note,
            )
            if part
        ),
        actor=actor,
    )
    return case


@transaction.atomic
def case_add_record(
    *,
    actor: Any,
    case: MediationCase,
    kind: str,
    held_on: date,
    content: str,
    place: str = "",
    mediators: Sequence[Mediator] = (),
    files: Sequence[Any] = (),
) -> CaseRecord:
    """File an investigation, evidence or mediation-session record (调解记录 art. 27)."""
    _require_status(case, OPEN_STATUSES, _("given a record"))
    _not_before(held_on, case.accepted_on, "held_on", _("the date accepted"))
    if not content.strip():
        raise ApplicationError(_("Write the record."), field="content")
    record = CaseRecord(
        case=case,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        content=content.strip(),
        created_by=actor,
    )
    record.full_clean()
    record.save()
    if mediators:
        record.mediators.set(mediators)
    new_status = CaseStatus.MEDIATING if kind == RecordKind.SESSION else CaseStatus.INVESTIGATING
    if case.status != CaseStatus.MEDIATING and case.status != new_status:
        case.status = new_status
        case.save()
    assert_in_scope(case, actor, "change")
    audit.record(
        "create", actor=actor, obj=record, changes={"fields": ["content", "held_on", "kind"]}
    )
    for uploaded in files:
        attachment_create(actor=actor, unit=case.unit, uploaded=uploaded, owner=record)
    return record


@transaction.atomic
def case_extend(
    *, actor: Any, case: MediationCase, consent: str, extended_on: date, version: int | None = None
) -> MediationCase:
    """Extend the time to conclude once, with both parties' consent on record."""
    _require_status(case, OPEN_STATUSES, _("extended"))
    if case.extended_on is not None:
        raise ApplicationError(_("The time to conclude can be extended only once."))
    if not consent.strip():
        raise ApplicationError(
            _("Record how both parties consented to the extension."), field="consent"
        )
    _not_before(extended_on, case.accepted_on, "extended_on", _("the date accepted"))
    case.extended_on = extended_on
    case.extension_consent = consent.strip()
    case.conclude_due = due_date("mediation.extension", case.conclude_due or extended_on)
    return _save(
        case,
        actor=actor,
        version=version,
        action="extend",
        fields=["conclude_due", "extended_on", "extension_consent"],
    )


@transaction.atomic
def case_conclude(
    *,
    actor: Any,
    case: MediationCase,
    outcome: str,
    concluded_on: date,
    facts: str = "",
    agreement_terms: str = "",
    performance_manner: str = "",
    performance_deadline: date | None = None,
    agreement_amount: Decimal = Decimal("0"),
    routes_informed: bool = False,
    termination_note: str = "",
    version: int | None = None,
) -> MediationCase:
    """Record the outcome: a written or oral agreement (art. 28–29), or the end (art. 26)."""
    _require_status(case, OPEN_STATUSES, _("concluded"))
    _not_before(concluded_on, case.accepted_on, "concluded_on", _("the date accepted"))
    if outcome not in Outcome.values:
        raise ApplicationError(_("Choose the outcome."), field="outcome")
    fields = ["concluded_on", "outcome", "status"]
    if outcome == Outcome.FAILED:
        if not routes_informed:
            raise ApplicationError(
                _(
                    "Tell the parties of the arbitration, administrative and judicial routes "
                    "before ending the mediation (art. 26), and tick the box."
                ),
                field="routes_informed",
            )
        case.status = CaseStatus.TERMINATED
        case.routes_informed = True
        case.termination_note = termination_note.strip()
        fields += ["routes_informed", "termination_note"]
    else:
        if not agreement_terms.strip():
            raise ApplicationError(_("Write the agreed terms."), field="agreement_terms")
        if outcome == Outcome.WRITTEN and not (facts.strip() and performance_manner.strip()):
            raise ApplicationError(
                _(
                    "A written agreement states the facts and liability and the manner and "
                    "time of performance (art. 29)."
                ),
                field="facts" if not facts.strip() else "performance_manner",
            )
        if performance_deadline is not None and performance_deadline < concluded_on:
            raise ApplicationError(
                _("The performance deadline cannot be before the agreement."),
                field="performance_deadline",
            )
        case.status = CaseStatus.PERFORMING
        case.facts = facts.strip()
        case.agreement_terms = agreement_terms.strip()
        case.performance_manner = performance_manner.strip()
        case.performance_deadline = performance_deadline
        case.agreement_amount = agreement_amount
        case.performance = Performance.PENDING
        case.return_visit_due = due_date(
            "mediation.return_visit", performance_deadline or concluded_on
        )
        fields += [
            "agreement_amount",
            "agreement_terms",
            "facts",
            "performance_deadline",
            "performance_manner",
            "return_visit_due",
        ]
        if outcome == Outcome.WRITTEN:
            # 人民调解法 art. 33: joint application within 30 days of the agreement.
            case.confirmation_due = due_date("mediation.judicial_confirmation", concluded_on)
            fields.append("confirmation_due")
    case.outcome = outcome
    case.concluded_on = concluded_on
    case = _save(case, actor=actor, version=version, action="conclude", fields=fields)
    applications.progress(
        record=case,
        status=ApplicationStatus.COMPLETED,
        message=(
            _(
                "The mediation has ended without an agreement. You may still apply for "
                "arbitration, an administrative decision or sue in court."
            )
            if outcome == Outcome.FAILED
            else _("The parties reached an agreement (%(outcome)s).")
            % {"outcome": case.get_outcome_display()}
        ),
        actor=actor,
    )
    return case


@transaction.atomic
def case_apply_confirmation(
    *,
    actor: Any,
    case: MediationCase,
    applied_on: date,
    court: str,
    version: int | None = None,
) -> MediationCase:
    """Record the parties' joint application for judicial confirmation (art. 33)."""
    if case.outcome != Outcome.WRITTEN or case.status not in (
        CaseStatus.PERFORMING,
        CaseStatus.VISITED,
    ):
        raise ApplicationError(_("Judicial confirmation is for a written agreement in force."))
    if case.confirmation_applied_on is not None:
        raise ApplicationError(_("The application for judicial confirmation is on record already."))
    _not_before(applied_on, case.concluded_on, "applied_on", _("the agreement"))
    if case.confirmation_due and applied_on > case.confirmation_due:
        raise ApplicationError(
            _(
                "The 30 days for a joint application ended on %(date)s (art. 33); the parties "
                "may sue or mediate again instead."
            )
            % {"date": case.confirmation_due},
            field="applied_on",
        )
    if not court.strip():
        raise ApplicationError(_("Name the court."), field="court")
    case.confirmation_applied_on = applied_on
    case.confirmation_court = court.strip()
    case.confirmation_result = ConfirmationResult.PENDING
    return _save(
        case,
        actor=actor,
        version=version,
        action="apply_confirmation",
        fields=["confirmation_applied_on", "confirmation_court", "confirmation_result"],
    )


@transaction.atomic
def case_record_confirmation(
    *, actor: Any, case: MediationCase, result: str, version: int | None = None
) -> MediationCase:
    """Record the court's decision on the judicial confirmation."""
    if case.confirmation_result != ConfirmationResult.PENDING:
        raise ApplicationError(_("No application for judicial confirmation awaits a decision."))
    if result not in (ConfirmationResult.VALID, ConfirmationResult.INVALID):
        raise ApplicationError(_("Choose the court's decision."), field="result")
    case.confirmation_result = result
    return _save(
        case, actor=actor, version=version, action="record_confirmation", fields=["result"]
    )


@transaction.atomic
def case_return_visit(
    *,
    actor: Any,
    case: MediationCase,
    visited_on: date,
    method: str,
    performance: str,
    satisfaction: str,
    notes: str = "",
) -> ReturnVisit:
    """Record a return visit (回访) and the performance found; the case waits to be closed."""
    _require_status(case, [CaseStatus.PERFORMING, CaseStatus.VISITED], _("visited"))
    _not_before(visited_on, case.concluded_on, "visited_on", _("the agreement"))
    if performance == Performance.PENDING:
        raise ApplicationError(_("Record what the visit found."), field="performance")
    visit = ReturnVisit(
        case=case,
        visited_on=visited_on,
        method=method,
        performance=performance,
        satisfaction=satisfaction,
        notes=notes.strip(),
        created_by=actor,
    )
    visit.full_clean()
    visit.save()
    case.performance = performance
    case.status = CaseStatus.VISITED
    _save(case, actor=actor, version=None, action="return_visit", fields=["performance", "status"])
    audit.record(
        "create", actor=actor, obj=visit, changes={"fields": ["performance", "visited_on"]}
    )
    return visit


@transaction.atomic
def case_close(
    *,
    actor: Any,
    case: MediationCase,
    closed_on: date,
    note: str = "",
    version: int | None = None,
) -> MediationCase:
    """Close the case and file it (立卷归档, art. 27)."""
    _require_status(
        case, [CaseStatus.VISITED, CaseStatus.TERMINATED, CaseStatus.REFUSED], _("closed")
    )
    earliest = case.concluded_on or case.received_on
    _not_before(closed_on, earliest, "closed_on", _("the last step"))
    case.status = CaseStatus.CLOSED
    case.closed_on = closed_on
    case.archive_note = note.strip()
    case = _save(
        case, actor=actor, version=version, action="close", fields=["archive_note", "closed_on"]
    )
    if case.outcome:
        applications.progress(
            record=case,
            status=ApplicationStatus.COMPLETED,
            message=_("The case has been closed and filed."),
            actor=actor,
        )
    return case


# Transfers (Primero-style: the receiver accepts or rejects) ------------------------------


@transaction.atomic
def case_transfer_request(
    *, actor: Any, case: MediationCase, to_unit: Unit, kind: str, reason: str
) -> CaseTransfer:
    """Ask another committee to take over (transfer, escalate) or help with (refer) a case.

    The receiver may view the case while it decides.
    """
    _require_status(case, [CaseStatus.REGISTERED, *OPEN_STATUSES], _("transferred"))
    if actor is not None and not (
        MediationCase.objects.visible_to(actor, "change").filter(pk=case.pk).exists()
    ):
        raise PermissionDenied
    _require_committee(to_unit)
    if to_unit.pk == case.unit_id:
        raise ApplicationError(_("The case is already with this committee."), field="to_unit")
    if not reason.strip():
        raise ApplicationError(_("Give the reason."), field="reason")
    if CaseTransfer.objects.filter(case=case, status=TransferStatus.PENDING).exists():
        raise ApplicationError(_("A transfer of this case already awaits its receiver."))
    transfer = CaseTransfer(
        case=case,
        unit=case.unit,
        to_unit=to_unit,
        kind=kind,
        reason=reason.strip(),
        created_by=actor,
    )
    transfer.full_clean()
    transfer.save()
    case.shared_with.add(to_unit)
    audit.record(
        "create",
        actor=actor,
        obj=transfer,
        changes={"fields": ["kind", "to_unit"], "case": case.number},
    )
    return transfer


def _require_receiver(actor: Any, transfer: CaseTransfer) -> None:
    if transfer.status != TransferStatus.PENDING:
        raise ApplicationError(_("This transfer has been decided already."))
    if actor is not None and not may_act_at(actor, transfer.to_unit, MediationCase, "change"):
        audit.record("decide", actor=actor, obj=transfer, outcome="DENIED")
        raise PermissionDenied


@transaction.atomic
def transfer_accept(*, actor: Any, transfer: CaseTransfer, note: str = "") -> CaseTransfer:
    """Accept a transfer: a transfer moves the case to the receiver; a referral shares it.

    Either way the case is counted where it was accepted, and the sender keeps sight of it.
    """
    _require_receiver(actor, transfer)
    case = transfer.case
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_at = timezone.now()
    transfer.decided_by = actor
    transfer.decision_note = note.strip()
    transfer.save()
    if transfer.kind in MOVING_TRANSFERS:
        case.shared_with.add(case.unit)
        case.shared_with.remove(transfer.to_unit)
        case.unit = transfer.to_unit
        case.save()
        case.mediators.clear()
    audit.record(
        "accept", actor=actor, obj=transfer, changes={"fields": ["status"], "case": case.number}
    )
    audit.record("transfer", actor=actor, obj=case, changes={"fields": ["unit"]})
    return transfer


@transaction.atomic
def transfer_reject(*, actor: Any, transfer: CaseTransfer, note: str) -> CaseTransfer:
    """Reject a transfer with a reason; the case stays where it was."""
    _require_receiver(actor, transfer)
    if not note.strip():
        raise ApplicationError(_("Give the reason for rejecting."), field="note")
    transfer.status = TransferStatus.REJECTED
    transfer.decided_at = timezone.now()
    transfer.decided_by = actor
    transfer.decision_note = note.strip()
    transfer.save()
    transfer.case.shared_with.remove(transfer.to_unit)
    audit.record("reject", actor=actor, obj=transfer, changes={"fields": ["status"]})
    return transfer


# Committees and mediators -----------------------------------------------------------------


@transaction.atomic
def committee_profile_save(
    *,
    actor: Any,
    committee: Unit,
    committee_type: str,
    served_division: Division | None = None,
    served_place: str = "",
    established_on: date | None = None,
    term_start: date | None = None,
    term_end: date | None = None,
    version: int | None = None,
) -> CommitteeProfile:
    """Create or change a committee's mediation profile."""
    _require_committee(committee)
    profile = CommitteeProfile.objects.filter(unit=committee).first()
    created = profile is None
    if profile is None:
        profile = CommitteeProfile(unit=committee, created_by=actor)
    elif version is not None:
        profile.version = version
    if term_start and not term_end:
        # 人民调解法 art. 9 [U]: a three-year term unless stated.
        term_end = term_start.replace(year=term_start.year + 3) - timedelta(days=1)
    profile.committee_type = committee_type
    profile.served_division = served_division
    profile.served_place = served_place.strip()
    profile.established_on = established_on
    profile.term_start = term_start
    profile.term_end = term_end
    profile.full_clean()
    profile.save()
    assert_in_scope(profile, actor, "create" if created else "change")
    audit.record(
        "create" if created else "update",
        actor=actor,
        obj=profile,
        changes={"fields": ["committee_type", "served_division", "term_end", "term_start"]},
    )
    return profile


@transaction.atomic
def mediator_add(
    *,
    actor: Any,
    committee: Unit,
    person: Person,
    position: str = MediatorPosition.MEMBER,
    employment: str = Employment.PART_TIME,
    joined_on: date | None = None,
    training_hours: Decimal = Decimal("0"),
    training_note: str = "",
) -> Mediator:
    """Add a person of the registry to a committee as a mediator."""
    _require_committee(committee)
    if Mediator.objects.filter(unit=committee, person=person).exists():
        raise ApplicationError(_("This person is already a mediator of the committee."))
    if (
        position == MediatorPosition.DIRECTOR
        and Mediator.objects.filter(
            unit=committee, position=MediatorPosition.DIRECTOR, is_active=True
        ).exists()
    ):
        raise ApplicationError(_("The committee has a director already."), field="position")
    mediator = Mediator(
        unit=committee,
        person=person,
        position=position,
        employment=employment,
        joined_on=joined_on,
        training_hours=training_hours,
        training_note=training_note.strip(),
        created_by=actor,
    )
    mediator.full_clean()
    mediator.save()
    assert_in_scope(mediator, actor, "create")
    audit.record("create", actor=actor, obj=mediator, changes={"fields": ["person", "position"]})
    return mediator


@transaction.atomic
def mediator_update(*, actor: Any, mediator: Mediator, version: int, **changes: Any) -> Mediator:
    """Change a mediator's position, employment, training or activity."""
    editable = {
        "position",
        "employment",
        "joined_on",
        "training_hours",
        "training_note",
        "is_active",
    }
    unknown = set(changes) - editable
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = {f: getattr(mediator, f) for f in editable}
    for name, value in changes.items():
        setattr(mediator, name, value)
    if (
        mediator.position == MediatorPosition.DIRECTOR
        and mediator.is_active
        and Mediator.objects.filter(
            unit=mediator.unit_id, position=MediatorPosition.DIRECTOR, is_active=True
        )
        .exclude(pk=mediator.pk)
        .exists()
    ):
        raise ApplicationError(_("The committee has a director already."), field="position")
    mediator.version = version
    mediator.full_clean()
    mediator.save()
    assert_in_scope(mediator, actor, "change")
    after = {f: getattr(mediator, f) for f in editable}
    audit.record(
        "update", actor=actor, obj=mediator, changes={"fields": audit.changed_fields(before, after)}
    )
    return mediator


# Dispute screening ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningItemInput:
    category: DisputeCategory
    description: str
    risk_level: str = RiskLevel.LOW
    people_involved: int = 2


@transaction.atomic
def screening_report_create(
    *,
    actor: Any,
    unit: Unit,
    division: Division,
    period: date,
    reported_on: date,
    items: Sequence[ScreeningItemInput] = (),
    note: str = "",
) -> ScreeningReport:
    """File a screening report for a month; no items is a "no dispute" report (零上报)."""
    period = period.replace(day=1)
    if ScreeningReport.objects.filter(unit=unit, division=division, period=period).exists():
        raise ApplicationError(
            _("A screening report for this place and month is on file already."), field="period"
        )
    if reported_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="reported_on")
    levels = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
    overall = max((levels.index(RiskLevel(i.risk_level)) for i in items), default=0)
    report = ScreeningReport(
        unit=unit,
        division=division,
        period=period,
        reported_on=reported_on,
        no_dispute=not items,
        risk_level=levels[overall],
        note=note.strip(),
        created_by=actor,
    )
    report.full_clean()
    report.save()
    for item in items:
        if not item.description.strip():
            raise ApplicationError(_("Describe each dispute found."), field="items")
        row = ScreeningItem(
            report=report,
            category=item.category,
            description=item.description.strip(),
            risk_level=item.risk_level,
            people_involved=item.people_involved,
            created_by=actor,
        )
        row.full_clean(exclude=["report"])
        row.save()
    assert_in_scope(report, actor, "create")
    audit.record(
        "create", actor=actor, obj=report, changes={"fields": ["division", "items", "period"]}
    )
    return report


def committee_for_screening(report: ScreeningReport) -> Unit:
    """The committee that takes a screened dispute: the reporter, or the office's first."""
    if report.unit.kind == UnitKind.COMMITTEE:
        return report.unit
    committee = (
        Unit.objects.filter(parent=report.unit, kind=UnitKind.COMMITTEE).order_by("code").first()
    )
    if committee is None:
        raise ApplicationError(_("The office has no mediation committee to take the dispute."))
    return committee


@transaction.atomic
def screening_item_to_case(
    *,
    actor: Any,
    item: ScreeningItem,
    parties: Sequence[PartyInput],
    received_on: date,
    committee: Unit | None = None,
) -> MediationCase:
    """Register a screened dispute as a case (主动调解), linked to the screening."""
    if ScreeningItem.objects.filter(pk=item.pk, case__isnull=False).exists():
        raise ApplicationError(_("This dispute has become a case already."))
    return case_register(
        actor=actor,
        committee=committee or committee_for_screening(item.report),
        source=CaseSource.INITIATIVE,
        category=item.category,
        summary=item.description,
        received_on=received_on,
        parties=parties,
        people_involved=item.people_involved,
        screening_item=item,
    )


def committee_type_for(unit: Unit) -> str:
    """The default type of a committee: town if its division is a town, else village."""
    division = unit.division
    if division is not None and division.level == "village":
        return CommitteeType.VILLAGE
    return CommitteeType.TOWN


def may_receive(actor: Any, transfer: CaseTransfer) -> bool:
    """Whether ``actor`` may decide on ``transfer`` (at or above the receiving committee)."""
    return transfer.status == TransferStatus.PENDING and may_act_at(
        actor, transfer.to_unit, MediationCase, "change"
    )


@transaction.atomic
def mediator_register(*, actor: Any, committee: Unit, party: PartyInput, **fields: Any) -> Mediator:
    """Add a mediator found by document number in the registry, or registered now."""
    person = party_person(actor=actor, unit=committee, party=party)
    return mediator_add(actor=actor, committee=committee, person=person, **fields)


def screening_units(user: Any) -> Any:
    """Units that may file screening reports for ``user``: committees and offices in reach."""
    return Unit.objects.filter(
        unit_reach_q(user, ScreeningReport, "create"),
        kind__in=[UnitKind.OFFICE, UnitKind.COMMITTEE],
        is_active=True,
    ).order_by("path")


# Import of an existing ledger ---------------------------------------------------------------

IMPORTED_MARK = "（历史台账导入）"
IMPORT_KIND = "mediation.mediationcase"


class _RollBack(Exception):  # noqa: N818 - control flow: undo the whole import
    pass


def _cell_date(text: str) -> date | None:
    text = text.strip().replace("/", "-").replace(".", "-")[:10]
    if not text:
        return None
    return date.fromisoformat(text)


def _cell_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip() or "0").quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if value < 0:
        raise ValueError(text)
    return value


def _import_parties(row: dict[str, str]) -> list[PartyInput]:
    parties = []
    for role, name_col, id_col in (
        (PartyRole.APPLICANT, "申请人", "申请人证件号码"),
        (PartyRole.RESPONDENT, "被申请人", "被申请人证件号码"),
    ):
        number = row[id_col].strip()
        if "*" in number:  # a masked number from our own export: no number
            number = ""
        if number and not idnumbers.is_valid(idnumbers.normalize(number)):
            raise ApplicationError(str(idnumbers.INVALID), field=id_col)  # names the column
        parties.append(PartyInput(role=role, name=row[name_col].strip(), id_number=number))
    return parties


def _parse_import_row(row: dict[str, str], categories: dict[str, DisputeCategory]) -> Any:
    """Return the row's values, or raise ``ApplicationError`` naming the column."""

    def fail(column: str, message: str) -> ApplicationError:
        return ApplicationError(message, field=column)

    values: dict[str, Any] = {"number": row["案件编号"].strip()}
    for column, key in (
        ("登记日期", "received_on"),
        ("受理日期", "accepted_on"),
        ("调结日期", "concluded_on"),
        ("履行期限", "performance_deadline"),
    ):
        try:
            values[key] = _cell_date(row[column])
        except ValueError:
            raise fail(column, _("Not a date (use 2024-03-05).")) from None
    if values["received_on"] is None:
        raise fail("登记日期", _("Required."))
    source = (
        code_for(CaseSource, row["案件来源"]) if row["案件来源"].strip() else CaseSource.APPLICATION
    )
    if source is None:
        raise fail("案件来源", _("Unknown source."))
    values["source"] = source
    organ = row["委托移送机关"].strip()
    values["referral_organ"] = ""
    if organ:
        values["referral_organ"] = code_for(ReferralOrgan, organ)
        if values["referral_organ"] is None:
            raise fail("委托移送机关", _("Unknown organ."))
    category = categories.get(row["纠纷类别"].strip())
    if category is None:
        raise fail("纠纷类别", _("Unknown dispute category."))
    values["category"] = category
    outcome_text = row["调解结果"].strip()
    values["outcome"] = code_for(Outcome, outcome_text) if outcome_text else ""
    if values["outcome"] is None:
        raise fail("调解结果", _("Unknown outcome."))
    if values["outcome"] and not (values["accepted_on"] and values["concluded_on"]):
        raise fail("调结日期", _("An outcome needs the dates accepted and concluded."))
    for column, key in (
        ("涉案金额（元）", "amount_involved"),
        ("协议金额（元）", "agreement_amount"),
    ):
        try:
            values[key] = _cell_decimal(row[column])
        except ValueError:
            raise fail(column, _("Not an amount in yuan.")) from None
    try:
        values["people_involved"] = int(row["涉及人数"].strip() or "2")
    except ValueError:
        raise fail("涉及人数", _("Not a whole number.")) from None
    values["summary"] = row["纠纷简要情况"].strip()
    values["parties"] = _import_parties(row)
    return values


def case_import(*, actor: Any, committee: Unit, stream: Any) -> Any:
    """Import an existing ledger into ``committee``: every row through the services, or none.

    Returns an ``ImportResult`` (created count, or the per-row errors).
    """
    if not may_act_at(actor, committee, MediationCase, "create"):
        audit.record(
            "import",
            actor=actor,
            object_type="mediation.mediationcase",
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied
    data = stream.read()
    digest = sm3(data)
    result = ImportResult()
    try:
        rows = read_rows(io.BytesIO(data), expected_headers=IMPORT_HEADERS)
    except ApplicationError as exc:
        rows = []
        result.errors.append(RowError(1, "", exc.message))
    categories = {c.name: c for c in DisputeCategory.objects.all()}
    categories.update({c.code: c for c in categories.values()})
    try:
        with transaction.atomic():
            if rows:
                imported_files.claim(kind=IMPORT_KIND, digest=digest, actor=actor)
            for row in rows:
                try:
                    values = _parse_import_row(row, categories)
                    _import_case(actor=actor, committee=committee, values=values)
                except ApplicationError as exc:
                    result.errors.append(RowError(int(row[ROW_KEY]), exc.field or "", exc.message))
                else:
                    result.created += 1
            if result.errors:
                raise _RollBack
            audit.record(
                "import_committed",
                actor=actor,
                object_type=IMPORT_KIND,
                changes={"sm3": digest, "created": result.created, "committee": committee.code},
            )
    except _RollBack:
        result.created = 0
    except imported_files.DuplicateImport as duplicate:
        result.errors.append(RowError(0, "", duplicate.message))
    if result.errors:
        imported_files.record_rejected(
            actor=actor, kind=IMPORT_KIND, digest=digest, errors=len(result.errors)
        )
    return result


def _import_case(*, actor: Any, committee: Unit, values: dict[str, Any]) -> MediationCase:
    with transaction.atomic():
        case = case_register(
            actor=actor,
            committee=committee,
            source=values["source"],
            referral_organ=values["referral_organ"],
            category=values["category"],
            summary=values["summary"] or IMPORTED_MARK,
            received_on=values["received_on"],
            parties=values["parties"],
            amount_involved=values["amount_involved"],
            people_involved=values["people_involved"],
        )
        if values["number"]:
            case.archive_note = f"原编号：{values['number']}"
            case.save()
        if values["accepted_on"]:
            case_accept(actor=actor, case=case, accepted_on=values["accepted_on"])
        if values["outcome"]:
            failed = values["outcome"] == Outcome.FAILED
            case_conclude(
                actor=actor,
                case=case,
                outcome=values["outcome"],
                concluded_on=values["concluded_on"],
                facts=values["summary"] or IMPORTED_MARK,
                agreement_terms="" if failed else IMPORTED_MARK,
                performance_manner="" if failed else IMPORTED_MARK,
                performance_deadline=values["performance_deadline"],
                agreement_amount=values["agreement_amount"],
                routes_informed=failed,
                termination_note=IMPORTED_MARK if failed else "",
            )
    return case
