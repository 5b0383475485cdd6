"""Tasks and notices routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "workorders"

urlpatterns: list[URLPattern | URLResolver] = []
