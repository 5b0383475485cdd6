"""Statistics pages: the dashboard of a unit (city, district, office, committee) and its exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sifasuo.core.errors import ApplicationError
from sifasuo.core.xlsx import audited_export
from sifasuo.stats import reports

MODULE = "mediation"
MONTHS = range(1, 13)
YEARS_SHOWN = 10


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures of the selected unit and period; every number links to its records."""
    params = request.GET
    try:
        board = reports.dashboard(
            user=request.user,
            module=MODULE,
            unit_code=params.get("unit", ""),
            year=params.get("year"),
            month=params.get("month"),
        )
    except ApplicationError as exc:
        refused = {"error": exc.message, "error_field": exc.field, **_selectors(request, None)}
        return render(request, "stats/dashboard.html", refused, status=400)
    if params.get("export") == "xlsx":
        return _export(request, board, params.get("table", ""))
    context: dict[str, Any] = {
        "board": board,
        "report": board.report,
        "spec": board.report.spec,
        "summary": board.tables[reports.SUMMARY],
        "cards": _cards(board),
        "breakdown_tables": [board.tables[name] for name in board.report.spec.breakdowns],
        "unit_table": board.tables.get(reports.BY_UNIT),
        "chart_data": _chart_data(board),
        "export_base": _export_base(board.report),
        **_selectors(request, board),
    }
    return render(request, "stats/dashboard.html", context)


def _cards(board: reports.Dashboard) -> list[reports.Row]:
    rows = {row.code: row for row in board.tables[reports.SUMMARY].rows}
    keys = board.report.spec.cards or tuple(rows)
    return [rows[key] for key in keys if key in rows]


def _chart_data(board: reports.Dashboard) -> dict[str, Any]:
    """The series the charts draw (static/js/stats.js), each point with its drill-down URL."""

    def points(name: str) -> list[dict[str, Any]]:
        table = board.tables.get(name)
        rows = table.rows if table else []
        return [{"name": row.label, "value": row.value, "url": row.url} for row in rows]

    return {
        "by_category": {"points": points("by_category")},
        "by_source": {"points": points("by_source")},
        "by_unit": {"points": points(reports.BY_UNIT)},
        "series_name": _("Cases accepted"),
        "empty": _("No case accepted in the period."),
    }


def _export_base(report: reports.ModuleReport) -> str:
    return "?" + urlencode({"unit": report.unit.code, **report.period.params(), "export": "xlsx"})


def _selectors(request: HttpRequest, board: reports.Dashboard | None) -> dict[str, Any]:
    """The unit, year and month choices of the filter form."""
    this_year = timezone.localdate().year
    if board is not None:
        units = board.units
        selected_unit, year, month = (
            board.report.unit.code,
            board.report.period.year,
            board.report.period.month,
        )
    else:
        home = getattr(request.user, "unit", None)
        units = reports.dashboard_units(user=request.user) if home is not None else []
        selected_unit, year, month = request.GET.get("unit", ""), this_year, None
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    if year not in years:
        years.append(year)
    return {
        "unit_options": units,
        "selected_unit": selected_unit,
        "years": years,
        "selected_year": year,
        "months": MONTHS,
        "selected_month": month,
    }


def _export(request: HttpRequest, board: reports.Dashboard, table_name: str) -> HttpResponse:
    """One dashboard table as .xlsx, audited (``core.xlsx.audited_export``)."""
    table = board.tables.get(table_name)
    if table is None:
        raise Http404
    reports.require_export(user=request.user, module=MODULE)
    report = board.report
    return audited_export(
        actor=request.user,
        object_type=f"stats.{MODULE}.{table.name}",
        filename=f"{MODULE}-{report.unit.code}-{report.period.slug}-{table.name}.xlsx",
        headers=[_("Code"), table.label_header, table.value_header],
        rows=table.export_rows(),
    )
