"""The office-returns workbook (issue 3, "Import and export"): its sheets, import and template.

A workbook holds yearly returns (填报): one per office and year listed in ``基本情况``, each
describing the office as of 31 December of that year. The sheet and column names are a
contract with the offices' spreadsheets: keep them exactly.

Where the rows of the other sheets go (the template's ``说明`` sheet says the same):

- ``人员``: a row goes to every year listed for its office in ``基本情况`` in which the
  person is on post at some point of the year: 到岗日期 on or before 31 December, and
  离岗日期 empty or after 1 January. A row that falls in no listed year is an error.
- ``培训``: a row goes to the return of the year of its 开始日期; that office and year must
  be listed in ``基本情况`` and the person must be on that year's staff (``人员``).
- ``经费``: one row per office and year listed in ``基本情况``; a listed year without a row
  has no funds recorded (all five amounts zero, as a replaced return should).

Importing a return replaces that office's return for that year: the profile fields the
workbook holds, the rooms' presence, the staff list, that year's trainings and funding
(removals audited by the services; people stay in the registry). What the workbook does
not hold (ownership, light box, guide signs, terminal, room areas, education, training
level) is kept. Every sheet and row is checked first and nothing is written when any row
is wrong; the same file imported twice changes nothing.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from sifasuo.core import audit
from sifasuo.core.crypto import sm3
from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import UnsafeArchiveError, check_zip_limits
from sifasuo.core.imported_files import DuplicateImport, claim, record_rejected
from sifasuo.core.scope import may_act_at
from sifasuo.core.xlsx import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    _restore,  # undoes core.xlsx.neutralise on re-imported exports
    neutralise,
)
from sifasuo.offices import services as office_services
from sifasuo.offices.choices import PartyForm, RoomKind
from sifasuo.offices.models import OfficeReturn, OfficeRoom
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import idnumbers
from sifasuo.people import services as people_services
from sifasuo.people.choices import IdType
from sifasuo.people.models import Person
from sifasuo.staff import services as staff_services
from sifasuo.staff.choices import Establishment, Post

PROFILE = "基本情况"
STAFF = "人员"
TRAINING = "培训"
FUNDING = "经费"
NOTES = "说明"

OFFICE_CODE = "司法所代码"
YEAR = "年度"
AREA = "业务用房面积"
QUOTA = "政法专项编制数"
PARTY_FORM = "党组织形式"
NAME = "姓名"
ID_NUMBER = "身份证号"
ESTABLISHMENT = "编制类型"
POST = "职务"
PARTY_MEMBER = "是否党员"
QUALIFICATION = "法律职业资格"
ON_POST = "到岗日期"
OFF_POST = "离岗日期"
COURSE = "培训名称"
START = "开始日期"
DAYS = "天数"
HOURS = "学时"

ROOM_COLUMNS: dict[str, str] = {
    "所长室": RoomKind.DIRECTOR,
    "人民调解室": RoomKind.MEDIATION,
    "普法与依法治理室": RoomKind.PUBLICITY,
    "社区矫正室": RoomKind.CORRECTION,
    "安置帮教室": RoomKind.RESETTLEMENT,
    "档案室": RoomKind.ARCHIVE,
    "公共法律服务工作站": RoomKind.STATION,
}
SIGN_COLUMNS: dict[str, str] = {
    "司法行政徽": "sign_emblem",
    "司法所吊牌": "sign_office_plaque",
    "公共法律服务工作站吊牌": "sign_station_plaque",
}
INSTALL_COLUMNS: dict[str, str] = {
    "远程探视系统安装日期": "remote_visit_installed_on",
    "视频会议系统安装日期": "video_conf_installed_on",
}
FUNDING_COLUMNS: dict[str, str] = {
    "人员经费": "funding_personnel",
    "公用经费": "funding_public",
    "办案（业务）经费": "funding_casework",
    "业务装备经费": "funding_equipment",
    "基础设施建设经费": "funding_infrastructure",
}

SHEETS: dict[str, tuple[str, ...]] = {
    PROFILE: (
        OFFICE_CODE,
        YEAR,
        AREA,
        *ROOM_COLUMNS,
        *SIGN_COLUMNS,
        QUOTA,
        PARTY_FORM,
        *INSTALL_COLUMNS,
    ),
    STAFF: (
        OFFICE_CODE,
        NAME,
        ID_NUMBER,
        ESTABLISHMENT,
        POST,
        PARTY_MEMBER,
        QUALIFICATION,
        ON_POST,
        OFF_POST,
    ),
    TRAINING: (OFFICE_CODE, ID_NUMBER, COURSE, START, DAYS, HOURS),
    FUNDING: (OFFICE_CODE, YEAR, *FUNDING_COLUMNS),
}

# The workbook's words for the stable codes (the codes themselves are accepted too).
ESTABLISHMENT_LABELS: dict[str, str] = {
    "政法专项编制": Establishment.POLITICS_LAW,
    "其他行政编制": Establishment.ADMINISTRATIVE,
    "事业编制": Establishment.PUBLIC_INSTITUTION,
    "聘用": Establishment.CONTRACT,
    "政府购买服务": Establishment.PURCHASED,
    "公益性岗位": Establishment.PUBLIC_WELFARE,
    "志愿者": Establishment.VOLUNTEER,
}
POST_LABELS: dict[str, str] = {
    "所长": Post.DIRECTOR,
    "副所长": Post.DEPUTY,
    "工作人员": Post.STAFF,
    "辅助人员": Post.AUXILIARY,
}
PARTY_FORM_LABELS: dict[str, str] = {
    "独立党支部": PartyForm.INDEPENDENT,
    "联合党支部": PartyForm.JOINT,
    "镇街党组织": PartyForm.TOWN,
}
YES, NO = "是", "否"

# The profile fields a return takes from the workbook (the others are kept as they are).
IMPORTED_FIELDS = (
    "business_area",
    *SIGN_COLUMNS.values(),
    "establishment_quota",
    "party_form",
    *INSTALL_COLUMNS.values(),
    *FUNDING_COLUMNS.values(),
)

AREA_PLACES, MONEY_PLACES, TRAINING_PLACES = 1, 2, 1
MAX_AREA = Decimal("999999.9")  # OfficeReturn.business_area: 7 digits, 1 place
MAX_MONEY = Decimal("9999999999.99")  # 12 digits, 2 places
MAX_DAYS = Decimal("9999.9")
MAX_HOURS = Decimal("99999.9")
MAX_QUOTA = 999
DATE_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")
OBJECT_TYPE = "offices.officereturn"


@dataclass(frozen=True)
class SheetRowError:
    """One problem of one cell (or row, or sheet) of the workbook."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("%(sheet)s, row %(row)d, column %(column)s: %(message)s") % {
            "sheet": self.sheet or "-",
            "row": self.row,
            "column": self.column or "-",
            "message": self.message,
        }


@dataclass
class WorkbookResult:
    """What an import did (returns created, replaced, unchanged), or why it did nothing."""

    errors: list[SheetRowError] = field(default_factory=list)
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    people_registered: int = 0
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading -------------------------------------------------------------------------------


@dataclass
class _SheetRow:
    number: int
    cells: dict[str, Any]


def _clean_cell(value: Any) -> Any:
    if isinstance(value, str):
        return _restore(value.strip())
    return value


def _read_workbook(data: bytes) -> tuple[dict[str, list[_SheetRow]], list[SheetRowError]]:
    """Read the four sheets after the size and zip checks; missing sheets or headers are errors.

    The values are kept as openpyxl gives them (dates as dates, numbers as numbers), text
    stripped and un-neutralised.
    """
    if len(data) > MAX_IMPORT_BYTES:
        return {}, [SheetRowError("", 0, "", _("The file is too large to import."))]
    invalid = SheetRowError("", 0, "", _("The file is not a valid Excel (.xlsx) workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip_limits(archive)
    except (zipfile.BadZipFile, UnsafeArchiveError):
        return {}, [invalid]
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a bad file
        return {}, [invalid]
    sheets: dict[str, list[_SheetRow]] = {}
    errors: list[SheetRowError] = []
    try:
        for name, expected in SHEETS.items():
            if name not in workbook.sheetnames:
                errors.append(
                    SheetRowError(name, 0, "", _("The workbook has no sheet of this name."))
                )
                continue
            found = _read_sheet(workbook[name], name, expected, errors)
            if found is not None:
                sheets[name] = found
    finally:
        workbook.close()
    return sheets, errors


def _read_sheet(
    sheet: Any, name: str, expected: tuple[str, ...], errors: list[SheetRowError]
) -> list[_SheetRow] | None:
    """Read one sheet's rows; None (and an error) for a bad header or a damaged sheet.

    openpyxl parses a read-only sheet while its rows are iterated, so a damaged sheet part
    (broken XML, a cell value of the wrong type) fails here, at the row it reached: that
    becomes the row's error, never a server error.
    """
    reading = 1  # the row openpyxl parses next
    try:
        sheet.reset_dimensions()  # do not trust the file's own idea of its size
        rows = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        missing = [h for h in expected if h not in header]
        if missing:
            errors.append(
                SheetRowError(
                    name,
                    1,
                    "",
                    _("The header row lacks the columns: %(columns)s.")
                    % {"columns": ", ".join(missing)},
                )
            )
            return None
        positions = {h: header.index(h) for h in expected}
        found: list[_SheetRow] = []
        reading = 2
        for number, values in enumerate(rows, start=2):
            reading = number + 1
            cells = [_clean_cell(v) for v in (values or ())]
            if all(v is None or v == "" for v in cells):
                continue
            if len(found) >= MAX_IMPORT_ROWS:
                errors.append(
                    SheetRowError(
                        name,
                        number,
                        "",
                        _("The sheet has more than %(max)d rows.") % {"max": MAX_IMPORT_ROWS},
                    )
                )
                break
            cells += [None] * (len(header) - len(cells))
            found.append(_SheetRow(number, {h: cells[i] for h, i in positions.items()}))
    except Exception:  # noqa: BLE001 - openpyxl and its XML parser raise many types
        errors.append(
            SheetRowError(
                name,
                reading,
                "",
                _(
                    "The sheet is damaged and cannot be read from this row on. Save the "
                    "workbook again in Excel and import it again."
                ),
            )
        )
        return None
    return found


# --- Cell rules ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _parse_decimal(value: Any, places: int, maximum: Decimal) -> Decimal:
    """Return a non-negative amount with at most ``places`` decimals; ``ValueError`` if not."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        text = str(round(value, 6))  # drop binary noise of computed cells (0.1 + 0.2)
    elif isinstance(value, int):
        text = str(value)
    else:
        text = _text(value).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    step = Decimal(1).scaleb(-places)
    if not number.is_finite() or number < 0 or number > maximum or number != number.quantize(step):
        raise ValueError(value)
    return number.quantize(step)


class _Row:
    """One sheet row being checked: typed cell readers that record errors by column."""

    def __init__(self, sheet: str, row: _SheetRow, errors: list[SheetRowError]) -> None:
        self.sheet = sheet
        self.number = row.number
        self.cells = row.cells
        self._errors = errors
        self.failed = False

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self._errors.append(SheetRowError(self.sheet, self.number, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int = 0) -> str:
        value = _text(self.cells[column])
        if required and not value:
            self.error(column, _("Required."))
        elif max_length and len(value) > max_length:
            self.error(column, _("At most %(n)d characters.") % {"n": max_length})
        return value

    def flag(self, column: str) -> bool:
        value = self.cells[column]
        if isinstance(value, bool):
            return value
        text = _text(value)
        if text in (YES, NO, ""):
            return text == YES
        self.error(column, _("Enter 是 or 否 (empty means 否)."))
        return False

    def day(self, column: str, *, required: bool = False) -> date | None:
        value = self.cells[column]
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            if required:
                self.error(column, _("Required: a date cell or text such as 2024-03-05."))
            return None
        match = DATE_TEXT.match(text) if isinstance(value, str) else None
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
        self.error(column, _("Not a date: use a date cell or text such as 2024-03-05."))
        return None

    def amount(self, column: str, *, places: int, maximum: Decimal) -> Decimal | None:
        """An empty cell is None; anything else a non-negative Decimal of ``places``."""
        value = self.cells[column]
        if value is None or value == "":
            return None
        try:
            return _parse_decimal(value, places, maximum)
        except ValueError:
            self.error(
                column,
                ngettext(
                    "Not a number from 0 to %(max)s with at most %(places)d decimal place.",
                    "Not a number from 0 to %(max)s with at most %(places)d decimal places.",
                    places,
                )
                % {"max": maximum, "places": places},
            )
            return None

    def whole(self, column: str, *, minimum: int, maximum: int, required: bool) -> int | None:
        value = self.cells[column]
        if value is None or value == "":
            if required:
                self.error(column, _("Required."))
            return None
        try:
            number = _parse_decimal(value, 0, Decimal(maximum))
        except ValueError:
            number = None
        if number is None or number < minimum:
            self.error(
                column,
                _("Not a whole number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum},
            )
            return None
        return int(number)

    def choice(self, column: str, labels: dict[str, str], *, required: bool) -> str:
        text = _text(self.cells[column])
        if not text:
            if required:
                self.error(column, _("Required."))
            return ""
        code = labels.get(text) or (text.upper() if text.upper() in labels.values() else "")
        if not code:
            self.error(
                column, _("Unknown value; allowed: %(values)s.") % {"values": "、".join(labels)}
            )
        return code

    def id_number(self, column: str) -> str:
        """A checksum-valid resident ID number, normalised ('' after an error)."""
        value = self.cells[column]
        if isinstance(value, float):
            # Excel keeps 15 digits of a number cell: the ID is already damaged.
            self.error(column, _("Enter the ID number as text: a number cell loses digits."))
            return ""
        number = idnumbers.normalize(_text(value))
        if not number:
            self.error(column, _("Required."))
            return ""
        if not idnumbers.is_valid(number):
            self.error(
                column,
                _("Not a valid resident ID number (GB 11643 checksum or birth date)."),
            )
            return ""
        return number


# --- Checking the whole workbook -----------------------------------------------------------


@dataclass
class _PersonPlan:
    number: str
    name: str
    unit: Unit  # where a new person is registered
    row: int
    person: Person | None = None

    def registered(self) -> Person:
        """The person in the registry (found while checking, or registered while applying)."""
        if self.person is None:
            raise ValueError(self.number)
        return self.person


@dataclass(frozen=True)
class _StaffPlan:
    person: _PersonPlan
    establishment: str
    post: str
    is_party_member: bool
    has_legal_qualification: bool
    on_post_on: date
    off_post_on: date | None

    def in_year(self, year: int) -> bool:
        """On post at some point of ``year``."""
        return self.on_post_on <= date(year, 12, 31) and (
            self.off_post_on is None or self.off_post_on > date(year, 1, 1)
        )


@dataclass(frozen=True)
class _TrainingPlan:
    person: _PersonPlan
    course: str
    start_date: date
    days: Decimal
    hours: Decimal


@dataclass
class _ReturnPlan:
    office: Unit
    year: int
    row: int
    profile: dict[str, Any]
    rooms: dict[str, bool]
    staff: list[_StaffPlan] = field(default_factory=list)
    trainings: list[_TrainingPlan] = field(default_factory=list)


class _Checker:
    """Check every sheet and row, collecting all errors, and plan what to write."""

    def __init__(self, actor: Any, sheets: dict[str, list[_SheetRow]]) -> None:
        self.actor = actor
        self.sheets = sheets
        self.errors: list[SheetRowError] = []
        self.returns: dict[tuple[str, int], _ReturnPlan] = {}
        self.people: dict[str, _PersonPlan] = {}
        self._staff_numbers: set[tuple[str, str]] = set()  # every 人员 row, even a wrong one
        self._offices = self._load_offices()
        self._last_year = timezone.localdate().year + 1

    def _load_offices(self) -> dict[str, Unit]:
        codes = {_text(r.cells[OFFICE_CODE]) for rows in self.sheets.values() for r in rows}
        found = Unit.objects.filter(code__in=codes, kind=UnitKind.OFFICE)
        return {
            u.code: u
            for u in found
            if self.actor is None
            or (
                may_act_at(self.actor, u, OfficeReturn, "create")
                and may_act_at(self.actor, u, OfficeReturn, "change")
            )
        }

    def office(self, row: _Row) -> Unit | None:
        code = row.text(OFFICE_CODE, required=True)
        if not code:
            return None
        office = self._offices.get(code)
        if office is None:
            # The same words for a missing office and one out of reach: nothing leaks.
            row.error(OFFICE_CODE, _("No office with this code, or not one you may fill in."))
        return office

    def run(self) -> None:
        self._profiles()
        staff_rows = self._staff()
        self._trainings(staff_rows)
        self._funding()
        self._people_in_registry()

    def _year(self, row: _Row) -> int | None:
        return row.whole(
            YEAR, minimum=office_services.FIRST_YEAR, maximum=self._last_year, required=True
        )

    def _profiles(self) -> None:
        for sheet_row in self.sheets.get(PROFILE, []):
            row = _Row(PROFILE, sheet_row, self.errors)
            office = self.office(row)
            year = self._year(row)
            profile: dict[str, Any] = {
                "business_area": row.amount(AREA, places=AREA_PLACES, maximum=MAX_AREA),
                "establishment_quota": row.whole(
                    QUOTA, minimum=0, maximum=MAX_QUOTA, required=False
                )
                or 0,
                "party_form": row.choice(PARTY_FORM, PARTY_FORM_LABELS, required=False),
            }
            profile.update({f: row.flag(column) for column, f in SIGN_COLUMNS.items()})
            profile.update({f: row.day(column) for column, f in INSTALL_COLUMNS.items()})
            profile.update(dict.fromkeys(FUNDING_COLUMNS.values(), Decimal("0.00")))
            rooms = {kind: row.flag(column) for column, kind in ROOM_COLUMNS.items()}
            if office is None or year is None:
                continue
            key = (office.code, year)
            if key in self.returns:
                row.error(
                    YEAR,
                    _("Same office and year as row %(row)d.") % {"row": self.returns[key].row},
                )
                continue
            self.returns[key] = _ReturnPlan(office, year, row.number, profile, rooms)

    def _years_of(self, office: Unit) -> list[int]:
        return sorted(year for code, year in self.returns if code == office.code)

    def _listed_office(self, row: _Row) -> Unit | None:
        office = self.office(row)
        if office is not None and not self._years_of(office):
            row.error(OFFICE_CODE, _("No year of this office is listed in 基本情况."))
            return None
        return office

    def _person(self, row: _Row, office: Unit | None) -> _PersonPlan | None:
        """The person of a 人员 row: one plan per ID number across the whole file."""
        name = row.text(NAME, required=True, max_length=60)
        number = row.id_number(ID_NUMBER)
        if not (name and number):
            return None
        if office is not None:
            self._staff_numbers.add((office.code, number))
        known = self.people.get(number)
        if known is not None and known.name != name:
            row.error(
                NAME,
                _("Row %(row)d gives this ID number another name.") % {"row": known.row},
            )
            return None
        if known is None and office is not None:
            known = self.people[number] = _PersonPlan(number, name, office, row.number)
        return known

    def _staff(self) -> dict[tuple[str, str], _StaffPlan]:
        planned: dict[tuple[str, str], tuple[int, _StaffPlan]] = {}
        for sheet_row in self.sheets.get(STAFF, []):
            row = _Row(STAFF, sheet_row, self.errors)
            office = self._listed_office(row)
            person = self._person(row, office)
            establishment = row.choice(ESTABLISHMENT, ESTABLISHMENT_LABELS, required=True)
            post = row.choice(POST, POST_LABELS, required=True)
            party = row.flag(PARTY_MEMBER)
            qualification = row.flag(QUALIFICATION)
            on_post = row.day(ON_POST, required=True)
            off_post = row.day(OFF_POST)
            if on_post and off_post and off_post < on_post:
                row.error(OFF_POST, _("Must be on or after 到岗日期."))
            if office is None or person is None or on_post is None or row.failed:
                continue
            key = (office.code, person.number)
            if key in planned:
                row.error(
                    ID_NUMBER,
                    _("Same person of this office as row %(row)d.") % {"row": planned[key][0]},
                )
                continue
            plan = _StaffPlan(person, establishment, post, party, qualification, on_post, off_post)
            years = [y for y in self._years_of(office) if plan.in_year(y)]
            if not years:
                row.error(
                    ON_POST,
                    _("Not on post in any year listed for this office in 基本情况 (%(years)s).")
                    % {"years": ", ".join(str(y) for y in self._years_of(office))},
                )
                continue
            planned[key] = (row.number, plan)
            for year in years:
                self.returns[(office.code, year)].staff.append(plan)
        return {key: plan for key, (_number, plan) in planned.items()}

    def _trainings(self, staff: dict[tuple[str, str], _StaffPlan]) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        for sheet_row in self.sheets.get(TRAINING, []):
            row = _Row(TRAINING, sheet_row, self.errors)
            office = self._listed_office(row)
            number = row.id_number(ID_NUMBER)
            course = row.text(COURSE, required=True, max_length=200)
            start = row.day(START, required=True)
            days = row.amount(DAYS, places=TRAINING_PLACES, maximum=MAX_DAYS)
            hours = row.amount(HOURS, places=TRAINING_PLACES, maximum=MAX_HOURS)
            if office is None or start is None:
                continue
            office_return = self.returns.get((office.code, start.year))
            if office_return is None:
                row.error(
                    START,
                    _("No return of this office for %(year)d is listed in 基本情况.")
                    % {"year": start.year},
                )
                continue
            if not number:
                continue
            member = staff.get((office.code, number))
            if member is None:
                if (office.code, number) not in self._staff_numbers:
                    row.error(ID_NUMBER, _("Not a person on this office's rows of 人员."))
                continue  # else its 人员 row is wrong, and reported there
            if not member.in_year(start.year):
                row.error(
                    ID_NUMBER,
                    _("This person is not on post in %(year)d by the rows of 人员.")
                    % {"year": start.year},
                )
                continue
            if row.failed:
                continue
            plan = _TrainingPlan(
                member.person, course, start, days or Decimal("0.0"), hours or Decimal("0.0")
            )
            key = (office.code, number, course, start, plan.days, plan.hours)
            if key in seen:
                row.error(COURSE, _("Same training as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = row.number
            office_return.trainings.append(plan)

    def _funding(self) -> None:
        seen: dict[tuple[str, int], int] = {}
        for sheet_row in self.sheets.get(FUNDING, []):
            row = _Row(FUNDING, sheet_row, self.errors)
            office = self._listed_office(row)
            year = self._year(row)
            amounts = {
                f: row.amount(column, places=MONEY_PLACES, maximum=MAX_MONEY)
                for column, f in FUNDING_COLUMNS.items()
            }
            if office is None or year is None:
                continue
            key = (office.code, year)
            office_return = self.returns.get(key)
            if office_return is None:
                row.error(YEAR, _("This office and year are not listed in 基本情况."))
                continue
            if key in seen:
                row.error(YEAR, _("Same office and year as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = row.number
            office_return.profile.update(
                {f: value or Decimal("0.00") for f, value in amounts.items()}
            )

    def _people_in_registry(self) -> None:
        """Link the ID numbers to registered people; one under another name is an error."""
        if not self.people:
            return
        index = Person._meta.get_field("id_number_bidx").index_of  # type: ignore[union-attr]
        by_index = {index(number): plan for number, plan in self.people.items()}
        registered = Person.objects.filter(
            id_type=IdType.RESIDENT_ID, id_number_bidx__in=list(by_index)
        )
        for person in registered:
            plan = by_index[person.id_number_bidx]
            if person.name != plan.name:
                self.errors.append(
                    SheetRowError(
                        STAFF,
                        plan.row,
                        ID_NUMBER,
                        _("This ID number is registered under another name."),
                    )
                )
            plan.person = person


# --- Writing -------------------------------------------------------------------------------


class _Refused(Exception):
    """A service refused a write while applying: roll everything back, report the row."""

    def __init__(self, error: SheetRowError) -> None:
        super().__init__(error.message)
        self.error = error


def _messages(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return _("You may not change this office's return.")


def _apply_return(actor: Any, plan: _ReturnPlan) -> str:
    """Create or replace one return; answer "created", "replaced" or "unchanged"."""
    office_return = OfficeReturn.objects.filter(unit=plan.office, year=plan.year).first()
    created = office_return is None
    if office_return is None:
        office_return = office_services.return_create(
            actor=actor, office=plan.office, year=plan.year
        )
    changes = {
        name: value for name, value in plan.profile.items() if getattr(office_return, name) != value
    }
    if changes:
        office_services.return_update(actor=actor, office_return=office_return, **changes)
    rooms = dict(
        OfficeRoom.objects.filter(office_return=office_return).values_list("kind", "present")
    )
    rooms_changed = any(rooms.get(kind) != present for kind, present in plan.rooms.items())
    if rooms_changed:
        office_services.rooms_set(actor=actor, office_return=office_return, present=plan.rooms)
    education = dict(office_return.staff.values_list("person_id", "education"))
    staff = []
    for member in plan.staff:
        person = member.person.registered()
        staff.append(
            staff_services.StaffInput(
                person=person,
                establishment=member.establishment,
                post=member.post,
                is_party_member=member.is_party_member,
                has_legal_qualification=member.has_legal_qualification,
                education=education.get(person.pk, ""),  # not in the workbook: kept
                on_post_on=member.on_post_on,
                off_post_on=member.off_post_on,
            )
        )
    trainings = [
        staff_services.TrainingInput(
            person=t.person.registered(),
            course=t.course,
            start_date=t.start_date,
            days=t.days,
            hours=t.hours,
        )
        for t in plan.trainings
    ]
    counts = staff_services.staff_replace(
        actor=actor, office_return=office_return, staff=staff, trainings=trainings
    )
    if created:
        return "created"
    return "replaced" if changes or rooms_changed or any(counts.values()) else "unchanged"


def _apply(actor: Any, checker: _Checker, result: WorkbookResult) -> None:
    for plan in checker.people.values():
        if plan.person is None:
            try:
                plan.person = people_services.person_create(
                    actor=actor, unit=plan.unit, name=plan.name, id_number=plan.number
                )
            except (ApplicationError, ValidationError, PermissionDenied) as exc:
                raise _Refused(SheetRowError(STAFF, plan.row, ID_NUMBER, _messages(exc))) from exc
            result.people_registered += 1
    for key in sorted(checker.returns):
        office_return = checker.returns[key]
        try:
            outcome = _apply_return(actor, office_return)
        except (ApplicationError, ValidationError, PermissionDenied) as exc:
            error = SheetRowError(PROFILE, office_return.row, "", _messages(exc))
            raise _Refused(error) from exc
        setattr(result, outcome, getattr(result, outcome) + 1)


def _error_order(error: SheetRowError) -> tuple[int, int, int]:
    """By sheet as the workbook orders them, then row, then column."""
    sheets = list(SHEETS)
    columns = SHEETS.get(error.sheet, ())
    return (
        sheets.index(error.sheet) if error.sheet in sheets else -1,
        error.row,
        columns.index(error.column) if error.column in columns else -1,
    )


def import_returns(*, actor: Any, stream: IO[bytes], again: bool = False) -> WorkbookResult:
    """Import the yearly returns of a workbook: every sheet and row checked, then all or none.

    ``actor`` None is the system (a command without ``--actor``). An office out of the
    actor's reach is a row error, worded as for an unknown office. A file imported before
    is refused unless ``again`` (importing the same file twice changes nothing).
    """
    data = stream.read(MAX_IMPORT_BYTES + 1)
    result = WorkbookResult(digest=sm3(data))
    sheets, result.errors = _read_workbook(data)
    if not result.errors:
        checker = _Checker(actor, sheets)
        checker.run()
        result.errors = sorted(checker.errors, key=_error_order)
        if not result.errors:
            try:
                with transaction.atomic():
                    claim(kind=OBJECT_TYPE, digest=result.digest, actor=actor, again=again)
                    _apply(actor, checker, result)
                    audit.record(
                        "import_committed",
                        actor=actor,
                        object_type=OBJECT_TYPE,
                        changes={
                            "sm3": result.digest,
                            "created": result.created,
                            "replaced": result.replaced,
                            "unchanged": result.unchanged,
                            "people_registered": result.people_registered,
                        },
                    )
                return result
            except _Refused as refused:
                result = WorkbookResult(errors=[refused.error], digest=result.digest)
            except DuplicateImport as duplicate:
                error = SheetRowError("", 0, "", duplicate.message)
                result = WorkbookResult(errors=[error], digest=result.digest)
    # After the rollback, so the refusal itself is kept.
    record_rejected(actor=actor, kind=OBJECT_TYPE, digest=result.digest, errors=len(result.errors))
    return result


# --- Template ------------------------------------------------------------------------------

EXAMPLE_OFFICE = "610102001"
EXAMPLE_YEAR = 2024
_EXAMPLE_FIRST17 = "61010219800101001"
EXAMPLE_ID_NUMBER = _EXAMPLE_FIRST17 + idnumbers.check_char(_EXAMPLE_FIRST17)  # synthetic

EXAMPLES: dict[str, list[Any]] = {
    PROFILE: [
        EXAMPLE_OFFICE,
        EXAMPLE_YEAR,
        150.0,
        *[YES] * len(ROOM_COLUMNS),
        *[YES] * len(SIGN_COLUMNS),
        2,
        "联合党支部",
        date(2022, 6, 1),
        date(2022, 6, 1),
    ],
    STAFF: [
        EXAMPLE_OFFICE,
        "张三",
        EXAMPLE_ID_NUMBER,
        "政法专项编制",
        "所长",
        YES,
        NO,
        date(2020, 3, 1),
        None,
    ],
    TRAINING: [
        EXAMPLE_OFFICE,
        EXAMPLE_ID_NUMBER,
        "全市司法所业务培训",
        date(EXAMPLE_YEAR, 3, 5),
        12,
        90,
    ],
    FUNDING: [EXAMPLE_OFFICE, EXAMPLE_YEAR, 300000.0, 50000.0, 20000.0, 10000.0, 5000.0],
}


def _column_docs() -> list[tuple[str, str, str, str, str]]:
    """(sheet, column, meaning, format, allowed values) of every column."""
    yes_no = _("是 or 否; empty means 否")
    day = _("A date cell, or text such as 2024-03-05")
    code = _("The office's 9-digit unit code (11 digits for a second office of a town)")
    code_staff = _("An office listed in 基本情况")
    money = _("Yuan, at most 2 decimal places; empty means 0")
    docs: list[tuple[str, str, str, str, str]] = [
        (PROFILE, OFFICE_CODE, _("The office the return belongs to"), code, ""),
        (PROFILE, YEAR, _("The year of the return: the office as of 31 December"), _("A year"), ""),
        (
            PROFILE,
            AREA,
            _("Business premises area"),
            _("Square metres, at most 1 decimal place; empty: not recorded"),
            "",
        ),
    ]
    docs += [
        (PROFILE, column, _("Whether the room is present"), yes_no, f"{YES}、{NO}")
        for column in ROOM_COLUMNS
    ]
    docs += [
        (PROFILE, column, _("Whether the sign is up"), yes_no, f"{YES}、{NO}")
        for column in SIGN_COLUMNS
    ]
    docs += [
        (
            PROFILE,
            QUOTA,
            _("Politics-and-law special posts of the office (quota)"),
            _("A whole number; empty means 0"),
            "",
        ),
        (
            PROFILE,
            PARTY_FORM,
            _("Form of the party organisation"),
            _("Text; empty: not recorded"),
            "、".join(PARTY_FORM_LABELS),
        ),
        (
            PROFILE,
            "远程探视系统安装日期",
            _("Remote visitation system installed on"),
            _("%(day)s; empty: not installed") % {"day": day},
            "",
        ),
        (
            PROFILE,
            "视频会议系统安装日期",
            _("Video conferencing system installed on"),
            _("%(day)s; empty: not installed") % {"day": day},
            "",
        ),
        (STAFF, OFFICE_CODE, _("The office the person works at"), code_staff, ""),
        (STAFF, NAME, _("Name as registered"), _("Text, at most 60 characters"), ""),
        (
            STAFF,
            ID_NUMBER,
            _("Resident ID number: finds the person in the registry, or registers them"),
            _("18 characters as text; the checksum is checked"),
            "",
        ),
        (
            STAFF,
            ESTABLISHMENT,
            _("Establishment type"),
            _("Required"),
            "、".join(ESTABLISHMENT_LABELS),
        ),
        (STAFF, POST, _("Post"), _("Required"), "、".join(POST_LABELS)),
        (STAFF, PARTY_MEMBER, _("Party member"), yes_no, f"{YES}、{NO}"),
        (
            STAFF,
            QUALIFICATION,
            _("Holds the legal professional qualification"),
            yes_no,
            f"{YES}、{NO}",
        ),
        (
            STAFF,
            ON_POST,
            _(
                "On post from; the row goes to every listed year of the office in which the "
                "person is on post at some point"
            ),
            _("%(day)s; required") % {"day": day},
            "",
        ),
        (
            STAFF,
            OFF_POST,
            _("Off post on (not on post from that day)"),
            _("%(day)s; empty: still on post") % {"day": day},
            "",
        ),
        (TRAINING, OFFICE_CODE, _("The office of the staff member"), code_staff, ""),
        (
            TRAINING,
            ID_NUMBER,
            _("The staff member: a person on this office's rows of 人员"),
            _("18 characters as text"),
            "",
        ),
        (TRAINING, COURSE, _("Course"), _("Text, at most 200 characters"), ""),
        (
            TRAINING,
            START,
            _("Start date: the training counts in the return of this year"),
            _("%(day)s; required") % {"day": day},
            "",
        ),
        (
            TRAINING,
            DAYS,
            _("Days of training"),
            _("A number, at most 1 decimal place; empty means 0"),
            "",
        ),
        (
            TRAINING,
            HOURS,
            _("Class hours of training"),
            _("A number, at most 1 decimal place; empty means 0"),
            "",
        ),
        (FUNDING, OFFICE_CODE, _("The office"), code_staff, ""),
        (
            FUNDING,
            YEAR,
            _("The year: one row per office and year listed in 基本情况"),
            _("A year"),
            "",
        ),
    ]
    docs += [
        (FUNDING, column, _("Funds of the year in this category"), money, "")
        for column in FUNDING_COLUMNS
    ]
    return docs


def _general_rules() -> list[str]:
    return [
        _(
            "Each office and year listed in 基本情况 is one return, describing the office as "
            "of 31 December of that year. Importing it replaces that office's return for that "
            "year; other years and other offices are untouched."
        ),
        _(
            "A listed year without a row in 经费 has no funds recorded; a row of 人员 that "
            "falls in no listed year of its office is an error."
        ),
        _(
            "The import is all or nothing: every row is checked first, and when any row is "
            "wrong nothing is written and every error is reported by sheet, row and column."
        ),
        _("Importing the same file again changes nothing."),
        _("The first row of each sheet is the header; keep the sheet and column names."),
    ]


def template_workbook() -> bytes:
    """Return the downloadable template: the four sheets with an example row, and 说明."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(columns))
        sheet.append([neutralise(v) for v in EXAMPLES[name]])
        for cell in sheet[1]:
            cell.font = bold
        for cell in sheet[2]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif sheet.cell(1, cell.column).value == ID_NUMBER:
                cell.number_format = "@"  # text: Excel would round an 18-digit number
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(1, index).column_letter
            sheet.column_dimensions[letter].width = max(len(column) * 2 + 2, 12)
        sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(NOTES)
    notes.append([_("Sheet"), _("Column"), _("Meaning"), _("Format"), _("Allowed values")])
    for cell in notes[1]:
        cell.font = bold
    for row in _column_docs():
        notes.append(list(row))
    notes.append([])
    notes.append([_("General rules")])
    notes.cell(notes.max_row, 1).font = bold
    for rule in _general_rules():
        notes.append([rule])
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (10, 22, 50, 40, 40), strict=True):
        notes.column_dimensions[letter].width = width
        for cell in notes[letter]:
            cell.alignment = wrap
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
