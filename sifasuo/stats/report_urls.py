"""Statistical reports and period closing (included by ``stats.urls``)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
