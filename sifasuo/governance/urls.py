"""Rule-of-law governance routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "governance"

urlpatterns: list[URLPattern | URLResolver] = []
