"""Statistical reports (统计报表): a module's figures for a unit and a period, as sent upward.

A statement is laid out as the offices' paper report: the title 「<unit><period><module>
统计报表」, a header block (填报单位, 统计期间, 生成人, 生成时间, 状态), the summary table,
every breakdown table with all its values listed even when 0 (the 15 dispute categories),
and the comparison of the unit's direct children. It is computed live from the ledgers
(``reports.compute``) unless the unit has closed the period: then it is read from the
``StoredReport`` kept at closing, so a submitted report never changes.

Like the mediation forms (``mediation/documents.py``), statements are official Chinese
documents whatever the reader's language: they are laid out with Chinese active.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sifasuo.core import audit
from sifasuo.core.filetypes import PDF_MIME
from sifasuo.core.measures import Measure
from sifasuo.core.xlsx import XLSX_MIME, neutralise
from sifasuo.orgs.models import Unit
from sifasuo.stats import memo, reports
from sifasuo.stats.models import ClosedPeriod, PeriodKind, StoredReport
from sifasuo.stats.specs.base import BY_UNIT, SUMMARY, ReportSpec

PDF_FONT = "STSong-Light"  # reportlab's built-in CID font: no font file to ship
STATEMENT_LANGUAGE = "zh-hans"
FORMATS = ("xlsx", "pdf")
QUARTER_WORDS = {1: "一", 2: "二", 3: "三", 4: "四"}

# The terms of the paper form (not labels of the interface).
REPORTING_UNIT = "填报单位"
PERIOD_WORD = "统计期间"
GENERATED_BY = "生成人"
GENERATED_AT = "生成时间"
STATUS_WORD = "状态"
CLOSED = "已关账"
LIVE = "实时"
ITEM, VALUE, SHARE, CODE = "项目", "数值", "占比", "代码"


# Periods ----------------------------------------------------------------------------------


def period_label(period: reports.Period) -> str:
    """``2024年3月``, ``2024年第二季度`` or ``2024年度``."""
    if period.month:
        return f"{period.year}年{period.month}月"
    if period.quarter:
        return f"{period.year}年第{QUARTER_WORDS[period.quarter]}季度"
    return f"{period.year}年度"


def period_key(period: reports.Period) -> tuple[str, int]:
    """The ``ClosedPeriod`` kind and number of ``period``."""
    if period.month:
        return PeriodKind.MONTH, period.month
    if period.quarter:
        return PeriodKind.QUARTER, period.quarter
    return PeriodKind.YEAR, 0


def period_of(closed: ClosedPeriod) -> reports.Period:
    """The ``Period`` a closed period stands for."""
    return reports.Period(closed.year, month=closed.month, quarter=closed.quarter)


def person(user: Any) -> str:
    """How a user is named on a statement."""
    return str(user) if user is not None else "系统"


def moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


# The tables -------------------------------------------------------------------------------


def breakdown_keys(measure: Measure, user: Any, name: str) -> list[str]:
    """Every value the breakdown ``name`` can take, in the form's order (one query at most).

    The choices of the field broken down by, or every row of the related code table
    (``category__code``: the 15 dispute categories); a free field has no fixed list.
    """
    parts = measure.breakdowns[name].split("__")
    model: type[Model] = measure.records(user).model
    last: Any = None
    for index, part in enumerate(parts):
        last = model._meta.get_field(part)
        if index < len(parts) - 1:
            model = last.related_model
    choices = getattr(last, "flatchoices", None)
    if choices:
        return [str(value) for value, _label in choices if value not in (None, "")]
    if len(parts) > 1:
        return [str(key) for key in model._default_manager.values_list(parts[-1], flat=True)]
    return []


def _plain(value: int | Decimal | float) -> int | str | float:
    """A figure as JSON keeps it exactly (Decimals as strings)."""
    return str(value) if isinstance(value, Decimal) else value


def _row(row: reports.Row, ref: str) -> dict[str, Any]:
    return {
        "code": row.code,
        "label": row.label,
        "value": _plain(row.value),
        "shown": row.shown,
        "share": row.share,
        "ref": ref,
    }


def _table(table: reports.Table, rows: list[dict[str, Any]], *, share: bool) -> dict[str, Any]:
    return {
        "name": table.name,
        "title": table.title,
        "label_header": table.label_header,
        "value_header": table.value_header,
        "share": share,
        "rows": rows,
    }


def build_tables(report: reports.ModuleReport, *, user: Any) -> list[dict[str, Any]]:
    """The statement's tables of ``report`` (JSON-ready; each row names its record ids).

    The summary and the comparison are the dashboard's; each breakdown lists every value
    of its field in the form's order, 0 where nothing counts.
    """
    spec = report.spec
    with translation.override(STATEMENT_LANGUAGE):
        tables = reports.report_tables(report, user=user)
        rates = set(spec.rates)
        result = [
            _table(
                tables[SUMMARY],
                [_row(row, "" if row.code in rates else row.code) for row in tables[SUMMARY].rows],
                share=False,
            )
        ]
        if spec.breakdown_figure:
            measure = spec.measure(spec.breakdown_figure)
            total = report.figures[spec.breakdown_figure]
            for name in spec.breakdowns:
                counts = report.breakdowns[name]
                keys = breakdown_keys(measure, user, name)
                keys += sorted(key for key in counts if key not in set(keys))
                labels = reports.breakdown_labels(measure, user, name, keys)
                rows = []
                for key in keys:
                    n = counts.get(key, 0)
                    share = reports.display(
                        round(n / float(total), 4) if total else 0.0, percent=True
                    )
                    rows.append(
                        {
                            "code": key,
                            "label": labels[key],
                            "value": n,
                            "shown": reports.display(n),
                            "share": share,
                            "ref": f"{name}:{key}",
                        }
                    )
                result.append(_table(tables[name], rows, share=True))
        if BY_UNIT in tables:
            table = tables[BY_UNIT]
            rows = [_row(row, f"{BY_UNIT}:{row.code}") for row in table.rows]
            result.append(_table(table, rows, share=True))
    return result


# Record ids (what a closed figure counted) --------------------------------------------------


def record_ids(
    spec: ReportSpec, *, user: Any, unit: Unit, period: reports.Period
) -> dict[str, list[int]]:
    """The pks of the records behind every figure, breakdown value and child unit.

    One query per figure, per breakdown and for the comparison, whatever the data.
    """
    where: dict[str, Any] = {"unit": unit, "start": period.start, "end": period.end}
    result: dict[str, list[int]] = {}
    for key in spec.figures:
        qs = spec.measure(key).queryset(user, **where).order_by("pk")
        result[key] = list(qs.values_list("pk", flat=True).distinct())
    if spec.breakdown_figure:
        measure = spec.measure(spec.breakdown_figure)
        for name in spec.breakdowns:
            by = measure.breakdowns[name]
            pairs = measure.queryset(user, **where).order_by("pk").values_list("pk", by).distinct()
            for pk, value in pairs:
                if value not in (None, ""):
                    result.setdefault(f"{name}:{value}", []).append(pk)
    if spec.comparison_figure:
        measure = spec.measure(spec.comparison_figure)
        pairs = (
            measure.queryset(user, **where)
            .order_by("pk")
            .values_list("pk", measure.unit_path_field)
            .distinct()
        )
        for pk, path in pairs:
            child = str(path)[len(unit.path) :].split("/", 1)[0]
            if child:
                ids = result.setdefault(f"{BY_UNIT}:{child}", [])
                if not ids or ids[-1] != pk:
                    ids.append(pk)
    return result


def figures_json(report: reports.ModuleReport) -> dict[str, Any]:
    """``report.as_dict()`` with Decimals as strings (JSON keeps them exactly)."""
    data = report.as_dict()
    return {
        key: _plain(value) if isinstance(value, Decimal) else value for key, value in data.items()
    }


# The statement ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """A report as it is shown, downloaded and printed."""

    spec: ReportSpec
    unit: Unit
    period: reports.Period
    tables: list[dict[str, Any]]
    generated_by: str
    generated_at: datetime
    closed: ClosedPeriod | None = None
    stored: StoredReport | None = None

    @property
    def module_title(self) -> str:
        with translation.override(STATEMENT_LANGUAGE):
            return str(self.spec.title)

    @property
    def title(self) -> str:
        return f"{self.unit.name}{period_label(self.period)}{self.module_title}统计报表"

    @property
    def status(self) -> str:
        if self.closed is None:
            return LIVE
        return f"{CLOSED}（{person(self.closed.closed_by)}，{moment(self.closed.closed_at)}）"

    @property
    def header(self) -> list[tuple[str, str]]:
        """The header block of the form."""
        return [
            (REPORTING_UNIT, f"{self.unit.name}（{self.unit.code}）"),
            (
                PERIOD_WORD,
                f"{period_label(self.period)}（{self.period.start:%Y-%m-%d} 至 "
                f"{self.period.end:%Y-%m-%d}，不含）",
            ),
            (GENERATED_BY, self.generated_by),
            (GENERATED_AT, moment(self.generated_at)),
            (STATUS_WORD, self.status),
        ]

    @property
    def filename_stem(self) -> str:
        return f"{self.spec.module}-{self.unit.code}-{self.period.slug}"

    def table(self, name: str) -> dict[str, Any] | None:
        return next((table for table in self.tables if table["name"] == name), None)


def live_statement(spec: ReportSpec, *, user: Any, unit: Unit, period: reports.Period) -> Statement:
    """Compute the statement from the ledgers now (unit and period already checked)."""
    report = reports.compute(spec, user=user, unit=unit, period=period)
    what = ("statement", memo.who(user), unit.pk, period.params(), translation.get_language())
    tables = memo.kept(spec.module, what, lambda: build_tables(report, user=user))
    return Statement(spec, unit, period, tables, person(user), timezone.now())


def stored_statement(stored: StoredReport, *, spec: ReportSpec) -> Statement:
    """The statement kept when its period was closed, exactly as it was."""
    closed = stored.closed_period
    return Statement(
        spec,
        closed.unit,
        period_of(closed),
        stored.tables,
        person(stored.generated_by),
        stored.generated_at,
        closed=closed,
        stored=stored,
    )


def closed_period_for(unit: Unit, period: reports.Period) -> ClosedPeriod | None:
    """The unit's closing of ``period`` still in force, if any."""
    kind, number = period_key(period)
    return (
        ClosedPeriod.objects.filter(
            unit=unit, kind=kind, year=period.year, number=number, reopened_at__isnull=True
        )
        .select_related("closed_by", "unit")
        .first()
    )


def statement(
    *,
    user: Any,
    module: str,
    unit_code: str,
    year: str | None,
    month: str | None,
    quarter: str | None = None,
) -> Statement:
    """The statement of ``module`` for a unit in scope and a period: stored if closed.

    404 for an unknown module or a unit out of scope, 403 for a user who sees no records
    of the module, ``ApplicationError`` for a bad period.
    """
    spec = reports.report_spec(module)
    reports._require(user, spec, "view")
    unit = reports.report_unit(user=user, code=unit_code)
    period = reports.parse_period(year, month, quarter=quarter)
    closed = closed_period_for(unit, period)
    if closed is not None:
        stored = (
            StoredReport.objects.visible_to(user)
            .filter(closed_period=closed, module=spec.module)
            .select_related("generated_by", "closed_period__unit", "closed_period__closed_by")
            .first()
        )
        if stored is not None:
            return stored_statement(stored, spec=spec)
    return live_statement(spec, user=user, unit=unit, period=period)


# Excel and PDF ----------------------------------------------------------------------------


def _table_lines(table: dict[str, Any]) -> list[list[str]]:
    head = [CODE, table["label_header"], table["value_header"]]
    if table["share"]:
        head.append(SHARE)
    lines = [head]
    for row in table["rows"]:
        line = [row["code"], row["label"], row["shown"]]
        if table["share"]:
            line.append(row["share"])
        lines.append(line)
    return lines


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as one sheet: title, header block, then every table (cells neutralised)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "统计报表"
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([neutralise(statement.title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    for label, value in statement.header:
        sheet.append([label, neutralise(value)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    for table in statement.tables:
        sheet.append([])
        sheet.append([neutralise(table["title"])])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        for index, line in enumerate(_table_lines(table)):
            sheet.append([neutralise(value) for value in line])
            for cell in sheet[sheet.max_row]:
                cell.border = box
                if index == 0:
                    cell.font = Font(bold=True)
                elif cell.column >= 3:
                    cell.alignment = Alignment(horizontal="right")
    for letter, width in zip("ABCD", (16, 40, 16, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf_styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return {
        "title": ParagraphStyle(
            "title", fontName=PDF_FONT, fontSize=16, leading=22, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle(
            "heading", fontName=PDF_FONT, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", fontName=PDF_FONT, fontSize=9.5, leading=13),
    }


def _pdf_table(lines: Iterable[list[str]], widths: list[float], style: ParagraphStyle) -> Table:
    data = [[Paragraph(escape(str(value)), style) for value in line] for line in lines]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def statement_pdf(statement: Statement) -> bytes:
    """The statement as an A4 PDF (built-in CJK font STSong-Light)."""
    styles = _pdf_styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=statement.title,
        author=statement.generated_by,
        invariant=True,  # no timestamp or random id: the same statement, the same bytes
    )
    story: list[Any] = [Paragraph(escape(statement.title), styles["title"]), Spacer(1, 8)]
    story.append(
        _pdf_table(
            [[label, value] for label, value in statement.header],
            [3.5 * cm, 13.5 * cm],
            styles["cell"],
        )
    )
    for table in statement.tables:
        story.append(Paragraph(escape(table["title"]), styles["heading"]))
        widths = (
            [3 * cm, 8 * cm, 3.5 * cm, 2.5 * cm]
            if table["share"]
            else [3 * cm, 10.5 * cm, 3.5 * cm]
        )
        story.append(_pdf_table(_table_lines(table), widths, styles["cell"]))
    document.build(story)
    return buffer.getvalue()


@transaction.atomic
def statement_export(*, actor: Any, statement: Statement, file_format: str) -> HttpResponse:
    """Build the statement as .xlsx or .pdf and write one ``export`` audit row for it."""
    reports._require(actor, statement.spec, "export")
    if file_format == "pdf":
        content, mime = statement_pdf(statement), PDF_MIME
    else:
        content, mime = statement_xlsx(statement), XLSX_MIME
        file_format = "xlsx"
    audit.record(
        "export",
        actor=actor,
        object_type=f"stats.report.{statement.spec.module}",
        object_id=str(statement.stored.pk) if statement.stored else "",
        changes={
            "unit": statement.unit.code,
            "period": statement.period.slug,
            "format": file_format,
            "status": "closed" if statement.closed else "live",
        },
    )
    from urllib.parse import quote

    response = HttpResponse(content, content_type=mime)
    filename = quote(f"{statement.filename_stem}.{file_format}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
