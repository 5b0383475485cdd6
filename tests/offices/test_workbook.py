"""The office-returns workbook: import all or nothing, re-import idempotent, the command, template.

Issue 3, "Import and export": the sheet and column names are a contract.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from freezegun import freeze_time
from openpyxl import Workbook, load_workbook

from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import AuditEvent
from sifasuo.offices import services as office_services
from sifasuo.offices.choices import PartyForm, RoomKind
from sifasuo.offices.models import OfficeReturn
from sifasuo.offices.workbook import (
    FUNDING,
    NOTES,
    PROFILE,
    SHEETS,
    STAFF,
    TRAINING,
    import_returns,
    template_workbook,
)
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from sifasuo.staff import services as staff_services
from sifasuo.staff.choices import Establishment, Post
from sifasuo.staff.models import StaffMember, Training
from sifasuo.standards.checks import run_checks
from tests.offices import factories

XIYILU = "610102001"  # 西一路 (新城区)
CHANGLE = "610102002"  # 长乐中路 (新城区)
WEIQU = "610116001"  # 韦曲 (长安区)

ZHANG = synthetic_id_number("610102", date(1980, 1, 1), 11, male=True)
LI = synthetic_id_number("610102", date(1990, 2, 2), 12, male=False)
WANG = synthetic_id_number("610102", date(1970, 3, 3), 13, male=True)
LIU = synthetic_id_number("610102", date(1995, 4, 4), 14, male=False)
STRANGER = synthetic_id_number("610102", date(1985, 5, 5), 15, male=True)


def profile(office: str, year: int, **cells: Any) -> dict[str, Any]:
    """A 基本情况 row: every room and sign present, quota 1, unless told otherwise."""
    row: dict[str, Any] = dict.fromkeys(SHEETS[PROFILE], "是")
    row.update(
        {
            "司法所代码": office,
            "年度": year,
            "业务用房面积": 150,
            "政法专项编制数": 1,
            "党组织形式": "联合党支部",
            "远程探视系统安装日期": date(2022, 6, 1),
            "视频会议系统安装日期": date(2022, 6, 1),
        }
    )
    row.update(cells)
    return row


def staff(office: str, name: str, number: str, *values: Any, off: date | None = None) -> dict:
    establishment, post, party, qualification, on = values
    return dict(
        zip(
            SHEETS[STAFF],
            (office, name, number, establishment, post, party, qualification, on, off),
            strict=True,
        )
    )


def training(office: str, number: str, course: str, start: Any, days: Any, hours: Any) -> dict:
    return dict(zip(SHEETS[TRAINING], (office, number, course, start, days, hours), strict=True))


def funding(office: str, year: int, *amounts: Any) -> dict:
    return dict(zip(SHEETS[FUNDING], (office, year, *amounts), strict=True))


def good_sheets() -> dict[str, list[dict[str, Any]]]:
    """Two offices, two years of 西一路: every rule of placement used once."""
    return {
        PROFILE: [
            profile(
                XIYILU,
                2023,
                业务用房面积=119.5,
                档案室="否",
                政法专项编制数=2,
                党组织形式="独立党支部",
                视频会议系统安装日期=None,
            ),
            profile(XIYILU, 2024, 视频会议系统安装日期=date(2024, 11, 20)),
            profile(CHANGLE, 2024, 业务用房面积="130.0", 党组织形式="镇街党组织", 司法所吊牌="否"),
        ],
        STAFF: [
            staff(XIYILU, "张伟", ZHANG, "政法专项编制", "所长", "是", "是", date(2020, 1, 1)),
            staff(XIYILU, "李娜", LI, "聘用", "工作人员", "否", "否", date(2024, 2, 1)),
            staff(
                XIYILU,
                "王强",
                WANG,
                "事业编制",
                "副所长",
                "是",
                "否",
                date(2019, 5, 1),
                off=date(2023, 6, 30),
            ),
            staff(CHANGLE, "刘洋", LIU, "志愿者", "辅助人员", "否", "否", date(2021, 9, 1)),
        ],
        TRAINING: [
            training(XIYILU, ZHANG, "全市司法所业务培训", date(2024, 3, 5), 12, None),
            training(XIYILU, ZHANG, "人民调解业务培训", date(2023, 5, 10), 5, 40),
            training(XIYILU, LI, "新入职人员培训", date(2024, 4, 1), None, 90),
            training(CHANGLE, LIU, "志愿者培训", date(2024, 6, 1), 1, 8),
        ],
        FUNDING: [
            funding(XIYILU, 2024, 300000, 50000.5, "20000.00", 10000, 5000),
            funding(CHANGLE, 2024, 200000, 40000, 0, None, 0),
        ],
    }


def workbook(sheets: dict[str, list[dict[str, Any]]], *, text_dates: bool = False) -> io.BytesIO:
    """An .xlsx of the four sheets; dates as real date cells, or as 2024-03-05 text."""
    book = Workbook()
    book.remove(book.active)
    for name, columns in SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append(list(columns))
        for row in sheets.get(name, []):
            values = [row.get(column) for column in columns]
            if text_dates:
                values = [v.isoformat() if isinstance(v, date) else v for v in values]
            sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def counts() -> dict[str, int]:
    return {
        "returns": OfficeReturn.objects.count(),
        "people": Person.objects.count(),
        "staff": StaffMember.objects.count(),
        "trainings": Training.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def the_return(office: str, year: int) -> OfficeReturn:
    return OfficeReturn.objects.get(unit__code=office, year=year)


def person_of(number: str) -> Person:
    index = Person._meta.get_field("id_number_bidx").index_of(number)
    return Person.objects.get(id_number_bidx=index)


def errors_of(result: Any) -> list[tuple[str, int, str]]:
    return [(e.sheet, e.row, e.column) for e in result.errors]


# --- Import ----------------------------------------------------------------------------------


def test_a_valid_workbook_creates_the_returns_with_their_values(demo):
    # given: dates as real date cells
    stream = workbook(good_sheets())
    # when
    result = import_returns(actor=None, stream=stream)
    # then
    assert result.ok, result.errors
    assert (result.created, result.replaced, result.unchanged) == (3, 0, 0)
    assert result.people_registered == 4
    r2023, r2024, changle = (
        the_return(XIYILU, 2023),
        the_return(XIYILU, 2024),
        the_return(CHANGLE, 2024),
    )
    assert r2023.business_area == Decimal("119.5")
    assert r2023.establishment_quota == 2
    assert r2023.party_form == PartyForm.INDEPENDENT
    assert r2023.remote_visit_installed_on == date(2022, 6, 1)
    assert r2023.video_conf_installed_on is None
    assert r2024.video_conf_installed_on == date(2024, 11, 20)
    assert changle.business_area == Decimal("130.0")
    assert changle.party_form == PartyForm.TOWN
    assert (changle.sign_emblem, changle.sign_office_plaque) == (True, False)
    rooms_2023 = {room.kind: room.present for room in r2023.rooms.all()}
    assert rooms_2023 == {kind: kind != RoomKind.ARCHIVE for kind in RoomKind.values}
    # funding: yuan, two places; a year without a 经费 row has none
    assert r2024.funding() == {
        "personnel": Decimal("300000.00"),
        "public": Decimal("50000.50"),
        "casework": Decimal("20000.00"),
        "equipment": Decimal("10000.00"),
        "infrastructure": Decimal("5000.00"),
    }
    assert changle.funding_equipment == Decimal("0.00")
    assert set(r2023.funding().values()) == {Decimal("0.00")}
    # staff: a row goes to each listed year in which the person is on post
    assert {m.person.name for m in r2023.staff.all()} == {"张伟", "王强"}
    assert {m.person.name for m in r2024.staff.all()} == {"张伟", "李娜"}
    director = r2024.staff.get(person__name="张伟")
    assert (director.establishment, director.post) == (Establishment.POLITICS_LAW, Post.DIRECTOR)
    assert (director.is_party_member, director.has_legal_qualification) == (True, True)
    assert director.on_post_on == date(2020, 1, 1)
    assert r2023.staff.get(person__name="王强").off_post_on == date(2023, 6, 30)
    assert changle.staff.get().establishment == Establishment.VOLUNTEER
    # trainings: in the return of their start year
    assert [(t.course, t.days, t.hours) for t in r2023.trainings.all()] == [
        ("人民调解业务培训", Decimal("5.0"), Decimal("40.0"))
    ]
    assert sorted((t.person.name, t.days, t.hours) for t in r2024.trainings.all()) == [
        ("张伟", Decimal("12.0"), Decimal("0.0")),
        ("李娜", Decimal("0.0"), Decimal("90.0")),
    ]
    # people: registered once, by their office, found by the blind index
    zhang = person_of(ZHANG)
    assert zhang.name == "张伟"
    assert zhang.unit.code == XIYILU
    assert person_of(LIU).unit.code == CHANGLE
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.action == "import_committed"
    assert last.changes["created"] == 3
    assert len(last.changes["sm3"]) == 64


def test_compliance_checks_read_the_imported_returns(demo):
    # given: dates as text this time
    stream = workbook(good_sheets(), text_dates=True)
    # when
    result = import_returns(actor=None, stream=stream)
    checks_2024 = {c.code: c for c in run_checks(the_return(XIYILU, 2024))}
    checks_2023 = {c.code: c for c in run_checks(the_return(XIYILU, 2023))}
    # then
    assert result.ok, result.errors
    assert all(c.passed for c in checks_2024.values()), checks_2024
    # 张伟 12 days, 李娜 90 hours in 2024; in 2023 张伟 has only 5 days / 40 hours
    assert (checks_2024["STAFF_TRAINING"].value, checks_2024["STAFF_TRAINING"].threshold) == (2, 2)
    assert not checks_2023["STAFF_TRAINING"].passed
    assert "5.0" in checks_2023["STAFF_TRAINING"].explanation
    assert not checks_2023["PREMISES_AREA"].passed  # 119.5 m²
    assert not checks_2023["PREMISES_ROOMS"].passed  # no archive room
    assert not checks_2023["PARTY_ORG"].passed  # independent branch, one member on post
    assert not checks_2023["FUNDING"].passed  # no 经费 row for 2023
    assert checks_2023["STAFF_FULL"].value == 1  # 王强 left on 30 June


def _register_zhang_under_another_name() -> None:
    people_services.person_create(
        actor=None,
        unit=factories.unit(XIYILU),
        name="张卫",
        id_number=ZHANG,
    )


def _bad_date(sheets):
    sheets[STAFF][1]["到岗日期"] = "2024-02-30"
    return (STAFF, 3, "到岗日期")


def _bad_install_date(sheets):
    sheets[PROFILE][0]["远程探视系统安装日期"] = "去年"
    return (PROFILE, 2, "远程探视系统安装日期")


def _unknown_establishment(sheets):
    sheets[STAFF][0]["编制类型"] = "临时工"
    return (STAFF, 2, "编制类型")


def _unknown_office(sheets):
    sheets[PROFILE].append(profile("610102999", 2024))
    return (PROFILE, 5, "司法所代码")


def _training_of_a_stranger(sheets):
    sheets[TRAINING].append(training(XIYILU, STRANGER, "业务培训", date(2024, 5, 1), 1, 8))
    return (TRAINING, 6, "身份证号")


def _id_under_another_name(sheets):
    _register_zhang_under_another_name()
    return (STAFF, 2, "身份证号")


def _bad_checksum(sheets):
    wrong = STRANGER[:-1] + ("0" if STRANGER[-1] != "0" else "1")
    sheets[STAFF].append(
        staff(XIYILU, "赵六", wrong, "聘用", "工作人员", "否", "否", date(2024, 1, 1))
    )
    return (STAFF, 6, "身份证号")


def _funding_for_an_unlisted_year(sheets):
    sheets[FUNDING].append(funding(CHANGLE, 2023, 1, 1, 1, 1, 1))
    return (FUNDING, 4, "年度")


BAD_ROWS = [
    _bad_date,
    _bad_install_date,
    _unknown_establishment,
    _unknown_office,
    _training_of_a_stranger,
    _id_under_another_name,
    _bad_checksum,
    _funding_for_an_unlisted_year,
]


@pytest.mark.parametrize("spoil", BAD_ROWS, ids=[f.__name__.strip("_") for f in BAD_ROWS])
def test_one_bad_row_is_reported_and_nothing_is_written(demo, spoil):
    # given: a good workbook with one bad row (which also has a new person to register)
    sheets = good_sheets()
    expected = spoil(sheets)
    before = counts()
    # when
    result = import_returns(actor=None, stream=workbook(sheets))
    # then
    assert not result.ok
    assert errors_of(result) == [expected]
    assert result.errors[0].message
    assert (result.created, result.replaced, result.unchanged) == (0, 0, 0)
    after = counts()
    assert after == {**before, "audit": before["audit"] + 1}
    rejected = AuditEvent.objects.order_by("-seq").first()
    assert rejected.action == "import_rejected"
    assert rejected.changes["errors"] == 1


def test_every_bad_row_is_reported_at_once(demo):
    # given: all the bad rows in one workbook
    sheets = good_sheets()
    expected = {spoil(sheets) for spoil in BAD_ROWS}
    before = counts()
    # when
    with translation.override("en"):
        result = import_returns(actor=None, stream=workbook(sheets))
    # then: every one, naming its sheet, row, column and rule
    assert set(errors_of(result)) == expected
    messages = {(e.sheet, e.row, e.column): e.message for e in result.errors}
    assert "another name" in messages[(STAFF, 2, "身份证号")]
    assert "checksum" in messages[(STAFF, 6, "身份证号")]
    assert "2024-03-05" in messages[(STAFF, 3, "到岗日期")]
    assert "临时工" not in messages[(STAFF, 2, "编制类型")]
    assert "政法专项编制" in messages[(STAFF, 2, "编制类型")]
    with translation.override("en"):
        assert str(result.errors[0]).startswith(f"{result.errors[0].sheet}, row ")
    order = [(list(SHEETS).index(e.sheet), e.row) for e in result.errors]
    assert order == sorted(order)  # by sheet as the workbook orders them, then by row
    assert counts() == {**before, "audit": before["audit"] + 1}


def test_a_refusal_while_writing_rolls_back_everything(demo, monkeypatch):
    # given: a service refuses the last return, after people and other returns were written
    def refuse(**kwargs):
        if kwargs["office_return"].unit.code == CHANGLE:
            raise ApplicationError("refused")
        return original(**kwargs)

    original = staff_services.staff_replace
    monkeypatch.setattr(staff_services, "staff_replace", refuse)
    before = counts()
    # when
    result = import_returns(actor=None, stream=workbook(good_sheets()))
    # then: reported on the return's row of 基本情况; no person, no return kept
    assert errors_of(result) == [(PROFILE, 4, "")]
    assert result.errors[0].message == "refused"
    assert (result.created, result.people_registered) == (0, 0)
    assert counts() == {**before, "audit": before["audit"] + 1}
    assert AuditEvent.objects.order_by("-seq").first().action == "import_rejected"


def test_a_file_that_is_not_a_workbook_is_refused(demo):
    # given
    before = counts()
    # when
    result = import_returns(actor=None, stream=io.BytesIO(b"not a workbook"))
    # then
    assert errors_of(result) == [("", 0, "")]
    assert counts() == {**before, "audit": before["audit"] + 1}


def damaged(data: bytes, part: str, damage: Any) -> io.BytesIO:
    """The workbook ``data`` with its ``part`` rewritten by ``damage`` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, damage(content) if info.filename == part else content)
    out.seek(0)
    return out


def _cut_inside_row_3(xml: bytes) -> bytes:
    return xml[: xml.index(b'<row r="3"') + 40] + b"<<<"


def _number_cell_of_text(xml: bytes) -> bytes:
    return xml.replace(b'<row r="2"', b'<row r="2"><c r="Z2" t="n"><v>not a number</v></c', 1)


@pytest.mark.parametrize(
    ("damage", "row"),
    [(_cut_inside_row_3, 3), (_number_cell_of_text, 2)],
    ids=["broken-xml", "bad-cell-value"],
)
def test_a_damaged_sheet_is_a_row_error_not_a_server_error(demo, damage, row):
    # given: a good workbook whose 人员 sheet (the second part) is damaged
    data = workbook(good_sheets()).getvalue()
    before = counts()
    # when
    result = import_returns(actor=None, stream=damaged(data, "xl/worksheets/sheet2.xml", damage))
    # then: the sheet and the row where reading stopped, and nothing imported
    assert errors_of(result) == [(STAFF, row, "")]
    assert "damaged" in result.errors[0].message or "损坏" in result.errors[0].message
    assert counts() == {**before, "audit": before["audit"] + 1}
    assert AuditEvent.objects.order_by("-seq").first().action == "import_rejected"


def test_a_missing_sheet_is_refused(demo):
    # given: a workbook without 经费
    book = load_workbook(workbook(good_sheets()))
    del book[FUNDING]
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    # when
    result = import_returns(actor=None, stream=stream)
    # then
    assert errors_of(result) == [(FUNDING, 0, "")]
    assert not OfficeReturn.objects.exists()


def test_the_same_file_again_is_refused_with_the_date_of_its_first_import(demo):
    # given
    data = workbook(good_sheets()).getvalue()
    with freeze_time("2024-10-08 09:30:00"):
        import_returns(actor=None, stream=io.BytesIO(data))
    before = counts()
    # when
    with translation.override("zh-hans"):
        result = import_returns(actor=None, stream=io.BytesIO(data))
    # then
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("", 0, "")]
    assert "2024年10月8日" in result.errors[0].message
    assert "已" in result.errors[0].message
    assert (result.created, result.replaced, result.unchanged) == (0, 0, 0)
    assert counts() == {**before, "audit": before["audit"] + 1}
    rejected = AuditEvent.objects.order_by("-seq").first()
    assert rejected.action == "import_rejected"
    assert rejected.changes == {"sm3": result.digest, "errors": 1}


def test_importing_the_same_file_again_on_purpose_changes_nothing(demo):
    # given
    data = workbook(good_sheets()).getvalue()
    import_returns(actor=None, stream=io.BytesIO(data))
    staff_before = sorted(StaffMember.objects.values_list("pk", "version"))
    trainings_before = sorted(Training.objects.values_list("pk", flat=True))
    returns_before = sorted(OfficeReturn.objects.values_list("pk", "version"))
    seq = AuditEvent.objects.order_by("-seq").first().seq
    before = counts()
    # when
    result = import_returns(actor=None, stream=io.BytesIO(data), again=True)
    # then
    assert result.ok
    assert (result.created, result.replaced, result.unchanged) == (0, 0, 3)
    assert result.people_registered == 0
    assert [e.action for e in AuditEvent.objects.filter(seq__gt=seq)] == ["import_committed"]
    assert counts() == {**before, "audit": before["audit"] + 1}
    assert sorted(StaffMember.objects.values_list("pk", "version")) == staff_before
    assert sorted(Training.objects.values_list("pk", flat=True)) == trainings_before
    assert sorted(OfficeReturn.objects.values_list("pk", "version")) == returns_before


def test_what_the_workbook_does_not_hold_is_kept(demo):
    # given: the office entered education and ownership on the pages after an import
    data = workbook(good_sheets()).getvalue()
    import_returns(actor=None, stream=io.BytesIO(data))
    r2024 = the_return(XIYILU, 2024)
    member = r2024.staff.get(person__name="张伟")
    staff_services.staff_update(
        actor=None, member=member, version=member.version, education="BACHELOR"
    )
    office_services.return_update(actor=None, office_return=r2024, ownership="OWNED")
    # when
    result = import_returns(actor=None, stream=io.BytesIO(data), again=True)
    # then
    assert result.unchanged == 3
    assert r2024.staff.get(person__name="张伟").education == "BACHELOR"
    assert the_return(XIYILU, 2024).ownership == "OWNED"


def test_reimport_without_a_person_removes_them_audited_and_leaves_other_years(demo):
    # given: 2023 and 2024 imported; a 2022 return kept on the pages
    import_returns(actor=None, stream=workbook(good_sheets()))
    r2022 = factories.office_return(office=XIYILU, year=2022)
    factories.staff_member(r2022)
    untouched = {
        (r.pk, r.version, tuple(sorted(r.staff.values_list("pk", "version"))))
        for r in OfficeReturn.objects.exclude(unit__code=XIYILU, year=2024)
    }
    li_2024 = the_return(XIYILU, 2024).staff.get(person__name="李娜")
    li_training = the_return(XIYILU, 2024).trainings.get(person__name="李娜")
    seq = AuditEvent.objects.order_by("-seq").first().seq
    sheets = good_sheets()
    sheets[STAFF] = [row for row in sheets[STAFF] if row["姓名"] != "李娜"]
    sheets[TRAINING] = [row for row in sheets[TRAINING] if row["身份证号"] != LI]
    # when
    result = import_returns(actor=None, stream=workbook(sheets))
    # then
    assert result.ok, result.errors
    assert (result.created, result.replaced, result.unchanged) == (0, 1, 2)
    assert not StaffMember.objects.filter(pk=li_2024.pk).exists()
    assert not Training.objects.filter(pk=li_training.pk).exists()
    events = list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("delete", "staff.staffmember", str(li_2024.public_id)),
        ("delete", "staff.training", str(li_training.pk)),
        ("import_committed", "offices.officereturn", ""),
    ]
    assert person_of(LI).name == "李娜"  # people stay in the registry
    assert {
        (r.pk, r.version, tuple(sorted(r.staff.values_list("pk", "version"))))
        for r in OfficeReturn.objects.exclude(unit__code=XIYILU, year=2024)
    } == untouched


def test_a_clerk_imports_only_their_own_office(office_clerk):
    # given: 韦曲 (another district) and a code that exists nowhere, next to 西一路
    sheets = {
        PROFILE: [profile(XIYILU, 2024), profile(WEIQU, 2024), profile("610102999", 2024)],
        STAFF: [staff(WEIQU, "刘洋", LIU, "聘用", "工作人员", "否", "否", date(2021, 9, 1))],
    }
    before = counts()
    # when
    result = import_returns(actor=office_clerk, stream=workbook(sheets))
    # then: the same words for "not yours" and "not there"
    assert errors_of(result) == [
        (PROFILE, 3, "司法所代码"),
        (PROFILE, 4, "司法所代码"),
        (STAFF, 2, "司法所代码"),
    ]
    assert len({e.message for e in result.errors}) == 1
    assert counts() == {**before, "audit": before["audit"] + 1}
    rejected = AuditEvent.objects.order_by("-seq").first()
    assert (rejected.action, rejected.actor) == ("import_rejected", office_clerk)


def test_a_clerk_imports_their_office(office_clerk):
    # given
    sheets = {
        PROFILE: [profile(XIYILU, 2024)],
        STAFF: [staff(XIYILU, "张伟", ZHANG, "政法专项编制", "所长", "是", "否", date(2020, 1, 1))],
    }
    # when
    result = import_returns(actor=office_clerk, stream=workbook(sheets))
    # then
    assert result.ok, result.errors
    assert result.created == 1
    assert the_return(XIYILU, 2024).created_by == office_clerk
    assert person_of(ZHANG).created_by == office_clerk


# --- The command -------------------------------------------------------------------------------


def _file(tmp_path, sheets, name="returns.xlsx"):
    path = tmp_path / name
    path.write_bytes(workbook(sheets).getvalue())
    return str(path)


def test_the_command_reports_a_bad_file_and_exits_non_zero(demo, tmp_path):
    # given
    sheets = good_sheets()
    _unknown_establishment(sheets)
    path = _file(tmp_path, sheets)
    stderr = io.StringIO()
    before = counts()
    # when
    with pytest.raises(CommandError) as failed:
        call_command("import_office_profiles", path, stderr=stderr)
    # then
    assert failed.value.returncode != 0
    report = stderr.getvalue()
    assert "人员" in report
    assert "编制类型" in report
    assert "2" in report
    assert counts() == {**before, "audit": before["audit"] + 1}


def test_the_command_imports_and_a_second_run_changes_nothing(demo, tmp_path):
    # given
    path = _file(tmp_path, good_sheets())
    first, second, stderr = io.StringIO(), io.StringIO(), io.StringIO()
    # when
    call_command("import_office_profiles", path, stdout=first)
    with pytest.raises(CommandError):
        call_command("import_office_profiles", path, stderr=stderr)
    before = counts()
    call_command("import_office_profiles", path, "--again", stdout=second)
    # then
    assert "SM3" in stderr.getvalue()  # refused as a file imported before
    assert "3" in first.getvalue()
    assert OfficeReturn.objects.count() == 3
    assert counts() == {**before, "audit": before["audit"] + 1}
    assert AuditEvent.objects.order_by("-seq").first().changes["unchanged"] == 3


def test_the_command_acts_as_the_named_user(office_clerk, tmp_path):
    # given: 韦曲 is out of the 西一路 clerk's reach
    path = _file(tmp_path, {PROFILE: [profile(WEIQU, 2024)]})
    stderr = io.StringIO()
    # when
    with pytest.raises(CommandError):
        call_command("import_office_profiles", path, actor="xiyilu_clerk", stderr=stderr)
    # then
    assert "司法所代码" in stderr.getvalue()
    assert not OfficeReturn.objects.exists()


def test_the_command_refuses_a_missing_file_or_an_unknown_user(demo, tmp_path):
    # given
    path = _file(tmp_path, good_sheets())
    # when / then
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_office_profiles", str(tmp_path / "missing.xlsx"))
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_office_profiles", path, actor="nobody")
    assert not OfficeReturn.objects.exists()


# --- The template ------------------------------------------------------------------------------


def test_the_template_has_the_sheets_an_example_row_and_documents_every_column(demo):
    # given
    content = template_workbook()
    # when
    book = load_workbook(io.BytesIO(content))
    # then
    assert book.sheetnames == [*SHEETS, NOTES]
    for name, columns in SHEETS.items():
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0] == columns
        assert len(rows) == 2
    documented = {(row[0], row[1]) for row in book[NOTES].iter_rows(min_row=2, values_only=True)}
    assert {(name, column) for name, columns in SHEETS.items() for column in columns} <= documented
    allowed = " ".join(str(row[4] or "") for row in book[NOTES].iter_rows(values_only=True))
    for word in ("政法专项编制", "志愿者", "副所长", "辅助人员", "独立党支部", "镇街党组织"):
        assert word in allowed


def test_the_template_imports_as_it_is(demo):
    # given
    stream = io.BytesIO(template_workbook())
    # when
    result = import_returns(actor=None, stream=stream)
    # then
    assert result.ok, result.errors
    assert result.created == 1
    checks = {c.code: c.passed for c in run_checks(OfficeReturn.objects.get())}
    assert checks["STAFF_TRAINING"]


# --- The factories (shared with the other office, staff and standards tests) -----------------


def test_the_factories_build_a_return_that_passes_every_check(demo):
    # given
    office_return = factories.office_return()
    member = factories.staff_member(office_return, party=True)
    factories.training(office_return, member.person, hours="90")
    # when
    results = run_checks(office_return)
    # then
    assert [c.code for c in results if not c.passed] == []
    assert office_return.unit.code == factories.OFFICE
    assert member.person.unit == office_return.unit
