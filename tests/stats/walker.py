"""What the URL walker needs to know about the statistics pages (stored reports, periods)."""

from __future__ import annotations

from typing import Any

from django.db import models

from sifasuo.stats import closing
from sifasuo.stats.models import ClosedPeriod, StoredReport
from sifasuo.stats.reports import Period
from tests.accounts.matrix import ScopedModel

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {}
# Page routes that name a record -> the model they look it up in.
ROUTE_MODELS: dict[str, Any] = {
    "stats:report_stored": StoredReport,
    "stats:report_explain": StoredReport,
    "stats:period_detail": ClosedPeriod,
    "stats:period_reopen": ClosedPeriod,
}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {"module": "mediation"}
# Lines of the permission matrix (closing has its own tests: tests/stats/test_closing.py).
MATRIX_MODELS: tuple[ScopedModel, ...] = ()


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """A month of 西一路 (610102001) closed, with its stored reports."""
    closed = closing._close(
        actor=office_clerk, unit=office_clerk.unit, period=Period(2024, 3), today=None
    )
    return {ClosedPeriod: [closed], StoredReport: list(closed.reports.all())}
