"""Community correction API: /api/v1/correction/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from sifasuo.correction.api import ContactViewSet, MeasureViewSet, SubjectViewSet

router = SimpleRouter()
router.register("subjects", SubjectViewSet, basename="correction-subject")
router.register("reports", ContactViewSet, basename="correction-report")
router.register("measures", MeasureViewSet, basename="correction-measure")

urlpatterns = [*router.urls]
