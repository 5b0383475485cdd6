"""The statistics tables: incrementally kept aggregates, and the reports of closed periods."""

from __future__ import annotations

from sifasuo.stats.models.aggregates import Aggregate, StaleCell
from sifasuo.stats.models.closing import ClosedPeriod, PeriodKind, StoredReport
from sifasuo.stats.models.generations import Generation

__all__ = ["Aggregate", "ClosedPeriod", "Generation", "PeriodKind", "StaleCell", "StoredReport"]
