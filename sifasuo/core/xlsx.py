"""Excel building blocks: safe export (formula cells neutralised) and safe, limited import.

Every xlsx the platform writes goes through ``build_workbook`` (or ``neutralise`` for the
two hand-laid sheets: stats.statements and the offices template), so a text cell starting
with ``= + - @``, a tab or a carriage return is written with a leading apostrophe. Imports
check the zip first (core.filetypes) and openpyxl parses with defusedxml, which refuses
entity declarations (billion laughs); ``assert_safe_xml_parser`` proves it at start-up.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

import defusedxml  # noqa: F401  (openpyxl uses it when installed: no XML bombs)
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import MEDIA_TYPES, UnsafeArchiveError, check_zip_limits

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
ROW_KEY = "__row__"
XLSX_MIME = MEDIA_TYPES["xlsx"]


def assert_safe_xml_parser() -> None:
    """Fail loudly if openpyxl would parse workbooks without defusedxml."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        raise RuntimeError("openpyxl is not using defusedxml: install it (SECURITY.md 3.4)")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def build_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Return an .xlsx with a bold header row and every text cell neutralised."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([neutralise(str(h)) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width * 2, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """Return ``content`` as a download named ``filename``."""
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def audited_export(
    *,
    actor: Any,
    object_type: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> HttpResponse:
    """Build the workbook, write one ``export`` audit row with the row count, return it."""
    from sifasuo.core import audit

    materialised = [list(row) for row in rows]
    content = build_workbook(filename.rsplit(".", 1)[0], headers, materialised)
    audit.record(
        "export", actor=actor, object_type=object_type, changes={"rows": len(materialised)}
    )
    return xlsx_response(filename, content)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _restore(text: str) -> str:
    """Undo ``neutralise`` on a cell we exported, so a re-import gets the value back."""
    if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


def read_rows(stream: IO[bytes], *, expected_headers: Sequence[str]) -> list[dict[str, str]]:
    """Read the first sheet into dicts keyed by header, after size, zip and header checks.

    Each dict also holds ``ROW_KEY``: the row's number in the sheet, for error reports.
    """
    assert_safe_xml_parser()
    data = stream.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ApplicationError(_("The file is too large to import."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip_limits(archive)
    except (zipfile.BadZipFile, UnsafeArchiveError) as exc:
        raise ApplicationError(_("The file is not a valid Excel (.xlsx) workbook.")) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ApplicationError(_("The file is not a valid Excel (.xlsx) workbook.")) from exc
    try:
        return _sheet_rows(workbook, expected_headers)
    except ApplicationError:
        raise
    except Exception as exc:  # a part that fails to parse (defusedxml: entities forbidden)
        raise ApplicationError(_("The file is not a valid Excel (.xlsx) workbook.")) from exc
    finally:
        workbook.close()


def _sheet_rows(workbook: Any, expected_headers: Sequence[str]) -> list[dict[str, str]]:
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_restore(str(h).strip()) if h is not None else "" for h in next(rows, ())]
    missing = [h for h in expected_headers if h not in header]
    if missing:
        raise ApplicationError(
            _("The header row lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    result: list[dict[str, str]] = []
    for row_number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(result) >= MAX_IMPORT_ROWS:
            raise ApplicationError(
                _("The file has more than %(max)d rows.") % {"max": MAX_IMPORT_ROWS}
            )
        cells = [_restore("" if v is None else str(v).strip()) for v in values]
        cells += [""] * (len(header) - len(cells))
        record = dict(zip(header, cells, strict=False))
        record[ROW_KEY] = str(row_number)
        result.append(record)
    return result
