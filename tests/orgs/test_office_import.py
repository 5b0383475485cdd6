"""Office import: all rows or none, a per-row error report, audited (given / when / then)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from sifasuo.core.choices import AuditOutcome
from sifasuo.core.crypto import sm3
from sifasuo.core.models import AuditEvent
from sifasuo.core.xlsx import build_workbook
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.services import OFFICE_COLUMNS, office_import

UPDATE_XIYILU = [
    "610102001",
    "西一路街道司法所",
    "610102001",
    "610102002",
    "610102",
    "西安市新城区西一路100号",
    "029-87000001",
    "周一至周五 9:00—17:00",
]
CREATE_SECOND = [
    "61010200102",
    "西一路街道第二司法所",
    "610102001",
    "",
    "610102",
    "西安市新城区西一路200号",
    "029-87000002",
    "周一至周五",
]


def _workbook(*rows) -> bytes:
    return build_workbook("offices", OFFICE_COLUMNS, rows)


def _with(row: list[str], column: str, value: str) -> list[str]:
    changed = list(row)
    changed[OFFICE_COLUMNS.index(column)] = value
    return changed


def test_a_valid_workbook_updates_and_creates_offices(sysadmin):
    # given
    content = _workbook(UPDATE_XIYILU, CREATE_SECOND)
    # when
    result = office_import(actor=sysadmin, stream=io.BytesIO(content))
    # then
    assert result.ok
    assert (result.created, result.updated) == (1, 1)
    xiyilu = Unit.objects.get(code="610102001")
    assert xiyilu.address == "西安市新城区西一路100号"
    assert xiyilu.phone == "029-87000001"
    assert xiyilu.is_demo_contact is False
    assert [d.code for d in xiyilu.other_divisions.all()] == ["610102002"]
    second = Unit.objects.get(code="61010200102")
    assert second.kind == UnitKind.OFFICE
    assert second.parent.code == "610102"
    assert second.path == "/610100/610102/61010200102/"
    assert second.short_name == "新城西一路"
    assert second.created_by == sysadmin


def test_a_committed_import_is_audited(sysadmin):
    # given
    content = _workbook(UPDATE_XIYILU, CREATE_SECOND)
    # when
    office_import(actor=sysadmin, stream=io.BytesIO(content))
    # then
    event = AuditEvent.objects.get(action="import_committed")
    assert event.actor == sysadmin
    assert event.changes == {
        "sm3": sm3(content),
        "created": ["61010200102"],
        "updated": ["610102001"],
    }


def test_one_bad_town_code_imports_nothing_and_names_the_row(sysadmin):
    # given: the second data row (sheet row 3) names a town that does not exist
    before = Unit.objects.get(code="610102001")
    content = _workbook(UPDATE_XIYILU, _with(CREATE_SECOND, "主要服务镇街代码", "610102999"))
    # when
    result = office_import(actor=sysadmin, stream=io.BytesIO(content))
    # then
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "主要服务镇街代码")]
    assert (result.created, result.updated) == (0, 0)
    after = Unit.objects.get(code="610102001")
    assert (after.address, after.phone, after.version) == (
        before.address,
        before.phone,
        before.version,
    )
    assert not Unit.objects.filter(code="61010200102").exists()
    event = AuditEvent.objects.get(action="import_rejected")
    assert event.outcome == AuditOutcome.ERROR
    assert event.changes == {"sm3": sm3(content), "errors": 1}
    assert not AuditEvent.objects.filter(action="import_committed").exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("司法所代码", "6101020"),
        ("司法所代码", "610103001"),  # not under the main town
        ("名称", ""),
        ("其他服务镇街代码", "610102002,999999999"),
        ("管理单位代码", "610102001"),  # an office, not a bureau
        ("电话", "call us"),
        ("地址", "长" * 201),
    ],
)
def test_each_rule_reports_its_column(sysadmin, column, value):
    # given
    content = _workbook(UPDATE_XIYILU, _with(CREATE_SECOND, column, value))
    # when
    result = office_import(actor=sysadmin, stream=io.BytesIO(content))
    # then
    assert (3, column) in [(e.row, e.column) for e in result.errors]
    assert not Unit.objects.filter(code="61010200102").exists()


def test_a_code_twice_is_reported_on_the_second_row(sysadmin):
    # when
    result = office_import(
        actor=sysadmin, stream=io.BytesIO(_workbook(UPDATE_XIYILU, UPDATE_XIYILU))
    )
    # then
    assert [(e.row, e.column) for e in result.errors] == [(3, "司法所代码")]
    assert "2" in result.errors[0].message


def test_a_file_that_is_not_a_workbook_is_reported(sysadmin):
    # when
    result = office_import(actor=sysadmin, stream=io.BytesIO(b"%PDF-1.4 not excel"))
    # then
    assert not result.ok
    assert result.errors[0].row == 1


def test_a_missing_column_is_reported(sysadmin):
    # given
    content = build_workbook("offices", OFFICE_COLUMNS[:-1], [UPDATE_XIYILU[:-1]])
    # when
    result = office_import(actor=sysadmin, stream=io.BytesIO(content))
    # then
    assert not result.ok
    assert "办公时间" in result.errors[0].message


def test_moving_an_office_to_another_bureau_moves_its_committee(sysadmin):
    # given
    content = _workbook(_with(UPDATE_XIYILU, "管理单位代码", "6101A2"))
    # when
    result = office_import(actor=sysadmin, stream=io.BytesIO(content))
    # then
    assert result.ok
    assert Unit.objects.get(code="610102001").path == "/610100/6101A2/610102001/"
    assert Unit.objects.get(code="610102001T01").path == "/610100/6101A2/610102001/610102001T01/"


def test_a_clerk_may_not_import_and_the_attempt_is_recorded(office_clerk):
    # when / then
    with pytest.raises(PermissionDenied):
        office_import(actor=office_clerk, stream=io.BytesIO(_workbook(UPDATE_XIYILU)))
    event = AuditEvent.objects.get(action="import", actor=office_clerk)
    assert event.outcome == AuditOutcome.DENIED
    assert Unit.objects.get(code="610102001").address != UPDATE_XIYILU[5]


def test_the_sysadmin_imports_through_the_page(client_for, sysadmin):
    # given
    upload = SimpleUploadedFile("offices.xlsx", _workbook(UPDATE_XIYILU, CREATE_SECOND))
    # when
    response = client_for(sysadmin).post("/units/import/", {"file": upload})
    # then
    assert response.status_code == 200
    assert response.context["result"] == {"created": 1, "updated": 1}
    assert Unit.objects.filter(code="61010200102").exists()


def test_the_page_lists_the_errors(client_for, sysadmin):
    # given
    bad = _with(CREATE_SECOND, "主要服务镇街代码", "610102999")
    upload = SimpleUploadedFile("offices.xlsx", _workbook(UPDATE_XIYILU, bad))
    # when
    response = client_for(sysadmin).post("/units/import/", {"file": upload})
    # then
    assert response.status_code == 200
    assert response.context["result"] is None
    assert [(e["row"], e["column"]) for e in response.context["errors"]] == [
        (3, "主要服务镇街代码")
    ]
    assert "主要服务镇街代码" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_clerk_gets_403_on_the_import_page(client_for, office_clerk, method):
    # when
    response = getattr(client_for(office_clerk), method)("/units/import/")
    # then
    assert response.status_code == 403


def test_an_export_of_offices_imports_back_unchanged(client_for, sysadmin):
    # given
    client = client_for(sysadmin)
    exported = client.get("/units/offices.xlsx?parent=610102")
    assert exported.status_code == 200
    # when
    upload = SimpleUploadedFile("units.xlsx", exported.content)
    response = client.post("/units/import/", {"file": upload})
    # then
    assert response.context["errors"] == []
    assert response.context["result"] == {"created": 0, "updated": 9}


def test_the_unit_list_export_lists_every_kind_in_scope(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/units/?export=xlsx")
    # then: the office and its committee, with their kinds and parents
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[3]) for r in rows) == [
        ("610102001", "610102"),
        ("610102001T01", "610102001"),
    ]


def test_a_reimported_export_keeps_demo_contacts_marked_synthetic(client_for, sysadmin):
    # given: the demo offices of 新城区, exported unchanged
    client = client_for(sysadmin)
    exported = client.get("/units/offices.xlsx?parent=610102")
    # when
    client.post("/units/import/", {"file": SimpleUploadedFile("o.xlsx", exported.content)})
    # then: their invented phones are still labelled as such in the locator
    assert Unit.objects.get(code="610102001").is_demo_contact is True


def test_the_same_file_twice_is_refused_unless_imported_again_on_purpose(sysadmin):
    # given: a workbook imported once
    content = _workbook(UPDATE_XIYILU, CREATE_SECOND)
    office_import(actor=sysadmin, stream=io.BytesIO(content))
    versions = dict(Unit.objects.filter(kind=UnitKind.OFFICE).values_list("code", "version"))
    # when
    refused = office_import(actor=sysadmin, stream=io.BytesIO(content))
    # then: refused as a duplicate, nothing changed, the refusal audited
    assert [(e.row, e.column) for e in refused.errors] == [(0, "")]
    assert "SM3" in refused.errors[0].message
    assert dict(Unit.objects.filter(kind=UnitKind.OFFICE).values_list("code", "version")) == (
        versions
    )
    rejected = AuditEvent.objects.order_by("-seq").first()
    assert (rejected.action, rejected.actor) == ("import_rejected", sysadmin)
    assert rejected.changes == {"sm3": sm3(content), "errors": 1}
    # when: the administrator says so
    again = office_import(actor=sysadmin, stream=io.BytesIO(content), again=True)
    # then
    assert again.ok
    assert (again.created, again.updated) == (0, 2)
    assert AuditEvent.objects.filter(action="import_committed").count() == 2


def test_the_page_names_when_the_file_was_first_imported(client_for, sysadmin):
    # given
    content = _workbook(UPDATE_XIYILU)
    client = client_for(sysadmin)
    client.post("/units/import/", {"file": SimpleUploadedFile("o.xlsx", content)})
    first = AuditEvent.objects.get(action="import_committed")
    # when
    response = client.post("/units/import/", {"file": SimpleUploadedFile("o.xlsx", content)})
    # then
    body = response.content.decode()
    day = timezone.localtime(first.ts)
    assert f"此文件已于 {day.year}年{day.month}月{day.day}日" in body
    assert "不再重复导入" in body
    assert AuditEvent.objects.filter(action="import_committed").count() == 1
