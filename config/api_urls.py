"""The API router: /api/v1/…"""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from sifasuo.accounts.api import TokenView
from sifasuo.orgs.api import OfficeViewSet, UnitViewSet
from sifasuo.people.api import PersonViewSet

router = DefaultRouter()
router.register("offices", OfficeViewSet, basename="office")
router.register("units", UnitViewSet, basename="unit")
router.register("people", PersonViewSet, basename="person")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]
