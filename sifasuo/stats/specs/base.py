"""What a module report is made of: figures by measure code, rates, breakdowns, a comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sifasuo.core.measures import Measure, registry

SUMMARY = "summary"
BY_UNIT = "by_unit"


@dataclass(frozen=True)
class Rate:
    """A ratio of two figures of the report (``succeeded`` over ``total``)."""

    numerator: str
    denominator: str
    label: Any


@dataclass(frozen=True)
class Breakdown:
    """A breakdown of the report: the list page's filter for a value, and its headings."""

    parameter: str  # ``category`` in ``/mediation/cases/?…&category=NEIGHBOUR``
    title: Any
    header: Any


@dataclass(frozen=True)
class ReportSpec:
    """What a module reports: figures by measure code, rates, breakdowns, a comparison."""

    module: str
    title: Any
    # figure key (the API's name) -> measure code, in the order the dashboard shows them
    figures: dict[str, str]
    records_url_name: str
    rates: dict[str, Rate] = field(default_factory=dict)
    # the figure whose measure is broken down, and its breakdowns by name (``by_category``)
    breakdown_figure: str = ""
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    # the figure compared across the selected unit's direct children (``by_unit``)
    comparison_figure: str = ""
    # the figures shown as cards, in order (rates included); all figures when empty
    cards: tuple[str, ...] = ()

    def measure(self, key: str) -> Measure:
        """Return the registered measure behind the figure ``key``."""
        return registry.get(self.figures[key])

    @property
    def tables(self) -> tuple[str, ...]:
        """The names of the report's tables (each one can be exported)."""
        names = [SUMMARY, *self.breakdowns]
        if self.comparison_figure:
            names.append(BY_UNIT)
        return tuple(names)
