"""Community correction routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "correction"

urlpatterns: list[URLPattern | URLResolver] = []
