"""Statistics pages: the overview of a unit across modules, one module in detail, exports.

``/stats/`` (``stats:dashboard``) is the overview of the selected unit (city, district,
office, committee) and period; ``/stats/<module>/`` (``stats:module``) shows every table of
one module. Both export to PDF (``?export=pdf``); a module's tables export to Excel
(``?export=xlsx&table=<name>``); every export is audited.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sifasuo.core.errors import ApplicationError
from sifasuo.core.xlsx import audited_export
from sifasuo.stats import dashboards, memo, reports
from sifasuo.stats.pdf import PdfTableData, audited_pdf, generated_line
from sifasuo.stats.reports import Period, Table

MONTHS = range(1, 13)
QUARTERS = range(1, 5)
YEARS_SHOWN = 10


def period_label(period: Period) -> str:
    """``Year 2024``, ``Q2 2024`` or ``3/2024`` in the user's language."""
    year = str(period.year)
    if period.month:
        return _("%(month)s/%(year)s") % {"month": period.month, "year": year}
    if period.quarter:
        return _("Q%(quarter)s %(year)s") % {"quarter": period.quarter, "year": year}
    return _("Year %(year)s") % {"year": year}


# The overview ----------------------------------------------------------------------------


# the query parameters the overview reads: the page kept (``stats.memo``) is keyed by them
OVERVIEW_PARAMETERS = ("unit", "year", "month", "quarter", "indicator")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The overview of the selected unit and period; every number links to its records.

    Its content is kept per user, language, parameters and generation of every module it
    shows (``stats.memo``): the next request answers from there until a write touches one.
    """
    params = request.GET
    specs = dashboards.visible_specs(request.user)  # 403 before anything for who sees no module
    what = (
        "overview",
        memo.who(request.user),
        get_language(),
        tuple(params.get(name, "") for name in OVERVIEW_PARAMETERS),
    )
    try:
        if params.get("export") == "pdf":
            return _overview_pdf(request, _overview(request))
        with memo.session():
            body = memo.kept(
                tuple(spec.module for spec in specs),
                what,
                lambda: render_to_string(
                    "stats/_overview.html", _overview_context(request, _overview(request)), request
                ),
            )
    except ApplicationError as exc:
        refused = {"error": exc.message, "error_field": exc.field, **_selectors(request, None)}
        return render(request, "stats/dashboard.html", refused, status=400)
    # our own template's output, kept as it was rendered
    return render(request, "stats/dashboard.html", {"body": mark_safe(body)})  # noqa: S308  # nosec B308 B703


def _overview(request: HttpRequest) -> dashboards.Overview:
    params = request.GET
    return dashboards.overview(
        user=request.user,
        unit_code=params.get("unit", ""),
        period=dashboards.period_from(params),
        indicator=params.get("indicator", ""),
    )


def _overview_context(request: HttpRequest, board: dashboards.Overview) -> dict[str, Any]:
    return {
        "board": board,
        "period_label": period_label(board.period),
        "chart_data": _overview_charts(board),
        "pdf_url": dashboards.dashboard_query(
            board.unit.code, board.period, **_indicator(board), export="pdf"
        ),
        **_selectors(request, (board.units, board.unit.code, board.period)),
    }


def _indicator(board: dashboards.Overview) -> dict[str, str]:
    return {"indicator": board.map.indicator.key} if board.map else {}


def _overview_charts(board: dashboards.Overview) -> dict[str, Any]:
    """Each section's trend and comparison, and the map's tiles (static/js/stats.js)."""
    data: dict[str, Any] = {"empty": _("Nothing counted in the period.")}
    for section in board.sections:
        data[f"{section.module}.trend"] = dashboards.trend_series(section.trend)
        comparison = section.comparison.rows if section.comparison else []
        data[f"{section.module}.by_unit"] = {
            "points": [{"name": r.label, "value": r.value, "url": r.url} for r in comparison]
        }
    if board.map:
        data["map"] = {
            "indicator": board.map.indicator.label,
            "rows": board.map.rows,
            "cols": board.map.cols,
            "tiles": [
                {
                    "code": t.code,
                    "name": t.name,
                    "row": t.row,
                    "col": t.col,
                    "value": float(t.value),
                    "shown": t.shown,
                    "url": t.url,
                }
                for t in board.map.tiles
            ],
        }
    return data


def _overview_pdf(request: HttpRequest, board: dashboards.Overview) -> HttpResponse:
    tables: list[PdfTableData] = []
    for section in board.sections:
        title = str(section.spec.title)
        rows = [[card.label, card.shown] for card in section.cards]
        tables.append(PdfTableData(title, [_("Figure"), _("Value")], rows))
        if section.comparison and section.comparison.rows:
            tables.append(_pdf_table(section.comparison, f"{title} · {section.comparison.title}"))
    if board.map:
        tables.append(
            PdfTableData(
                board.map.indicator.label,
                [_("Unit"), _("Value")],
                [[tile.name, tile.shown] for tile in board.map.tiles],
            )
        )
    return audited_pdf(
        actor=request.user,
        object_type="stats.overview",
        filename=f"stats-{board.unit.code}-{board.period.slug}.pdf",
        title=_("Statistics overview"),
        lines=_pdf_lines(request, board.unit.name, board.period),
        tables=tables,
    )


# One module ------------------------------------------------------------------------------


@require_GET
def module_dashboard(request: HttpRequest, module: str) -> HttpResponse:
    """Every table of ``module`` for the selected unit and period, with its exports."""
    params = request.GET
    spec = reports.report_spec(module)
    dashboards.require_view(request.user, spec)
    try:
        period = dashboards.period_from(params)
    except ApplicationError as exc:
        refused = {
            "error": exc.message,
            "error_field": exc.field,
            "spec": spec,
            "action": dashboards.module_url(module),
            **_selectors(request, None),
        }
        return render(request, "stats/module.html", refused, status=400)
    board = dashboards.module_board(
        user=request.user, module=module, unit_code=params.get("unit", ""), period=period
    )
    export = params.get("export")
    if export == "xlsx":
        return _export(request, board, params.get("table", ""))
    if export == "pdf":
        return _module_pdf(request, board)
    report = board.report
    key = dashboards.trend_figure(spec)
    points = dashboards.trend(spec, key, request.user, unit=report.unit, year=period.year)
    query = dashboards.dashboard_query(report.unit.code, period)
    context: dict[str, Any] = {
        "board": board,
        "report": report,
        "spec": spec,
        "period_label": period_label(period),
        "summary": board.tables[reports.SUMMARY],
        "cards": _cards(board),
        "breakdown_tables": [board.tables[name] for name in spec.breakdowns],
        "unit_table": board.tables.get(reports.BY_UNIT),
        "trend": points,
        "trend_label": str(spec.measure(key).label),
        "chart_data": dashboards.chart_data(board, points, str(spec.measure(key).label)),
        "export_base": query + "&export=xlsx",
        "pdf_url": query + "&export=pdf",
        "overview_url": f"{reverse('stats:dashboard')}{query}",
        "action": dashboards.module_url(module),
        **_selectors(request, (board.units, report.unit.code, period)),
    }
    return render(request, "stats/module.html", context)


def _cards(board: reports.Dashboard) -> list[reports.Row]:
    rows = {row.code: row for row in board.tables[reports.SUMMARY].rows}
    keys = board.report.spec.cards or tuple(rows)
    return [rows[key] for key in keys if key in rows]


def _export(request: HttpRequest, board: reports.Dashboard, table_name: str) -> HttpResponse:
    """One dashboard table as .xlsx, audited (``core.xlsx.audited_export``)."""
    table = board.tables.get(table_name)
    if table is None:
        raise Http404
    module = board.report.spec.module
    reports.require_export(user=request.user, module=module)
    report = board.report
    return audited_export(
        actor=request.user,
        object_type=f"stats.{module}.{table.name}",
        filename=f"{module}-{report.unit.code}-{report.period.slug}-{table.name}.xlsx",
        headers=[_("Code"), table.label_header, table.value_header],
        rows=table.export_rows(),
    )


def _pdf_table(table: Table, title: str = "") -> PdfTableData:
    shares = any(row.share for row in table.rows)
    headers = [table.label_header, table.value_header] + ([_("Share")] if shares else [])
    rows = [[row.label, row.shown] + ([row.share] if shares else []) for row in table.rows]
    return PdfTableData(title or table.title, headers, rows)


def _module_pdf(request: HttpRequest, board: reports.Dashboard) -> HttpResponse:
    """The module page as PDF, audited like the xlsx export."""
    module = board.report.spec.module
    reports.require_export(user=request.user, module=module)
    report = board.report
    return audited_pdf(
        actor=request.user,
        object_type=f"stats.{module}",
        filename=f"{module}-{report.unit.code}-{report.period.slug}.pdf",
        title=str(report.spec.title),
        lines=_pdf_lines(request, report.unit.name, report.period),
        tables=[_pdf_table(table) for table in board.tables.values()],
    )


def _pdf_lines(request: HttpRequest, unit_name: str, period: Period) -> list[str]:
    return [
        _("Unit: %(unit)s") % {"unit": unit_name},
        _("Period: %(period)s") % {"period": period_label(period)},
        generated_line(request.user, _("Generated by %(name)s at %(at)s")),
    ]


# The filter form -------------------------------------------------------------------------


def _selectors(
    request: HttpRequest, chosen: tuple[list[reports.UnitOption], str, Period] | None
) -> dict[str, Any]:
    """The unit, year, month and quarter choices of the filter form."""
    this_year = timezone.localdate().year
    if chosen is not None:
        units, selected_unit, period = chosen
        year, month, quarter = period.year, period.month, period.quarter
        period_query = "&" + urlencode(period.params())
    else:
        home = getattr(request.user, "unit", None)
        units = (
            reports.dashboard_units(user=request.user, selected=request.GET.get("unit", ""))
            if home is not None
            else []
        )
        selected_unit, year, month, quarter = request.GET.get("unit", ""), this_year, None, None
        period_query = ""
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
        "quarters": QUARTERS,
        "selected_quarter": quarter,
        "period_query": period_query,
    }
