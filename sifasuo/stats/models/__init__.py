"""The statistics tables: incrementally kept aggregates, and the reports of closed periods."""

from __future__ import annotations

from sifasuo.stats.models.aggregates import Aggregate

__all__ = ["Aggregate"]
