"""Resettlement and assistance API: /api/v1/resettlement/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from sifasuo.resettlement.api import ReleasedPersonViewSet, VisitationViewSet

router = SimpleRouter()
router.register("persons", ReleasedPersonViewSet, basename="resettlement-person")
router.register("visitations", VisitationViewSet, basename="resettlement-visitation")

urlpatterns = [*router.urls]
