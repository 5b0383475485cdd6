"""Score an office's return against a framework: per indicator, per dimension, total, grade.

Pure computation over loaded data: the caller loads the framework once
(``load_framework``), the returns with ``checks.with_check_data``, the assessment items of
the manual indicators and the figures of the measure indicators (``measure_values``, one
grouped query per measure code however many offices), so scoring 185 offices costs a fixed
number of queries.

- AUTO: the check's result. All or nothing; deduct per missing element (the rooms, signs,
  funding categories, posts or trained staff the check counts short; at least one for a
  failed check); proportional (value ÷ threshold).
- MEASURE: a registry figure (or a rate: one figure divided by another) for the office's
  subtree and the calendar year, compared with the target; all or nothing or proportional.
- MANUAL: the score the office assessed (0 until it is assessed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from sifasuo.core.measures import registry
from sifasuo.core.scope import BELOW, OWN
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.standards.checks import CHECK_CODES, CheckResult, Thresholds, run_checks
from sifasuo.standards.choices import Comparison, RuleType, ScoringMethod
from sifasuo.standards.models import (
    AssessmentItem,
    Dimension,
    Framework,
    GradeBand,
    Indicator,
)

ZERO = Decimal("0")
ONE = Decimal("1")
TENTH = Decimal("0.1")
# Checks whose value and threshold count elements (present vs required).
COUNTED_CHECKS = frozenset({"PREMISES_ROOMS", "SIGNAGE", "FUNDING", "STAFF_FULL", "STAFF_TRAINING"})


def _round(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return None
    return Decimal(str(value))


@dataclass(frozen=True)
class FrameworkTable:
    """A framework with its dimensions, indicators and grade bands, loaded once."""

    framework: Framework
    dimensions: list[Dimension]
    indicators: list[Indicator]
    bands: list[GradeBand]
    thresholds: Thresholds

    @property
    def total_points(self) -> Decimal:
        return sum((i.points for i in self.indicators), ZERO)

    def grade(self, total: Decimal) -> GradeBand | None:
        """The highest band whose minimum the total reaches."""
        reached = [b for b in self.bands if total >= b.min_score]
        return reached[-1] if reached else None

    @property
    def measure_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.rule_type == RuleType.MEASURE]


def load_framework(framework: Framework) -> FrameworkTable:
    """Load a framework's table (three queries)."""
    dimensions = list(framework.dimensions.order_by("order", "pk"))
    by_id = {d.pk: d for d in dimensions}
    indicators = list(framework.indicators.order_by("dimension__order", "order", "pk"))
    for indicator in indicators:
        indicator.dimension = by_id[indicator.dimension_id]
    bands = list(framework.grade_bands.order_by("min_score", "pk"))
    return FrameworkTable(framework, dimensions, indicators, bands, framework.check_thresholds())


@dataclass(frozen=True)
class MeasureValue:
    """A figure of one office for a year: a count (or sum), or a rate with its denominator."""

    numerator: Decimal
    denominator: Decimal | None = None
    missing: str = ""  # why there is no figure (a measure code not registered)

    @property
    def value(self) -> Decimal | None:
        if self.missing:
            return None
        if self.denominator is None:
            return self.numerator
        if self.denominator == 0:
            return None
        return (self.numerator / self.denominator).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's result for one office: passed, value, threshold, why, points scored."""

    indicator: Indicator
    passed: bool
    assessed: bool
    value: Any
    threshold: Any
    explanation: str
    score: Decimal

    @property
    def code(self) -> str:
        return self.indicator.code

    def as_dict(self) -> dict[str, Any]:
        """The API's shape: code, passed, value, threshold, explanation."""
        return CheckResult(
            self.code, self.passed, self.value, self.threshold, self.explanation
        ).as_dict()


@dataclass(frozen=True)
class ScoreCard:
    """An office's score under a framework, with the nine checks behind it."""

    table: FrameworkTable
    office_return: OfficeReturn | None
    checks: list[CheckResult]
    results: list[IndicatorResult]
    total: Decimal
    by_dimension: dict[str, Decimal] = field(default_factory=dict)
    grade: GradeBand | None = None

    @property
    def checks_passed(self) -> int:
        return sum(1 for c in self.checks if c.passed)

    @property
    def all_checks_passed(self) -> bool:
        return self.office_return is not None and all(c.passed for c in self.checks)

    @property
    def failing_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    @property
    def failed(self) -> list[IndicatorResult]:
        return [r for r in self.results if not r.passed]

    def result_for(self, code: str) -> IndicatorResult | None:
        return next((r for r in self.results if r.code == code), None)

    def dimension_rows(self) -> list[tuple[Dimension, Decimal, list[IndicatorResult]]]:
        """Per dimension: its score and its indicators' results, in the framework's order."""
        return [
            (
                d,
                self.by_dimension.get(d.code, ZERO),
                [r for r in self.results if r.indicator.dimension_id == d.pk],
            )
            for d in self.table.dimensions
        ]


def no_return_checks() -> list[CheckResult]:
    """The nine checks of an office that has no return for the year: all failed."""
    why = _("The office has no return for this year.")
    return [CheckResult(code, False, None, None, why) for code in CHECK_CODES]


def _missing_elements(check: CheckResult) -> int:
    if check.code in COUNTED_CHECKS:
        value, threshold = _number(check.value), _number(check.threshold)
        if value is not None and threshold is not None:
            return max(1, int(threshold - value))
    return 1


def _ratio(value: Any, threshold: Any) -> Decimal:
    v, t = _number(value), _number(threshold)
    if v is None or t is None or t <= 0:
        return ZERO
    return min(ONE, max(ZERO, v / t))


def _auto(indicator: Indicator, check: CheckResult) -> IndicatorResult:
    points = indicator.points
    if check.passed:
        score = points
    elif check.value is None and check.threshold is None:
        score = ZERO  # nothing to check against: no return
    elif indicator.scoring_method == ScoringMethod.DEDUCT_PER_MISSING:
        deduct = indicator.deduct_points or points
        score = max(ZERO, points - deduct * _missing_elements(check))
    elif indicator.scoring_method == ScoringMethod.PROPORTIONAL:
        score = points * _ratio(check.value, check.threshold)
    else:
        score = ZERO
    return IndicatorResult(
        indicator,
        check.passed,
        True,
        check.value,
        check.threshold,
        check.explanation,
        _round(score),
    )


def _measure(indicator: Indicator, figure: MeasureValue | None) -> IndicatorResult:
    points, target = indicator.points, indicator.target if indicator.target is not None else ZERO
    value = figure.value if figure is not None else None
    if figure is not None and figure.missing:
        why = figure.missing
    elif value is None:
        why = _("No case counted in the year: no rate can be computed.")
    else:
        why = _("%(value)s in the year; the target is %(comparison)s %(target)s.") % {
            "value": _format_figure(value, indicator),
            "comparison": indicator.get_comparison_display(),
            "target": _format_figure(target, indicator),
        }
    if value is None:
        return IndicatorResult(indicator, False, True, None, target, why, _round(ZERO))
    passed = value >= target if indicator.comparison == Comparison.GTE else value <= target
    if passed:
        score = points
    elif indicator.scoring_method == ScoringMethod.PROPORTIONAL:
        ratio = (
            _ratio(value, target)
            if indicator.comparison == Comparison.GTE
            else (_ratio(target, value))
        )
        score = points * ratio
    else:
        score = ZERO
    return IndicatorResult(indicator, passed, True, value, target, why, _round(score))


def _format_figure(value: Decimal, indicator: Indicator) -> str:
    if indicator.denominator_code:
        return f"{(value * 100).quantize(TENTH)}%"
    return str(value.normalize()) if value == value.to_integral() else str(value)


def _manual(indicator: Indicator, item: AssessmentItem | None) -> IndicatorResult:
    if item is None or item.manual_score is None:
        return IndicatorResult(
            indicator,
            False,
            False,
            None,
            indicator.points,
            _("Not assessed yet (counts 0)."),
            _round(ZERO),
        )
    score = min(indicator.points, max(ZERO, item.manual_score))
    parts = []
    if item.missing_elements:
        parts.append(_("Missing: %(what)s.") % {"what": "、".join(item.missing_elements)})
    if item.note:
        parts.append(item.note)
    why = " ".join(parts) or _("Assessed: %(score)s of %(points)s points.") % {
        "score": score,
        "points": indicator.points,
    }
    return IndicatorResult(
        indicator, score >= indicator.points, True, score, indicator.points, why, _round(score)
    )


def score(
    table: FrameworkTable,
    office_return: OfficeReturn | None,
    *,
    manual: Mapping[int, AssessmentItem] | None = None,
    measures: Mapping[int, MeasureValue] | None = None,
    checks: list[CheckResult] | None = None,
) -> ScoreCard:
    """Score one office: ``manual`` and ``measures`` are keyed by indicator id."""
    if checks is None:
        checks = (
            run_checks(office_return, table.thresholds) if office_return else no_return_checks()
        )
    by_code = {c.code: c for c in checks}
    manual, measures = manual or {}, measures or {}
    results: list[IndicatorResult] = []
    for indicator in table.indicators:
        if indicator.rule_type == RuleType.AUTO:
            results.append(_auto(indicator, by_code[indicator.check_code]))
        elif indicator.rule_type == RuleType.MEASURE:
            results.append(_measure(indicator, measures.get(indicator.pk)))
        else:
            results.append(_manual(indicator, manual.get(indicator.pk)))
    by_dimension = {d.code: ZERO for d in table.dimensions}
    codes = {d.pk: d.code for d in table.dimensions}
    for result in results:
        key = codes[result.indicator.dimension_id]
        by_dimension[key] += result.score
    by_dimension = {code: _round(value) for code, value in by_dimension.items()}
    total = min(Decimal("100"), _round(sum((r.score for r in results), ZERO)))
    return ScoreCard(table, office_return, checks, results, total, by_dimension, table.grade(total))


def score_dict(card: ScoreCard) -> list[dict[str, Any]]:
    """The compliance API's indicators: the nine checks by code, then the other indicators."""
    rows = [c.as_dict() for c in card.checks]
    listed = {c.code for c in card.checks}
    rows += [r.as_dict() for r in card.results if r.code not in listed]
    return rows


# Figures from the measure registry ---------------------------------------------------------


class _SystemReader:
    """The system itself reading a figure (no user: a command, the demo): sees everything."""

    is_authenticated = True
    is_active = True
    is_citizen = False

    def __init__(self, city: Unit) -> None:
        self.unit = city

    def scope_reach(self, model: Any, action: str) -> set[str]:
        return {OWN, BELOW}


def _viewer(user: Any) -> Any:
    if user is not None:
        return user
    city = Unit.objects.filter(kind=UnitKind.CITY).order_by("path").first()
    return _SystemReader(city) if city is not None else None


def _office_of(path: str, offices: Mapping[str, Unit]) -> Unit | None:
    for code in path.strip("/").split("/"):
        if code in offices:
            return offices[code]
    return None


def _figure_by_office(
    code: str, offices: Mapping[str, Unit], year: int, viewer: Any
) -> dict[int, Decimal] | None:
    """One grouped query: the figure ``code`` per office for ``year`` (None: not registered)."""
    try:
        measure = registry.get(code)
    except KeyError:
        return None
    result: dict[int, Decimal] = {}
    if viewer is None or not offices:
        return result
    qs = measure.queryset(viewer, start=date(year, 1, 1), end=date(year + 1, 1, 1)).order_by()
    path = measure.unit_path_field
    if measure.sum_field:
        rows = qs.values(path).annotate(n=Sum(measure.sum_field)).values_list(path, "n")
    else:
        rows = qs.values(path).annotate(n=Count("pk", distinct=True)).values_list(path, "n")
    for unit_path, n in rows:
        office = _office_of(unit_path or "", offices)
        if office is not None and n:
            result[office.pk] = result.get(office.pk, ZERO) + Decimal(n)
    return result


def measure_values(
    table: FrameworkTable, offices: Iterable[Unit], year: int, user: Any
) -> dict[int, dict[int, MeasureValue]]:
    """The figures of the framework's measure indicators: ``{office id: {indicator id: …}}``.

    ``user`` is whose scope the figures are counted in (None: the system, which sees all).
    """
    indicators = table.measure_indicators
    office_map = {o.code: o for o in offices}
    result: dict[int, dict[int, MeasureValue]] = {o.pk: {} for o in office_map.values()}
    if not indicators:
        return result
    viewer = _viewer(user)
    codes = {c for i in indicators for c in (i.measure_code, i.denominator_code) if c}
    figures = {c: _figure_by_office(c, office_map, year, viewer) for c in sorted(codes)}
    for indicator in indicators:
        numerators = figures[indicator.measure_code]
        denominators = figures[indicator.denominator_code] if indicator.denominator_code else {}
        for office in office_map.values():
            if numerators is None or denominators is None:
                missing = _("The figure %(code)s is not available.") % {
                    "code": indicator.measure_code
                    if numerators is None
                    else indicator.denominator_code
                }
                result[office.pk][indicator.pk] = MeasureValue(ZERO, missing=missing)
                continue
            result[office.pk][indicator.pk] = MeasureValue(
                numerators.get(office.pk, ZERO),
                denominators.get(office.pk, ZERO) if indicator.denominator_code else None,
            )
    return result


def score_offices(
    table: FrameworkTable,
    offices: Sequence[Unit],
    returns: Mapping[int, OfficeReturn],
    *,
    year: int,
    user: Any,
    manual: Mapping[int, Mapping[int, AssessmentItem]] | None = None,
) -> dict[int, ScoreCard]:
    """Score many offices at once: ``returns`` and ``manual`` are keyed by office id."""
    figures = measure_values(table, offices, year, user)
    manual = manual or {}
    return {
        office.pk: score(
            table,
            returns.get(office.pk),
            manual=manual.get(office.pk),
            measures=figures.get(office.pk),
        )
        for office in offices
    }
