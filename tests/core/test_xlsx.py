"""Excel export and import: formulas neutralised, limits enforced (given / when / then)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sifasuo.core import xlsx
from sifasuo.core.errors import ApplicationError


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=cmd", "\r=cmd"])
def test_formula_like_text_is_neutralised(value):
    # when
    sheet = _sheet(xlsx.build_workbook("t", ["a"], [[value]]))
    # then
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'")
    assert cell.value[1:].strip() == value.strip()


def test_plain_values_are_kept():
    # when
    sheet = _sheet(xlsx.build_workbook("t", ["名称", "数"], [["西一路", 3]]))
    # then
    assert [c.value for c in sheet[1]] == ["名称", "数"]
    assert sheet[1][0].font.bold
    assert [c.value for c in sheet[2]] == ["西一路", 3]


def test_the_response_is_a_download():
    # when
    response = xlsx.xlsx_response("人员.xlsx", b"data")
    # then
    assert response["Content-Type"] == xlsx.XLSX_MIME
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E4%BA%BA%E5%91%98.xlsx"
    )


def test_read_rows_returns_dicts_with_row_numbers():
    # given
    content = xlsx.build_workbook("t", ["a", "b"], [["1", "x"], ["", ""], ["2", None]])
    # when
    rows = xlsx.read_rows(io.BytesIO(content), expected_headers=["a", "b"])
    # then: the empty row is skipped, numbers are the sheet's
    assert rows == [
        {"a": "1", "b": "x", xlsx.ROW_KEY: "2"},
        {"a": "2", "b": "", xlsx.ROW_KEY: "4"},
    ]


def test_read_rows_names_missing_columns():
    # given
    content = xlsx.build_workbook("t", ["a"], [["1"]])
    # when / then
    with pytest.raises(ApplicationError, match="b"):
        xlsx.read_rows(io.BytesIO(content), expected_headers=["a", "b"])


@pytest.mark.parametrize("content", [b"not a workbook", b"PK\x03\x04broken", b""])
def test_read_rows_refuses_what_is_not_a_workbook(content):
    with pytest.raises(ApplicationError):
        xlsx.read_rows(io.BytesIO(content), expected_headers=["a"])


def test_read_rows_refuses_a_zip_that_is_not_a_workbook():
    # given
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    # when / then
    with pytest.raises(ApplicationError):
        xlsx.read_rows(io.BytesIO(buffer.getvalue()), expected_headers=["a"])


def test_read_rows_refuses_a_zip_bomb(settings):
    # given: a limit small enough that an ordinary workbook exceeds it
    settings.ATTACHMENT_MAX_UNCOMPRESSED_BYTES = 100
    content = xlsx.build_workbook("t", ["a"], [["1"]])
    # when / then
    with pytest.raises(ApplicationError):
        xlsx.read_rows(io.BytesIO(content), expected_headers=["a"])


def test_read_rows_refuses_too_many_rows(monkeypatch):
    # given
    monkeypatch.setattr(xlsx, "MAX_IMPORT_ROWS", 2)
    content = xlsx.build_workbook("t", ["a"], [["1"], ["2"], ["3"]])
    # when / then
    with pytest.raises(ApplicationError):
        xlsx.read_rows(io.BytesIO(content), expected_headers=["a"])


def test_read_rows_refuses_too_large_a_file(monkeypatch):
    # given
    monkeypatch.setattr(xlsx, "MAX_IMPORT_BYTES", 10)
    content = xlsx.build_workbook("t", ["a"], [["1"]])
    # when / then
    with pytest.raises(ApplicationError):
        xlsx.read_rows(io.BytesIO(content), expected_headers=["a"])


def test_headers_are_neutralised_too():
    # given: a header taken from data (a clause, an indicator) that looks like a formula
    content = xlsx.build_workbook("t", ["=cmd|' /C calc'!A0", "名称"], [["1", "x"]])
    # when
    sheet = _sheet(content)
    # then: written as text, and read back as the original header
    assert sheet.cell(1, 1).value == "'=cmd|' /C calc'!A0"
    assert sheet.cell(1, 1).data_type == "s"
    rows = xlsx.read_rows(io.BytesIO(content), expected_headers=["=cmd|' /C calc'!A0"])
    assert rows[0]["=cmd|' /C calc'!A0"] == "1"


# Every xlsx the platform writes goes through core.xlsx (or its neutralise).
XLSX_WRITERS = {
    "sifasuo/core/xlsx.py",  # build_workbook: every cell neutralised
    "sifasuo/stats/statements.py",  # statement_xlsx: neutralise() on every data cell
    "sifasuo/offices/workbook.py",  # template_workbook: neutralise() on the example rows
}


def test_no_module_builds_a_workbook_on_its_own():
    # given
    root = Path(__file__).resolve().parents[2]
    # when: every module that creates an openpyxl Workbook or writes cells by hand
    found = {
        str(path.relative_to(root))
        for path in (root / "sifasuo").rglob("*.py")
        if re.search(r"\bWorkbook\(|\bxlsxwriter\b|csv\.writer", path.read_text("utf-8"))
    }
    # then
    assert found <= XLSX_WRITERS, found - XLSX_WRITERS
    for path in XLSX_WRITERS - {"sifasuo/core/xlsx.py"}:
        assert "neutralise(" in (root / path).read_text("utf-8"), path
