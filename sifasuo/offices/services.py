"""Writes of the office profile: a year's return, its rooms, equipment and systems; audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.scope import assert_in_scope
from sifasuo.offices.choices import ExperienceStatus, RoomKind
from sifasuo.offices.models import (
    Equipment,
    Honour,
    ManagementSystem,
    OfficeReturn,
    OfficeRoom,
    TypicalExperience,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit

PROFILE_FIELDS = (
    "business_area",
    "ownership",
    "sign_emblem",
    "sign_office_plaque",
    "sign_station_plaque",
    "sign_light_box",
    "sign_guide",
    "establishment_quota",
    "party_form",
    "remote_visit_installed_on",
    "video_conf_installed_on",
    "terminal_installed_on",
    "funding_personnel",
    "funding_public",
    "funding_casework",
    "funding_equipment",
    "funding_infrastructure",
)
FIRST_YEAR = 2000


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise ApplicationError(_("The year %(year)s is out of range.") % {"year": year})


@transaction.atomic
def return_create(
    *, actor: Any, office: Unit, year: int, copy_from: OfficeReturn | None = None
) -> OfficeReturn:
    """Open ``office``'s return for ``year``, with its seven rooms; optionally copy a year.

    Copying carries the profile, rooms, equipment and systems forward (the staff list is
    copied by ``staff.services.staff_copy``): an office fills in only what changed.
    """
    if office.kind != UnitKind.OFFICE:
        raise ApplicationError(_("Returns are kept by judicial offices."), field="office")
    _check_year(year)
    if OfficeReturn.objects.filter(unit=office, year=year).exists():
        raise ApplicationError(
            _("The return of %(office)s for %(year)s exists already.")
            % {"office": office.name, "year": year},
            field="year",
        )
    values = {f: getattr(copy_from, f) for f in PROFILE_FIELDS} if copy_from else {}
    office_return = OfficeReturn(unit=office, year=year, created_by=actor, **values)
    office_return.full_clean()
    office_return.save()
    rooms = {r.kind: r for r in copy_from.rooms.all()} if copy_from else {}
    OfficeRoom.objects.bulk_create(
        OfficeRoom(
            office_return=office_return,
            kind=kind,
            present=rooms[kind].present if kind in rooms else False,
            area=rooms[kind].area if kind in rooms else None,
            created_by=actor,
        )
        for kind in RoomKind.values
    )
    if copy_from:
        Equipment.objects.bulk_create(
            Equipment(
                office_return=office_return,
                category=e.category,
                name=e.name,
                quantity=e.quantity,
                acquired_on=e.acquired_on,
                created_by=actor,
            )
            for e in copy_from.equipment.all()
        )
        ManagementSystem.objects.bulk_create(
            ManagementSystem(
                office_return=office_return, kind=s.kind, adopted_on=s.adopted_on, created_by=actor
            )
            for s in copy_from.systems.all()
        )
    assert_in_scope(office_return, actor, "create")
    audit.record(
        "create",
        actor=actor,
        obj=office_return,
        changes={
            "fields": sorted(values) or ["year"],
            "copied_from": copy_from.year if copy_from else None,
        },
    )
    return office_return


@transaction.atomic
def return_update(
    *, actor: Any, office_return: OfficeReturn, version: int | None = None, **changes: Any
) -> OfficeReturn:
    """Change the profile fields of a return; a stale ``version`` is refused."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = {f: getattr(office_return, f) for f in PROFILE_FIELDS}
    if all(before[name] == value for name, value in changes.items()):
        return office_return  # nothing changes: no write, no audit row
    for name, value in changes.items():
        setattr(office_return, name, value)
    if version is not None:
        office_return.version = version
    office_return.full_clean()
    office_return.save()
    assert_in_scope(office_return, actor, "change")
    after = {f: getattr(office_return, f) for f in PROFILE_FIELDS}
    audit.record(
        "update",
        actor=actor,
        obj=office_return,
        changes={"fields": audit.changed_fields(before, after)},
    )
    return office_return


@transaction.atomic
def rooms_set(
    *,
    actor: Any,
    office_return: OfficeReturn,
    present: dict[str, bool],
    areas: dict[str, Decimal | None] | None = None,
) -> list[OfficeRoom]:
    """Record which of the 六室一站 are present (and their areas)."""
    areas = areas or {}
    unknown = (set(present) | set(areas)) - set(RoomKind.values)
    if unknown:
        raise ApplicationError(_("Unknown rooms: %s") % ", ".join(sorted(unknown)))
    changed = []
    rooms = []
    for kind in RoomKind.values:
        room, _created = OfficeRoom.objects.get_or_create(
            office_return=office_return, kind=kind, defaults={"created_by": actor}
        )
        new_present = present.get(kind, room.present)
        new_area = areas.get(kind, room.area)
        if (room.present, room.area) != (new_present, new_area):
            room.present, room.area = new_present, new_area
            room.full_clean()
            room.save()
            changed.append(kind)
        rooms.append(room)
    assert_in_scope(office_return, actor, "change")
    if changed:
        audit.record("update", actor=actor, obj=office_return, changes={"rooms": changed})
    return rooms


@transaction.atomic
def equipment_add(
    *,
    actor: Any,
    office_return: OfficeReturn,
    category: str,
    name: str,
    quantity: int = 1,
    acquired_on: date | None = None,
) -> Equipment:
    """Add equipment or a vehicle to a return."""
    item = Equipment(
        office_return=office_return,
        category=category,
        name=name.strip(),
        quantity=quantity,
        acquired_on=acquired_on,
        created_by=actor,
    )
    item.full_clean()
    item.save()
    assert_in_scope(item, actor, "create")
    audit.record("create", actor=actor, obj=item, changes={"fields": ["category", "name"]})
    return item


@transaction.atomic
def system_set(
    *, actor: Any, office_return: OfficeReturn, kind: str, adopted_on: date | None
) -> ManagementSystem:
    """Record that a management system is in force (its document is an attachment)."""
    system, created = ManagementSystem.objects.update_or_create(
        office_return=office_return,
        kind=kind,
        defaults={"adopted_on": adopted_on, "created_by": actor},
    )
    system.full_clean()
    assert_in_scope(system, actor, "create" if created else "change")
    audit.record(
        "create" if created else "update",
        actor=actor,
        obj=system,
        changes={"fields": ["adopted_on", "kind"]},
    )
    return system


@transaction.atomic
def honour_create(
    *,
    actor: Any,
    office: Unit,
    title: str,
    level: str,
    awarded_by: str,
    awarded_on: date,
    person: Any = None,
) -> Honour:
    """Record an honour of the office or of one of its staff."""
    honour = Honour(
        unit=office,
        person=person,
        title=title.strip(),
        level=level,
        awarded_by=awarded_by.strip(),
        awarded_on=awarded_on,
        created_by=actor,
    )
    honour.full_clean()
    honour.save()
    assert_in_scope(honour, actor, "create")
    audit.record("create", actor=actor, obj=honour, changes={"fields": ["level", "title"]})
    return honour


EXPERIENCE_STEPS = {
    # step: (from statuses, to status, the unit kinds that take it)
    "submit": ((ExperienceStatus.DRAFT, ExperienceStatus.RETURNED), ExperienceStatus.SUBMITTED),
    "recommend": ((ExperienceStatus.SUBMITTED,), ExperienceStatus.RECOMMENDED),
    "publish": ((ExperienceStatus.RECOMMENDED,), ExperienceStatus.PUBLISHED),
    "return": (
        (ExperienceStatus.SUBMITTED, ExperienceStatus.RECOMMENDED),
        ExperienceStatus.RETURNED,
    ),
}
EXPERIENCE_DECIDERS = {
    "submit": (UnitKind.OFFICE,),
    "recommend": (UnitKind.DISTRICT, UnitKind.DEVZONE),
    "publish": (UnitKind.CITY,),
    "return": (UnitKind.DISTRICT, UnitKind.DEVZONE, UnitKind.CITY),
}


@transaction.atomic
def experience_create(*, actor: Any, office: Unit, title: str, body: str) -> TypicalExperience:
    """Write up a typical experience (a draft until the office submits it)."""
    experience = TypicalExperience(
        unit=office, title=title.strip(), body=body.strip(), created_by=actor
    )
    experience.full_clean()
    experience.save()
    assert_in_scope(experience, actor, "create")
    audit.record("create", actor=actor, obj=experience, changes={"fields": ["body", "title"]})
    return experience


@transaction.atomic
def experience_step(
    *, actor: Any, experience: TypicalExperience, step: str, note: str = ""
) -> TypicalExperience:
    """Submit (office), recommend (district), publish (city) or return an experience."""
    if step not in EXPERIENCE_STEPS:
        raise ApplicationError(_("Unknown step."))
    allowed_from, target = EXPERIENCE_STEPS[step]
    if experience.status not in allowed_from:
        raise ApplicationError(
            _("The experience is “%(status)s”; this step does not apply.")
            % {"status": experience.get_status_display()}
        )
    unit = getattr(actor, "unit", None)
    if actor is not None and (unit is None or unit.kind not in EXPERIENCE_DECIDERS[step]):
        raise PermissionDenied
    if actor is not None and not (
        TypicalExperience.objects.visible_to(actor).filter(pk=experience.pk).exists()
    ):
        raise PermissionDenied
    if step == "return" and not note.strip():
        raise ApplicationError(_("Say why it is returned."), field="note")
    experience.status = target
    experience.review_note = note.strip()
    if target == ExperienceStatus.PUBLISHED:
        experience.published_on = timezone.localdate()
    experience.save()
    audit.record(step, actor=actor, obj=experience, changes={"fields": ["status"]})
    return experience
