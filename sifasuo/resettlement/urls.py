"""Resettlement and assistance routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "resettlement"

urlpatterns: list[URLPattern | URLResolver] = []
