"""The measure registry: each app defines its figures once, under a stable code.

``stats`` composes registered measures into dashboards and reports; ``standards``
indicators name a measure code. A measure counts the records of a scoped queryset, so
every figure links to the list behind it and never leaks out of scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.dispatch import Signal

records_changed = Signal()
"""Sent by a write that bypasses model signals (``bulk_create``, ``QuerySet.update``).

``sender`` is the model, ``pks`` the primary keys written. Send it after the write; for an
update that may move records to another unit or date, send it before the write as well.
``stats`` marks the figures those records count in as stale (inside the transaction).
"""


@dataclass(frozen=True)
class Measure:
    """A figure: the records that count, filtered for a user, a unit subtree and a period."""

    code: str
    label: Any  # a lazy translation
    records: Callable[[Any], QuerySet[Any]]  # user -> scoped queryset of the counted records
    date_field: str | None = None
    unit_path_field: str = "unit__path"
    description: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    # name -> field the figure can be broken down by (``by_category`` -> ``category__code``)
    breakdowns: dict[str, str] = field(default_factory=dict)
    # a figure that sums a field of the records (an amount) instead of counting them
    sum_field: str | None = None
    # a figure that depends on today's date or on rows outside the record's own fields
    # (``overdue``, ``under correction now``): computed live, never kept in the aggregates
    live: bool = False

    @property
    def rolls_up(self) -> bool:
        """True when ``stats`` keeps this figure per unit × month (a dated, non-live figure)."""
        return self.date_field is not None and not self.live

    def queryset(
        self, user: Any, *, unit: Any = None, start: Any = None, end: Any = None
    ) -> QuerySet[Any]:
        """Return the records behind the figure (the drill-down list)."""
        qs = self.records(user)
        if unit is not None:
            qs = qs.filter(**{f"{self.unit_path_field}__startswith": unit.path})
        if self.date_field and start is not None:
            qs = qs.filter(**{f"{self.date_field}__gte": start})
        if self.date_field and end is not None:
            qs = qs.filter(**{f"{self.date_field}__lt": end})
        return qs

    def value(self, user: Any, **kwargs: Any) -> Any:
        """Return the figure: the count of ``queryset``, or the sum of ``sum_field``."""
        qs = self.queryset(user, **kwargs)
        if self.sum_field:
            total = qs.aggregate(total=Sum(self.sum_field))["total"]
            return total if total is not None else Decimal("0.00")
        return qs.count()

    def breakdown(self, user: Any, name: str, **kwargs: Any) -> dict[str, int]:
        """Return the count per value of the breakdown ``name`` (one grouped query)."""
        by = self.breakdowns[name]
        rows = (
            self.queryset(user, **kwargs)
            .order_by()
            .values(by)
            .annotate(n=Count("pk", distinct=True))
            .values_list(by, "n")
        )
        return {str(key): n for key, n in rows if key not in (None, "")}


class MeasureRegistry:
    """Measures by code; registering a code twice is a programming error."""

    def __init__(self) -> None:
        self._measures: dict[str, Measure] = {}

    def register(self, measure: Measure) -> Measure:
        """Add ``measure``; refuse a duplicate code."""
        if measure.code in self._measures:
            raise ValueError(f"measure {measure.code!r} is registered twice")
        self._measures[measure.code] = measure
        return measure

    def get(self, code: str) -> Measure:
        """Return the measure registered under ``code``."""
        return self._measures[code]

    def all(self) -> list[Measure]:
        """Return every measure, by code."""
        return [self._measures[c] for c in sorted(self._measures)]


registry = MeasureRegistry()
