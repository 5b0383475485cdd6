"""The portal's API for a future mobile app: /api/v1/portal/…"""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from sifasuo.portal.api import (
    KindListView,
    PortalApplicationViewSet,
    PortalCodeView,
    PortalTokenView,
)

router = SimpleRouter()
router.register("applications", PortalApplicationViewSet, basename="portal-application")

urlpatterns = [
    path("auth/code/", PortalCodeView.as_view(), name="portal-auth-code"),
    path("auth/token/", PortalTokenView.as_view(), name="portal-auth-token"),
    path("kinds/", KindListView.as_view(), name="portal-kinds"),
    *router.urls,
]
