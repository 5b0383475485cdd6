"""Writes to the unit tree: office import (all-or-nothing, per-row report), audited."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.crypto import sm3
from sifasuo.core.errors import ApplicationError
from sifasuo.core.imported_files import DuplicateImport, claim, record_rejected
from sifasuo.core.scope import assert_in_scope
from sifasuo.core.xlsx import ROW_KEY, read_rows
from sifasuo.orgs.choices import BUREAU_KINDS, DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit

OFFICE_COLUMNS = [
    "司法所代码",
    "名称",
    "主要服务镇街代码",
    "其他服务镇街代码",
    "管理单位代码",
    "地址",
    "电话",
    "办公时间",
]
IMPORT_KIND = "orgs.unit"
OFFICE_CODE = re.compile(r"^\d{9}(\d{2})?$")
PHONE = re.compile(r"^[\d\-+() ]{5,40}$")


def short_name_for(town: Division) -> str:
    """The short name in document numbers: district and town without suffixes (新城西一路)."""
    district = town.parent.name if town.parent else ""
    district = re.sub(r"(区|县)$", "", district)
    town_name = re.sub(r"(街道|镇)$", "", town.name)
    return f"{district}{town_name}"


@dataclass
class RowError:
    """One problem of one row of an import."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _validate_rows(rows: list[dict[str, str]]) -> tuple[list[dict[str, Any]], list[RowError]]:
    towns = {d.code: d for d in Division.objects.filter(level=DivisionLevel.TOWN)}
    bureaus = {u.code: u for u in Unit.objects.filter(kind__in=BUREAU_KINDS)}
    errors: list[RowError] = []
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row in rows:
        number = int(row[ROW_KEY])

        def err(column: str, message: str, number: int = number) -> None:
            errors.append(RowError(number, column, message))

        code = row["司法所代码"]
        if not OFFICE_CODE.match(code):
            err("司法所代码", _("Must be the 9-digit town code, or it plus a 2-digit suffix."))
        elif code in seen:
            err("司法所代码", _("Same code as row %(row)d.") % {"row": seen[code]})
        else:
            seen[code] = number
        name = row["名称"]
        if not name or len(name) > 100:
            err("名称", _("Required, at most 100 characters."))
        main_town = towns.get(row["主要服务镇街代码"])
        if main_town is None:
            err("主要服务镇街代码", _("Not a town or street code of Xi'an."))
        elif OFFICE_CODE.match(code) and not code.startswith(main_town.code):
            err("司法所代码", _("Must start with the main town's code."))
        others = [c.strip() for c in re.split(r"[,，]", row["其他服务镇街代码"]) if c.strip()]
        unknown = [c for c in others if c not in towns]
        if unknown:
            err(
                "其他服务镇街代码",
                _("Unknown town codes: %(codes)s") % {"codes": ", ".join(unknown)},
            )
        bureau = bureaus.get(row["管理单位代码"])
        if bureau is None:
            err("管理单位代码", _("Not the code of a city, district or development-zone bureau."))
        phone = row["电话"]
        if phone and not PHONE.match(phone):
            err("电话", _("Digits, spaces and - + ( ) only."))
        for column, limit in (("地址", 200), ("办公时间", 100)):
            if len(row[column]) > limit:
                err(column, _("At most %(n)d characters.") % {"n": limit})
        clean.append(
            {
                "code": code,
                "name": name,
                "division": main_town,
                "others": [towns[c] for c in others if c in towns],
                "parent": bureau,
                "address": row["地址"],
                "phone": phone,
                "opening_hours": row["办公时间"],
            }
        )
    return clean, errors


def office_import(*, actor: Any, stream: IO[bytes], again: bool = False) -> ImportResult:
    """Create or update offices from the workbook; any error anywhere writes nothing.

    A file imported before is refused unless ``again`` (importing it twice is harmless).
    """
    if not Unit.objects.visible_to(actor, "create").exists():
        audit.record("import", actor=actor, object_type="orgs.unit", outcome=AuditOutcome.DENIED)
        raise PermissionDenied
    data = stream.read()
    digest = sm3(data)
    try:
        rows = read_rows(io.BytesIO(data), expected_headers=OFFICE_COLUMNS)
    except ApplicationError as exc:
        result = ImportResult(errors=[RowError(1, "", exc.message)])
    else:
        clean, errors = _validate_rows(rows)
        result = ImportResult(errors=errors)
        if not errors:
            try:
                return _apply_office_rows(actor, clean, digest, again=again)
            except DuplicateImport as duplicate:
                result = ImportResult(errors=[RowError(0, "", duplicate.message)])
    record_rejected(actor=actor, kind=IMPORT_KIND, digest=digest, errors=len(result.errors))
    return result


@transaction.atomic
def _apply_office_rows(
    actor: Any, rows: list[dict[str, Any]], digest: str, *, again: bool
) -> ImportResult:
    claim(kind=IMPORT_KIND, digest=digest, actor=actor, again=again)
    result = ImportResult()
    for row in rows:
        office = Unit.objects.filter(code=row["code"]).first()
        if office is not None and office.kind != UnitKind.OFFICE:
            raise ApplicationError(
                _("Code %(code)s belongs to a unit that is not an office.") % {"code": row["code"]}
            )
        created = office is None
        office = office or Unit(code=row["code"], kind=UnitKind.OFFICE, created_by=actor)
        office.name = row["name"]
        office.parent = row["parent"]
        office.division = row["division"]
        office.short_name = short_name_for(row["division"])
        # Contact details stay marked synthetic until the import actually changes them (a
        # re-imported export of the demo must not pass its invented phones off as real).
        contact_changed = (office.address, office.phone) != (row["address"], row["phone"])
        office.address = row["address"]
        office.phone = row["phone"]
        office.opening_hours = row["opening_hours"]
        if created or contact_changed:
            office.is_demo_contact = False
        office.full_clean(exclude=["path"])
        office.save()
        office.other_divisions.set(row["others"])
        if not created:
            # Children (committees, workstations) carry the office's path.
            for child in office.children.all():
                child.save()
        assert_in_scope(office, actor, "create" if created else "change")
        result.created += created
        result.updated += not created
        (result.created_codes if created else result.updated_codes).append(office.code)
    audit.record(
        "import_committed",
        actor=actor,
        object_type=IMPORT_KIND,
        changes={
            "sm3": digest,
            "created": result.created_codes,
            "updated": result.updated_codes,
        },
    )
    return result


UNIT_COLUMNS = ["单位代码", "名称", "类型", "上级单位代码", "镇街代码", "地址", "电话", "办公时间"]


def unit_rows(units: Any) -> list[list[str]]:
    """Return the rows of the general unit workbook (every kind of unit)."""
    return [
        [
            u.code,
            u.name,
            str(u.get_kind_display()),
            u.parent.code if u.parent else "",
            u.division.code if u.division else "",
            u.address,
            u.phone,
            u.opening_hours,
        ]
        for u in units
    ]


def office_rows(offices: Any) -> list[list[str]]:
    """Return the rows of the office workbook (same columns as the import)."""
    return [
        [
            o.code,
            o.name,
            o.division.code if o.division else "",
            ",".join(d.code for d in o.other_divisions.all()),
            o.parent.code if o.parent else "",
            o.address,
            o.phone,
            o.opening_hours,
        ]
        for o in offices
    ]
