"""Resettlement and assistance API: /api/v1/resettlement/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = [*router.urls]
