"""The report of each module: one ``ReportSpec`` per module, in a file of its own.

``stats.reports.REPORTS`` is built from ``SPECS`` below, in the order the dashboard shows
the modules. A module's file names measure codes only (never imports the module), so what a
figure means stays the module's knowledge (``<app>/measures.py``).
"""

from __future__ import annotations

from sifasuo.stats.specs import (
    correction,
    governance,
    legalservice,
    mediation,
    publicity,
    resettlement,
    standards,
    workorders,
)
from sifasuo.stats.specs.base import ReportSpec

SPECS: list[ReportSpec] = [
    standards.SPEC,
    mediation.SPEC,
    legalservice.SPEC,
    correction.SPEC,
    resettlement.SPEC,
    publicity.SPEC,
    governance.SPEC,
    workorders.SPEC,
]
