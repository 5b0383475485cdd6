"""Statistical reports and period closing (included by ``stats.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sifasuo.stats import report_views

urlpatterns: list[URLPattern] = [
    path("", report_views.report_list, name="report_list"),
    path("statement/", report_views.report_statement, name="report_statement"),
    path("stored/<int:pk>/", report_views.report_stored, name="report_stored"),
    path("stored/<int:pk>/explain/", report_views.report_explain, name="report_explain"),
    path("close/", report_views.period_close, name="period_close"),
    path("periods/<int:pk>/", report_views.period_detail, name="period_detail"),
    path("periods/<int:pk>/reopen/", report_views.period_reopen, name="period_reopen"),
]
