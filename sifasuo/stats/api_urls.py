"""API routes of the statistics: /api/v1/stats/<module>/ for every module report.

One route per registered report (no ``<module>`` URL argument): an unknown module is
simply no route (404), and the URL walker sees no record-naming argument.
"""

from __future__ import annotations

from django.urls import path

from sifasuo.stats.api import report_view
from sifasuo.stats.reports import REPORTS

urlpatterns = [
    path(f"{module}/", report_view(module).as_view(), name=f"stats-{module}") for module in REPORTS
]
