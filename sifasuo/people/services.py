"""Writes to the person registry: create, update, reveal a masked value; all audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError
from sifasuo.core.scope import assert_in_scope
from sifasuo.people import idnumbers
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.models import Person

EDITABLE = ("name", "sex", "birth_date", "id_type", "id_number", "phone", "address")
REVEALABLE = ("id_number", "phone", "address")


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the document number and derive birth date and sex from a mainland ID."""
    fields = dict(fields)
    number = fields.get("id_number") or ""
    if number:
        number = idnumbers.normalize(number)
        fields["id_number"] = number
        if fields.get("id_type", IdType.RESIDENT_ID) == IdType.RESIDENT_ID:
            if not idnumbers.is_valid(number):
                raise ApplicationError(str(idnumbers.INVALID), field="id_number")
            fields["birth_date"] = idnumbers.birth_date(number)
            fields["sex"] = idnumbers.sex(number)
    phone = fields.get("phone") or ""
    if phone:
        fields["phone"] = "".join(phone.split())
    return fields


def _check_duplicate(id_type: str, number: str, exclude_pk: int | None = None) -> None:
    if not number:
        return
    index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
    duplicates = Person.objects.filter(id_type=id_type, id_number_bidx=index)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        # Audited as a refusal: repeated attempts would probe who is registered elsewhere.
        raise ApplicationError(
            _("A person with this document number is already registered."),
            field="id_number",
            audit_action="create",
            audit_object_type="people.person",
        )


@transaction.atomic
def person_create(
    *,
    actor: Any,
    unit: Any,
    name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    sex: str = Sex.UNKNOWN,
    birth_date: date | None = None,
    phone: str = "",
    address: str = "",
) -> Person:
    """Register a person for ``unit``; refuse a second person with the same document."""
    fields = _normalise(
        {
            "name": name.strip(),
            "id_type": id_type,
            "id_number": id_number,
            "sex": sex,
            "birth_date": birth_date,
            "phone": phone,
            "address": address.strip(),
        }
    )
    _check_duplicate(fields["id_type"], fields["id_number"])
    person = Person(unit=unit, created_by=actor, **fields)
    person.full_clean()
    person.save()
    assert_in_scope(person, actor, "create")
    audit.record("create", actor=actor, obj=person, changes={"fields": sorted(fields)})
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, version: int, **changes: Any) -> Person:
    """Change a person's details; a stale ``version`` is refused (optimistic locking)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s") % ", ".join(unknown))
    before = {f: getattr(person, f) for f in EDITABLE}
    fields = _normalise({**before, **changes})
    _check_duplicate(fields["id_type"], fields["id_number"], exclude_pk=person.pk)
    for name, value in fields.items():
        setattr(person, name, value)
    person.version = version
    person.full_clean()
    person.save()
    assert_in_scope(person, actor, "change")
    changed = audit.changed_fields(before, fields)
    audit.record("update", actor=actor, obj=person, changes={"fields": changed})
    return person


def person_reveal(*, actor: Any, person: Person, field: str, reason: str) -> str:
    """Return the unmasked value of ``field`` for a user allowed to reveal; audited with reason."""
    if field not in REVEALABLE:
        raise ApplicationError(_("This field cannot be revealed."))
    if not reason.strip():
        raise ApplicationError(_("State the reason for revealing this value."), field="reason")
    allowed = Person.objects.visible_to(actor, "reveal").filter(pk=person.pk).exists()
    if not allowed:
        audit.record(
            "reveal", actor=actor, obj=person, outcome=AuditOutcome.DENIED, changes={"field": field}
        )
        raise PermissionDenied
    with transaction.atomic():
        audit.record(
            "reveal", actor=actor, obj=person, reason=reason.strip(), changes={"field": field}
        )
    return str(getattr(person, field))
