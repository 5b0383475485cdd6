"""Legal publicity API: /api/v1/publicity/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = [*router.urls]
