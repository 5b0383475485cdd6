"""The portal's API for a future mobile app: /api/v1/portal/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = [*router.urls]
