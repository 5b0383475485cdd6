"""Statistics pages."""

from __future__ import annotations

from django.urls import path

from sifasuo.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
