"""Standards API routes (mounted under /api/v1/ before the router)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from sifasuo.standards.api import AssessmentViewSet, OfficeComplianceViewSet, RectificationViewSet

LIST: dict[str, Any] = {"get": "list"}
DETAIL: dict[str, Any] = {"get": "retrieve"}

urlpatterns = [
    path(
        "offices/<str:code>/compliance/",
        OfficeComplianceViewSet.as_view(DETAIL),
        name="office-compliance",
    ),
    path(
        "standards/assessments/",
        AssessmentViewSet.as_view(LIST),
        name="standards-assessment-list",
    ),
    path(
        "standards/assessments/<uuid:public_id>/",
        AssessmentViewSet.as_view(DETAIL),
        name="standards-assessment-detail",
    ),
    path(
        "standards/rectifications/",
        RectificationViewSet.as_view(LIST),
        name="standards-rectification-list",
    ),
    path(
        "standards/rectifications/<uuid:public_id>/",
        RectificationViewSet.as_view(DETAIL),
        name="standards-rectification-detail",
    ),
]
