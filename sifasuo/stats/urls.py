"""Statistics pages."""

from __future__ import annotations

from django.urls import include, path

from sifasuo.stats import drilldown, views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/", drilldown.records, name="records"),
    path("reports/", include("sifasuo.stats.report_urls")),
    path("<slug:module>/", views.module_dashboard, name="module"),
]
