"""Public legal services routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "legalservice"

urlpatterns: list[URLPattern | URLResolver] = []
