"""Module reports: one module's figures for a unit and a period, composed from the registry.

A report is a list of measure codes (DESIGN "stats composes registered measures"): stats
never imports the app whose figures it shows, it asks ``core.measures.registry`` by code,
so what "succeeded" or "on time" means stays the app's knowledge. A later module
(legalservice, correction, …) adds its report by adding a ``ReportSpec`` to ``REPORTS``;
the API endpoint, the dashboard tables, the drill-down links and the exports follow.

Every figure links to the list of records behind it: the module's list page named by
``ReportSpec.records_url_name`` honours ``?measure=<code>&unit=<code>&year=<y>[&month=<m>]``
plus, for a breakdown cell, ``&<parameter>=<value>`` (``category``, ``source`` …).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sifasuo.core.errors import ApplicationError
from sifasuo.core.links import path_of
from sifasuo.core.measures import Measure, registry
from sifasuo.core.scope import BELOW, OWN, SYSTEM
from sifasuo.orgs.choices import BUREAU_KINDS, UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.stats import memo, rollups
from sifasuo.stats.specs import SPECS
from sifasuo.stats.specs.base import BY_UNIT, SUMMARY, ReportSpec

FIRST_YEAR = 2000


# Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar year, one quarter or one month of it: the half-open range [start, end)."""

    year: int
    month: int | None = None
    quarter: int | None = None  # 1–4; never together with ``month``

    @property
    def first_month(self) -> int:
        if self.month:
            return self.month
        return 3 * (self.quarter - 1) + 1 if self.quarter else 1

    @property
    def months(self) -> range:
        """The months of the period (1–12)."""
        if self.month:
            return range(self.month, self.month + 1)
        if self.quarter:
            return range(self.first_month, self.first_month + 3)
        return range(1, 13)

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        last = self.months[-1]
        return date(self.year + 1, 1, 1) if last == 12 else date(self.year, last + 1, 1)

    @property
    def kind(self) -> str:
        """``month``, ``quarter`` or ``year``."""
        return "month" if self.month else "quarter" if self.quarter else "year"

    @property
    def slug(self) -> str:
        """``2024``, ``2024-Q2`` or ``2024-03``, for file names."""
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    def params(self) -> dict[str, str]:
        """The period as query parameters (``year``, and ``month`` or ``quarter``)."""
        result = {"year": str(self.year)}
        if self.month:
            result["month"] = str(self.month)
        elif self.quarter:
            result["quarter"] = str(self.quarter)
        return result


def parse_period(
    year: str | None,
    month: str | None,
    *,
    quarter: str | None = None,
    today: date | None = None,
) -> Period:
    """Read ``year`` (default: this year) and an optional ``month`` or ``quarter``."""
    today = today or timezone.localdate()
    last_year = today.year + 1
    year_text = (year or "").strip()
    month_text = (month or "").strip()
    quarter_text = (quarter or "").strip()
    if not year_text:
        number = today.year
    elif year_text.isdigit() and FIRST_YEAR <= int(year_text) <= last_year:
        number = int(year_text)
    else:
        raise ApplicationError(
            _("Year: enter a year from %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": last_year},
            field="year",
        )
    if month_text and quarter_text:
        raise ApplicationError(_("Choose a month or a quarter, not both."), field="quarter")
    if quarter_text:
        if quarter_text.isdigit() and 1 <= int(quarter_text) <= 4:
            return Period(number, quarter=int(quarter_text))
        raise ApplicationError(_("Quarter: enter a quarter from 1 to 4, or none."), field="quarter")
    if not month_text:
        return Period(number)
    if month_text.isdigit() and 1 <= int(month_text) <= 12:
        return Period(number, int(month_text))
    raise ApplicationError(_("Month: enter a month from 1 to 12, or none."), field="month")


# Specifications ---------------------------------------------------------------------------


REPORTS: dict[str, ReportSpec] = {spec.module: spec for spec in SPECS}


def report_spec(module: str) -> ReportSpec:
    """Return the report of ``module``; 404 for a module that reports nothing."""
    try:
        return REPORTS[module]
    except KeyError:
        raise Http404 from None


# The report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigure:
    """One direct child of the selected unit and its figure (the comparison)."""

    code: str
    name: str
    total: int


@dataclass(frozen=True)
class ModuleReport:
    """The figures of one module for one unit and period, as the registry computes them."""

    spec: ReportSpec
    unit: Unit
    period: Period
    figures: dict[str, int | Decimal]
    rates: dict[str, float]
    breakdowns: dict[str, dict[str, int]]
    by_unit: list[UnitFigure]

    def as_dict(self) -> dict[str, Any]:
        """The report as the API answers it (``agreement_amount`` a Decimal)."""
        return {
            "unit": self.unit.code,
            "unit_name": self.unit.name,
            "year": self.period.year,
            "month": self.period.month,
            **self.figures,
            **self.rates,
            **self.breakdowns,
            BY_UNIT: [
                {"code": row.code, "name": row.name, "total": row.total} for row in self.by_unit
            ],
        }


@functools.cache
def _counted_model(code: str) -> type[Model]:
    """The model whose records the measure ``code`` counts."""
    return registry.get(code).records(SYSTEM).model  # type: ignore[no-any-return]


def _require(user: Any, spec: ReportSpec, action: str) -> None:
    """Refuse (403) a user whose roles reach no record the report counts.

    The three administrators and citizens see no business records (DESIGN rule 1): their
    figures would all be 0, so they get a refusal rather than a page of zeros.
    """
    model = _counted_model(spec.measure(next(iter(spec.figures))).code)
    reach = getattr(user, "scope_reach", None)
    if getattr(user, "unit", None) is None or reach is None or not reach(model, action):
        raise PermissionDenied


def report_unit(*, user: Any, code: str) -> Unit:
    """The unit named by ``unit=`` (default: the user's own); 404 if missing or out of scope."""
    return unit_for_user(user=user, code=code or user.unit.code)


def _fold(unit: Unit, rows: Iterable[tuple[str, int]], user: Any) -> list[UnitFigure]:
    """Fold counts per counting unit's path into the direct children of ``unit``."""
    totals: dict[str, int] = {}
    for path, n in rows:
        child = str(path)[len(unit.path) :].split("/", 1)[0]
        if child:  # records of the unit itself belong to no child
            totals[child] = totals.get(child, 0) + n
    children = Unit.objects.visible_to(user).filter(parent=unit).only("code", "name")
    names = {child.code: child.name for child in children}
    return [
        UnitFigure(code=code, name=names.get(code, code), total=totals[code])
        for code in sorted(totals)
    ]


def child_figures(
    measure: Measure, user: Any, *, unit: Unit, start: date, end: date
) -> list[UnitFigure]:
    """Return ``measure`` for each direct child of ``unit`` that has records, by code.

    One grouped query over the records' unit paths, folded into the children in Python,
    and one query for the children's names, whatever the number of children.
    """
    path_field = measure.unit_path_field
    rows = (
        measure.queryset(user, unit=unit, start=start, end=end)
        .order_by()
        .values(path_field)
        .annotate(n=Count("pk", distinct=True))
        .values_list(path_field, "n")
    )
    return _fold(unit, rows, user)


def from_aggregates(measure: Measure, user: Any, unit: Unit) -> bool:
    """Return whether ``measure`` for ``unit`` may be read from the aggregates for ``user``.

    Only where they give exactly the live scoped figure: a kept measure, and the user's
    roles reach the records at their own unit and below (or below, for a unit strictly
    below theirs), so every record counted under the unit's subtree is in scope.
    """
    if not rollups.kept(measure.code):
        return False
    home = getattr(user, "unit", None)
    reach = getattr(user, "scope_reach", None)
    if home is None or reach is None:
        return False
    granted = set(reach(measure.records(user).model, "view"))
    if unit.pk == home.pk:
        return {OWN, BELOW} <= granted
    return BELOW in granted and unit.path.startswith(home.path)


def _fresh(modules: Iterable[str]) -> bool:
    """Bring the aggregates of ``modules`` up to date; False if some cells stay stale."""
    return rollups.refresh(sorted(set(modules))) == 0


def module_report(
    *, user: Any, module: str, unit_code: str, year: str | None, month: str | None
) -> ModuleReport:
    """Compute the report of ``module`` for the unit ``unit_code`` and the period given.

    404 for an unknown module or a unit out of scope, 403 for a user who sees no business
    records, ``ApplicationError`` for a bad year or month. A constant number of queries:
    one per figure, one per breakdown, two for the comparison.
    """
    spec = report_spec(module)
    _require(user, spec, "view")
    unit = report_unit(user=user, code=unit_code)
    period = parse_period(year, month)
    return compute(spec, user=user, unit=unit, period=period)


def compute(spec: ReportSpec, *, user: Any, unit: Unit, period: Period) -> ModuleReport:
    """Ask the registry for every figure of ``spec`` (unit and period already checked).

    Kept figures come from the aggregates (refreshed first, one query when nothing is
    stale) where that gives exactly the live scoped figure; the others are counted live.
    Queries: 1 to check staleness, 1 for all kept figures, 1 per live figure, 1 for all
    breakdowns, 2 for the comparison. Inside ``memo.session()`` (the dashboards) none
    while no write touched the module.
    """
    what = (
        "compute",
        memo.who(user),
        unit.pk,
        period.params(),
        tuple(spec.figures.items()),
        spec.breakdown_figure,
        tuple(spec.breakdowns),
        spec.comparison_figure,
    )
    figures, rates, breakdowns, by_unit = memo.kept(
        spec.module, what, lambda: _compute(spec, user=user, unit=unit, period=period)
    )
    return ModuleReport(spec, unit, period, figures, rates, breakdowns, by_unit)


def _compute(
    spec: ReportSpec, *, user: Any, unit: Unit, period: Period
) -> tuple[dict[str, int | Decimal], dict[str, float], dict[str, dict[str, int]], list[UnitFigure]]:
    where: dict[str, Any] = {"unit": unit, "start": period.start, "end": period.end}
    span: dict[str, Any] = {"unit_id": unit.pk, "year": period.year, "months": period.months}
    used = [spec.measure(key) for key in spec.figures]
    fast = {m.code for m in used if from_aggregates(m, user, unit)}
    if fast and not _fresh(code.split(".", 1)[0] for code in fast):
        fast = set()
    kept = rollups.totals(sorted(fast), **span) if fast else {}
    figures: dict[str, int | Decimal] = {}
    for key in spec.figures:
        measure = spec.measure(key)
        figures[key] = kept[measure.code] if measure.code in fast else measure.value(user, **where)
    rates: dict[str, float] = {}
    for key, rate in spec.rates.items():
        numerator, denominator = figures[rate.numerator], figures[rate.denominator]
        rates[key] = round(float(numerator) / float(denominator), 4) if denominator else 0.0
    breakdowns: dict[str, dict[str, int]] = {}
    if spec.breakdown_figure:
        measure = spec.measure(spec.breakdown_figure)
        names = list(spec.breakdowns)
        if _aggregated(measure, user, unit, fast):
            breakdowns = rollups.breakdowns(measure.code, names, **span)
        else:
            breakdowns = {name: measure.breakdown(user, name, **where) for name in names}
    by_unit: list[UnitFigure] = []
    if spec.comparison_figure:
        measure = spec.measure(spec.comparison_figure)
        # the comparison counts records, also for a summed figure (as ``child_figures``)
        if not measure.sum_field and _aggregated(measure, user, unit, fast):
            by_unit = _fold(unit, rollups.by_path(measure.code, **span), user)
        else:
            by_unit = child_figures(measure, user, unit=unit, start=period.start, end=period.end)
    return figures, rates, breakdowns, by_unit


def _aggregated(measure: Measure, user: Any, unit: Unit, fresh: set[str]) -> bool:
    """Whether ``measure`` is read from the aggregates (refreshed with the figures)."""
    if measure.code in fresh:
        return True
    return from_aggregates(measure, user, unit) and _fresh([measure.code.split(".", 1)[0]])


def monthly_series(measure_code: str, *, user: Any, unit: Unit, year: int) -> list[int | Decimal]:
    """The figure ``measure_code`` in each month of ``year`` for ``unit`` (12 values).

    From the aggregates where they give the live scoped figure, else one grouped query
    over the scoped records; each value as ``Measure.value`` gives it for that month.
    ``ValueError`` for a figure without a date (a stock has no monthly series).
    """
    measure = registry.get(measure_code)
    if measure.date_field is None:
        raise ValueError(f"measure {measure_code!r} has no date")
    return memo.kept(
        measure_code.split(".", 1)[0],
        ("monthly", memo.who(user), unit.pk, measure_code, year),
        lambda: _monthly_series(measure, user=user, unit=unit, year=year),
    )


def _monthly_series(measure: Measure, *, user: Any, unit: Unit, year: int) -> list[int | Decimal]:
    measure_code = measure.code
    if from_aggregates(measure, user, unit) and _fresh([measure_code.split(".", 1)[0]]):
        return rollups.monthly(measure_code, unit_id=unit.pk, year=year)
    period = Period(year)
    rows = (
        measure.queryset(user, unit=unit, start=period.start, end=period.end)
        .order_by()
        .annotate(sf_month=ExtractMonth(str(measure.date_field)))
        .values("sf_month")
        .annotate(n=Sum(measure.sum_field) if measure.sum_field else Count("pk", distinct=True))
        .values_list("sf_month", "n")
    )
    found = {int(month): n for month, n in rows if month is not None and n is not None}
    zero: int | Decimal = Decimal("0.00") if measure.sum_field else 0
    return [found.get(month, zero) for month in range(1, 13)]


# Labels, drill-down links and tables (the dashboard and its exports) --------------------------


def breakdown_labels(measure: Measure, user: Any, name: str, keys: Iterable[str]) -> dict[str, str]:
    """Return a readable label for each value of the breakdown ``name``.

    Read from the model the measure counts, never by importing its app: the choices of the
    field broken down by (``source``), or, for a column of a related table
    (``category__code``), the related rows' names (one query).
    """
    wanted = [str(key) for key in keys]
    parts = measure.breakdowns[name].split("__")
    model: type[Model] = measure.records(user).model
    last: Any = None
    for index, part in enumerate(parts):
        last = model._meta.get_field(part)
        if index < len(parts) - 1:
            model = last.related_model
    choices = getattr(last, "flatchoices", None)
    if choices:
        labels = {str(value): str(label) for value, label in choices}
        return {key: labels.get(key, key) for key in wanted}
    if len(parts) > 1 and wanted:
        rows: QuerySet[Any] = model._default_manager.filter(**{f"{parts[-1]}__in": wanted})
        found = {str(getattr(row, parts[-1])): str(row) for row in rows}
        return {key: found.get(key, key) for key in wanted}
    return {key: key for key in wanted}


def records_url(spec: ReportSpec, *, code: str, unit: str, period: Period, **filters: str) -> str:
    """The list of records behind a figure, with the same unit, period and filters."""
    params = {"measure": code, "unit": unit, **period.params(), **filters}
    return f"{path_of(spec.records_url_name)}?{urlencode(params)}"


def display(value: int | Decimal | float, *, percent: bool = False) -> str:
    """A figure as the page shows it: grouped thousands, 2 places for money and rates."""
    if percent:
        return number_format(Decimal(str(value)) * 100, 2, use_l10n=True) + "%"
    if isinstance(value, Decimal):
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    return number_format(value, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Row:
    """A line of a dashboard table: what is counted, the figure, and where it drills down."""

    code: str
    label: str
    value: int | Decimal | float
    shown: str
    url: str
    share: str = ""
    dashboard_url: str = ""


@dataclass(frozen=True)
class Table:
    """A dashboard table (the summary, a breakdown or the comparison of child units)."""

    name: str
    title: str
    label_header: str
    value_header: str
    rows: list[Row]

    def export_rows(self) -> list[list[Any]]:
        return [[row.code, row.label, row.value] for row in self.rows]


def _share(n: int, total: int | Decimal) -> str:
    return display(round(n / float(total), 4) if total else 0.0, percent=True)


def report_tables(report: ModuleReport, *, user: Any) -> dict[str, Table]:
    """Every table of ``report``, each number with its drill-down link (one label query)."""
    spec, period, unit = report.spec, report.period, report.unit
    tables: dict[str, Table] = {}
    summary: list[Row] = []
    for key in spec.figures:
        measure = spec.measure(key)
        value = report.figures[key]
        summary.append(
            Row(
                code=key,
                label=str(measure.label),
                value=value,
                shown=display(value),
                url=records_url(spec, code=measure.code, unit=unit.code, period=period),
            )
        )
    for key, rate in spec.rates.items():
        numerator = spec.measure(rate.numerator)
        summary.append(
            Row(
                code=key,
                label=str(rate.label),
                value=report.rates[key],
                shown=display(report.rates[key], percent=True),
                url=records_url(spec, code=numerator.code, unit=unit.code, period=period),
            )
        )
    tables[SUMMARY] = Table(SUMMARY, _("Summary"), _("Figure"), _("Value"), summary)
    if spec.breakdown_figure:
        measure = spec.measure(spec.breakdown_figure)
        total = report.figures[spec.breakdown_figure]
        for name, breakdown in spec.breakdowns.items():
            counts = report.breakdowns[name]
            labels = breakdown_labels(measure, user, name, counts)
            rows = [
                Row(
                    code=key,
                    label=labels[key],
                    value=n,
                    shown=display(n),
                    url=records_url(
                        spec,
                        code=measure.code,
                        unit=unit.code,
                        period=period,
                        **{breakdown.parameter: key},
                    ),
                    share=_share(n, total),
                )
                for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            ]
            tables[name] = Table(
                name, str(breakdown.title), str(breakdown.header), _("Count"), rows
            )
    if spec.comparison_figure:
        measure = spec.measure(spec.comparison_figure)
        total = report.figures[spec.comparison_figure]
        rows = [
            Row(
                code=child.code,
                label=child.name,
                value=child.total,
                shown=display(child.total),
                url=records_url(spec, code=measure.code, unit=child.code, period=period),
                share=_share(child.total, total),
                dashboard_url="?" + urlencode({"unit": child.code, **period.params()}),
            )
            for child in report.by_unit
        ]
        tables[BY_UNIT] = Table(BY_UNIT, _("By unit"), _("Unit"), _("Count"), rows)
    return tables


# The dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitOption:
    """A unit the dashboard can be scoped to, indented under the user's own unit."""

    code: str
    name: str
    depth: int

    @property
    def indented(self) -> str:
        """The name behind one dash per level below the user's unit (for a select)."""
        return "— " * self.depth + self.name


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard page shows: the report, its tables, the units to choose from."""

    report: ModuleReport
    tables: dict[str, Table]
    units: list[UnitOption]
    trail: list[UnitOption]  # from the user's unit down to the selected one


def dashboard_units(*, user: Any, selected: Unit | str | None = None) -> list[UnitOption]:
    """The unit selector: the user's unit and the units below it in scope, in tree order
    (one query), and ``selected`` with the units above it.

    A bureau's selector lists no mediation committees (thousands in the city): each
    office's comparison links to its committees, and a committee once chosen is listed.
    """
    home: Unit = user.unit
    units = Unit.objects.visible_to(user).filter(path__startswith=home.path)
    if home.kind in BUREAU_KINDS:
        units = units.filter(~Q(kind=UnitKind.COMMITTEE) | Q(code__in=_codes_down_to(selected)))
    units = units.order_by("path").only("code", "name", "path")
    base = home.path.count("/")
    return [UnitOption(u.code, u.name, u.path.count("/") - base) for u in units]


def _codes_down_to(unit: Unit | str | None) -> list[str]:
    if isinstance(unit, str):  # a code from the query string: the unit if it exists
        unit = Unit.objects.filter(code=unit).only("path").first() if unit else None
    return unit.path.strip("/").split("/") if unit is not None else []


def dashboard(
    *, user: Any, module: str, unit_code: str, year: str | None, month: str | None
) -> Dashboard:
    """The report of ``module`` for the dashboard, with its tables and unit selector."""
    report = module_report(user=user, module=module, unit_code=unit_code, year=year, month=month)
    units = dashboard_units(user=user, selected=report.unit)
    by_code = {option.code: option for option in units}
    segments = report.unit.path.strip("/").split("/")
    trail = [by_code[code] for code in segments if code in by_code]
    return Dashboard(report, report_tables(report, user=user), units, trail)


def require_export(*, user: Any, module: str) -> None:
    """Refuse (403) an export to a user whose roles may not export the module's records."""
    _require(user, report_spec(module), "export")
