"""Writes of the staff lists, trainings, rotations and party meetings; all audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.scope import assert_in_scope
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.models import Unit
from sifasuo.people.models import Person
from sifasuo.staff.choices import Post
from sifasuo.staff.models import Movement, PartyMeeting, StaffMember, Training

STAFF_FIELDS = (
    "establishment",
    "post",
    "is_party_member",
    "has_legal_qualification",
    "education",
    "on_post_on",
    "off_post_on",
)


@dataclass(frozen=True)
class StaffInput:
    """A staff member of a return, as a workbook row or a form gives it."""

    person: Person
    establishment: str
    on_post_on: date
    post: str = Post.STAFF
    is_party_member: bool = False
    has_legal_qualification: bool = False
    education: str = ""
    off_post_on: date | None = None


@dataclass(frozen=True)
class TrainingInput:
    person: Person
    course: str
    start_date: date
    days: Decimal = Decimal("0")
    hours: Decimal = Decimal("0")
    level: str = ""


def _staff_row(actor: Any, office_return: OfficeReturn, row: StaffInput) -> StaffMember:
    member = StaffMember(
        office_return=office_return,
        person=row.person,
        establishment=row.establishment,
        post=row.post,
        is_party_member=row.is_party_member,
        has_legal_qualification=row.has_legal_qualification,
        education=row.education,
        on_post_on=row.on_post_on,
        off_post_on=row.off_post_on,
        created_by=actor,
    )
    member.full_clean()
    return member


def _training_row(actor: Any, office_return: OfficeReturn, row: TrainingInput) -> Training:
    if row.start_date.year != office_return.year:
        raise ApplicationError(
            _("A training of the %(year)d return starts in %(year)d.")
            % {"year": office_return.year},
            field="start_date",
        )
    training = Training(
        office_return=office_return,
        person=row.person,
        course=row.course.strip(),
        start_date=row.start_date,
        days=row.days,
        hours=row.hours,
        level=row.level,
        created_by=actor,
    )
    training.full_clean()
    return training


@transaction.atomic
def staff_add(*, actor: Any, office_return: OfficeReturn, row: StaffInput) -> StaffMember:
    """Put a person of the registry on the return's staff list."""
    if StaffMember.objects.filter(office_return=office_return, person=row.person).exists():
        raise ApplicationError(_("This person is on the staff list already."), field="person")
    member = _staff_row(actor, office_return, row)
    member.save()
    assert_in_scope(member, actor, "create")
    audit.record("create", actor=actor, obj=member, changes={"fields": sorted(STAFF_FIELDS)})
    return member


@transaction.atomic
def staff_update(*, actor: Any, member: StaffMember, version: int, **changes: Any) -> StaffMember:
    """Change a staff member's establishment, post, party membership or dates."""
    unknown = set(changes) - set(STAFF_FIELDS)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = {f: getattr(member, f) for f in STAFF_FIELDS}
    for name, value in changes.items():
        setattr(member, name, value)
    member.version = version
    member.full_clean()
    member.save()
    assert_in_scope(member, actor, "change")
    after = {f: getattr(member, f) for f in STAFF_FIELDS}
    audit.record(
        "update", actor=actor, obj=member, changes={"fields": audit.changed_fields(before, after)}
    )
    return member


@transaction.atomic
def training_add(*, actor: Any, office_return: OfficeReturn, row: TrainingInput) -> Training:
    """Record a training of a staff member, in the return of the year it starts."""
    training = _training_row(actor, office_return, row)
    training.save()
    assert_in_scope(training, actor, "create")
    audit.record(
        "create", actor=actor, obj=training, changes={"fields": ["course", "days", "hours"]}
    )
    return training


@transaction.atomic
def staff_replace(
    *,
    actor: Any,
    office_return: OfficeReturn,
    staff: Sequence[StaffInput],
    trainings: Sequence[TrainingInput],
) -> dict[str, int]:
    """Replace the return's staff list and trainings (a re-imported return); each removal
    is audited. Rows identical to what is there are kept, so the same file changes nothing.
    """
    wanted = {row.person.pk: row for row in staff}
    removed = created = updated = 0
    for member in StaffMember.objects.filter(office_return=office_return).select_related("person"):
        row = wanted.pop(member.person_id, None)
        if row is None:
            audit.record("delete", actor=actor, obj=member, changes={"reason": "replaced"})
            member.delete()
            removed += 1
            continue
        values = {f: getattr(row, f) for f in STAFF_FIELDS}
        if any(getattr(member, f) != v for f, v in values.items()):
            staff_update(actor=actor, member=member, version=member.version, **values)
            updated += 1
    for row in wanted.values():
        staff_add(actor=actor, office_return=office_return, row=row)
        created += 1
    wanted_trainings = {
        (t.person.pk, t.course.strip(), t.start_date, Decimal(t.days), Decimal(t.hours)): t
        for t in trainings
    }
    for training in Training.objects.filter(office_return=office_return):
        found = (
            training.person_id,
            training.course,
            training.start_date,
            training.days,
            training.hours,
        )
        if wanted_trainings.pop(found, None) is not None:
            continue
        audit.record("delete", actor=actor, obj=training, changes={"reason": "replaced"})
        training.delete()
        removed += 1
    for wanted_training in wanted_trainings.values():
        training_add(actor=actor, office_return=office_return, row=wanted_training)
        created += 1
    return {"created": created, "updated": updated, "removed": removed}


@transaction.atomic
def staff_copy(*, actor: Any, source: OfficeReturn, target: OfficeReturn) -> int:
    """Carry the staff still on post at the end of ``source``'s year into ``target``."""
    end = date(source.year, 12, 31)
    count = 0
    for member in source.staff.select_related("person"):
        if member.on_post(end):
            row = StaffInput(**{f: getattr(member, f) for f in STAFF_FIELDS}, person=member.person)
            staff_add(actor=actor, office_return=target, row=row)
            count += 1
    return count


@transaction.atomic
def movement_add(
    *,
    actor: Any,
    office: Unit,
    person: Person,
    kind: str,
    counterpart: str,
    start_date: date,
    end_date: date | None = None,
) -> Movement:
    """Record a rotation or secondment."""
    movement = Movement(
        unit=office,
        person=person,
        kind=kind,
        counterpart=counterpart.strip(),
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    movement.full_clean()
    movement.save()
    assert_in_scope(movement, actor, "create")
    audit.record("create", actor=actor, obj=movement, changes={"fields": ["kind", "start_date"]})
    return movement


@transaction.atomic
def party_meeting_add(
    *, actor: Any, office: Unit, kind: str, held_on: date, topic: str, attendees: int = 0
) -> PartyMeeting:
    """Record a meeting of 三会一课."""
    meeting = PartyMeeting(
        unit=office,
        kind=kind,
        held_on=held_on,
        topic=topic.strip(),
        attendees=attendees,
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    assert_in_scope(meeting, actor, "create")
    audit.record("create", actor=actor, obj=meeting, changes={"fields": ["held_on", "kind"]})
    return meeting
