"""The dashboards: the overview of a unit across modules, and one module in detail.

The overview (``/stats/``) shows, for the selected unit and period, one section per module
of ``reports.REPORTS`` that the user's roles reach: its cards (each figure linking to the
records behind it), its trend by month and its comparison across the unit's direct children;
on a unit with districts below (the city) a schematic of Xi'an's districts coloured by a
chosen indicator. The module page (``/stats/<module>/``) shows every table of one module.

Everything is composed from ``reports`` (which composes registered measures): a figure here
is ``measure.value(user, unit=, start=, end=)``, scoped, and the number of queries does not
depend on the number of records (one per figure, one per trend, one per comparison).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from sifasuo.accounts import navigation
from sifasuo.core.errors import ApplicationError
from sifasuo.core.measures import Measure
from sifasuo.orgs.models import Unit
from sifasuo.stats import memo, reports, rollups
from sifasuo.stats.reports import Dashboard, ModuleReport, Period, Row, Table, UnitOption
from sifasuo.stats.specs.base import BY_UNIT, SUMMARY, ReportSpec

TILES_FILE = Path(__file__).resolve().parent / "data" / "xian_tiles.csv"
INDICATOR_SEPARATOR = "."


# Periods and units -----------------------------------------------------------------------


def period_from(params: Any) -> Period:
    """The period of the query (``year``, ``month`` or ``quarter``); ApplicationError if bad."""
    return reports.parse_period(
        params.get("year"), params.get("month"), quarter=params.get("quarter")
    )


def can_view(user: Any, spec: ReportSpec) -> bool:
    """True when the user's roles reach the records ``spec`` counts (``reports._require``)
    and the module's own menu is theirs: a mediator, who works mediation only, sees the
    mediation dashboard and not the figures of the office's other work."""
    try:
        reports._require(user, spec, "view")
    except PermissionDenied:
        return False
    entries = [e for e in navigation.ENTRIES if e.url_name.split(":", 1)[0] == spec.module]
    return not entries or any(entry.roles & user.role_codes for entry in entries)


def require_view(user: Any, spec: ReportSpec) -> None:
    """Refuse (403) a module the user does not see on the overview."""
    if not can_view(user, spec):
        raise PermissionDenied


def visible_specs(user: Any) -> list[ReportSpec]:
    """The modules the user's roles reach, in dashboard order; 403 when there is none."""
    specs = [spec for spec in reports.REPORTS.values() if can_view(user, spec)]
    if not specs:
        raise PermissionDenied
    return specs


def trail(units: list[UnitOption], unit: Unit) -> list[UnitOption]:
    """The units from the user's own down to ``unit`` (the breadcrumb)."""
    by_code = {option.code: option for option in units}
    return [by_code[code] for code in unit.path.strip("/").split("/") if code in by_code]


def module_url(module: str) -> str:
    """The detailed dashboard of ``module`` (``stats:module``)."""
    try:
        return reverse("stats:module", kwargs={"module": module})
    except NoReverseMatch:  # pragma: no cover - until stats/urls.py names it
        return f"{reverse('stats:dashboard')}{module}/"


def dashboard_query(unit: str, period: Period, **extra: str) -> str:
    """``?unit=…&year=…[&month=…|&quarter=…]`` plus ``extra``: a dashboard of the same period."""
    return "?" + urlencode({"unit": unit, **period.params(), **extra})


# The trend by month ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One month of a figure's trend and the records behind it."""

    month: int
    value: int | Decimal
    url: str


def trend(spec: ReportSpec, key: str, user: Any, *, unit: Unit, year: int) -> list[TrendPoint]:
    """The figure ``key`` of ``spec`` month by month in ``year``; empty for a stock figure."""
    measure = spec.measure(key)
    if measure.date_field is None:
        return []
    values = reports.monthly_series(measure.code, user=user, unit=unit, year=year)
    return [
        TrendPoint(
            month,
            value,
            reports.records_url(
                spec, code=measure.code, unit=unit.code, period=Period(year, month)
            ),
        )
        for month, value in zip(range(1, 13), values, strict=False)
    ]


def trend_figure(spec: ReportSpec) -> str:
    """The figure a module's trend and comparison show: its comparison figure, or its first."""
    return spec.comparison_figure or next(iter(spec.figures))


# The overview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One module on the overview: cards, trend, comparison across the units below."""

    spec: ReportSpec
    report: ModuleReport
    cards: list[Row]
    trend_label: str
    trend: list[TrendPoint]
    comparison: Table | None
    url: str  # the module's detailed dashboard for the same unit and period

    @property
    def module(self) -> str:
        return self.spec.module

    @property
    def export_base(self) -> str:
        """The xlsx exports of the module's tables (``&table=<name>`` to add)."""
        return self.url + "&export=xlsx"


@dataclass(frozen=True)
class Indicator:
    """A figure the map can be coloured by: ``<module>.<figure key>``."""

    key: str
    label: str
    module: str
    figure: str
    rate: bool


@dataclass(frozen=True)
class Tile:
    """A district (or development zone) on the schematic map, with its value."""

    code: str
    name: str
    row: int
    col: int
    value: int | Decimal | float
    shown: str
    url: str  # the district's dashboard
    records_url: str  # the records behind its value


@dataclass(frozen=True)
class MapData:
    """The schematic of Xi'an's districts coloured by ``indicator``."""

    indicator: Indicator
    indicators: list[Indicator]
    tiles: list[Tile]
    rows: int
    cols: int


@dataclass(frozen=True)
class Overview:
    """What the overview page shows."""

    unit: Unit
    period: Period
    units: list[UnitOption]
    trail: list[UnitOption]
    sections: list[Section]
    map: MapData | None


def _cards(spec: ReportSpec, tables: dict[str, Table]) -> list[Row]:
    rows = {row.code: row for row in tables[SUMMARY].rows}
    keys = spec.cards or tuple(rows)
    return [rows[key] for key in keys if key in rows]


def _section(spec: ReportSpec, user: Any, *, unit: Unit, period: Period) -> Section:
    # the overview shows no breakdown: computing none saves their queries
    light = dataclasses.replace(spec, breakdown_figure="", breakdowns={})
    report = reports.compute(light, user=user, unit=unit, period=period)
    tables = reports.report_tables(report, user=user)
    key = trend_figure(spec)
    return Section(
        spec=spec,
        report=report,
        cards=_cards(spec, tables),
        trend_label=str(spec.measure(key).label),
        trend=trend(spec, key, user, unit=unit, year=period.year),
        comparison=tables.get(BY_UNIT),
        url=module_url(spec.module) + dashboard_query(unit.code, period),
    )


def overview(*, user: Any, unit_code: str, period: Period, indicator: str = "") -> Overview:
    """The overview of the unit ``unit_code`` (default: the user's own) for ``period``.

    403 for a user whose roles reach no module, 404 for a unit out of scope,
    ``ApplicationError`` for an unknown indicator.
    """
    specs = visible_specs(user)
    unit = reports.report_unit(user=user, code=unit_code)
    units = reports.dashboard_units(user=user, selected=unit)
    with memo.session():
        sections = [_section(spec, user, unit=unit, period=period) for spec in specs]
        shown = district_map(user, specs, unit=unit, period=period, indicator=indicator)
    return Overview(
        unit=unit,
        period=period,
        units=units,
        trail=trail(units, unit),
        sections=sections,
        map=shown,
    )


# The map ---------------------------------------------------------------------------------


@functools.cache
def tile_positions() -> dict[str, tuple[int, int]]:
    """Unit code -> (row, col) of its tile on the schematic (``data/xian_tiles.csv``)."""
    with TILES_FILE.open(encoding="utf-8", newline="") as stream:
        return {row["code"]: (int(row["row"]), int(row["col"])) for row in csv.DictReader(stream)}


def indicators(specs: list[ReportSpec]) -> list[Indicator]:
    """Every figure and rate of the modules shown, as map indicators."""
    found: list[Indicator] = []
    for spec in specs:
        title = str(spec.title)
        for key in spec.figures:
            label = f"{title} · {spec.measure(key).label}"
            found.append(Indicator(f"{spec.module}.{key}", label, spec.module, key, False))
        for key, rate in spec.rates.items():
            label = f"{title} · {rate.label}"
            found.append(Indicator(f"{spec.module}.{key}", label, spec.module, key, True))
    return found


def _per_child(
    measure: Measure, user: Any, *, unit: Unit, period: Period
) -> dict[str, int | Decimal]:
    """The figure per direct child of ``unit`` (one grouped query, folded in Python)."""
    module = measure.code.split(".", 1)[0]
    return memo.kept(
        module,
        ("per_child", memo.who(user), unit.pk, measure.code, period.params()),
        lambda: _count_per_child(measure, user, unit=unit, period=period),
    )


def _count_per_child(
    measure: Measure, user: Any, *, unit: Unit, period: Period
) -> dict[str, int | Decimal]:
    rows: Any
    module = measure.code.split(".", 1)[0]
    if (
        not measure.sum_field
        and reports.from_aggregates(measure, user, unit)
        and reports._fresh([module])
    ):
        # the children's own and subtree rows of the aggregates (a few rows per child)
        rows = rollups.by_path(
            measure.code, unit_id=unit.pk, year=period.year, months=period.months
        )
    else:
        path_field = measure.unit_path_field
        aggregate = Sum(measure.sum_field) if measure.sum_field else Count("pk", distinct=True)
        rows = (
            measure.queryset(user, unit=unit, start=period.start, end=period.end)
            .order_by()
            .values(path_field)
            .annotate(n=aggregate)
            .values_list(path_field, "n")
        )
    totals: dict[str, int | Decimal] = {}
    for path, n in rows:
        child = str(path)[len(unit.path) :].split("/", 1)[0]
        if child and n:
            totals[child] = totals.get(child, 0) + n
    return totals


def district_map(
    user: Any, specs: list[ReportSpec], *, unit: Unit, period: Period, indicator: str
) -> MapData | None:
    """The schematic when ``unit``'s children have tiles (the city); None otherwise."""
    positions = tile_positions()
    children = [
        child
        for child in Unit.objects.visible_to(user).filter(parent=unit).only("code", "name")
        if child.code in positions
    ]
    if not children:
        return None
    choices = indicators(specs)
    by_key = {choice.key: choice for choice in choices}
    if indicator and indicator not in by_key:
        raise ApplicationError(_("Indicator: choose one from the list."), field="indicator")
    chosen = by_key.get(indicator) or by_key.get(_default_indicator(specs)) or choices[0]
    spec = reports.REPORTS[chosen.module]
    if chosen.rate:
        rate = spec.rates[chosen.figure]
        top = _per_child(spec.measure(rate.numerator), user, unit=unit, period=period)
        bottom = _per_child(spec.measure(rate.denominator), user, unit=unit, period=period)
        values: dict[str, int | Decimal | float] = {
            code: round(float(top.get(code, 0)) / float(n), 4) if n else 0.0
            for code, n in bottom.items()
        }
        drill = spec.measure(rate.numerator).code
    else:
        values = dict(_per_child(spec.measure(chosen.figure), user, unit=unit, period=period))
        drill = spec.measure(chosen.figure).code
    tiles = []
    for child in sorted(children, key=lambda c: positions[c.code]):
        value = values.get(child.code, 0.0 if chosen.rate else 0)
        row, col = positions[child.code]
        tiles.append(
            Tile(
                code=child.code,
                name=child.name,
                row=row,
                col=col,
                value=value,
                shown=reports.display(value, percent=chosen.rate),
                url=dashboard_query(child.code, period, indicator=chosen.key),
                records_url=reports.records_url(spec, code=drill, unit=child.code, period=period),
            )
        )
    return MapData(
        indicator=chosen,
        indicators=choices,
        tiles=tiles,
        rows=max(position[0] for position in positions.values()) + 1,
        cols=max(position[1] for position in positions.values()) + 1,
    )


def _default_indicator(specs: list[ReportSpec]) -> str:
    """Cases accepted (mediation, the busiest ledger) where shown, else the first module's."""
    spec = next((s for s in specs if s.module == "mediation"), specs[0])
    return f"{spec.module}.{trend_figure(spec)}"


# One module in detail --------------------------------------------------------------------


def module_board(*, user: Any, module: str, unit_code: str, period: Period) -> Dashboard:
    """Every table of ``module`` for the unit and period (404 unknown module, 403 no reach)."""
    spec = reports.report_spec(module)
    require_view(user, spec)
    unit = reports.report_unit(user=user, code=unit_code)
    with memo.session():
        report = reports.compute(spec, user=user, unit=unit, period=period)
    units = reports.dashboard_units(user=user, selected=unit)
    return Dashboard(report, reports.report_tables(report, user=user), units, trail(units, unit))


def chart_data(board: Dashboard, points: list[TrendPoint], trend_label: str) -> dict[str, Any]:
    """The series the module page draws (static/js/stats.js), each point with its URL."""

    def series(name: str) -> dict[str, Any]:
        table = board.tables.get(name)
        rows = table.rows if table else []
        return {"points": [{"name": r.label, "value": r.value, "url": r.url} for r in rows]}

    data: dict[str, Any] = {name: series(name) for name in board.tables if name != SUMMARY}
    data["trend"] = trend_series(points)
    data["series_name"] = trend_label
    data["empty"] = _("Nothing counted in the period.")
    return data


def trend_series(points: list[TrendPoint]) -> dict[str, Any]:
    """A trend as a chart series: one point per month, named by the month."""
    return {
        "points": [
            {"name": _("Month %(month)d") % {"month": p.month}, "value": p.value, "url": p.url}
            for p in points
        ]
    }
