"""Tasks and notices API: /api/v1/workorders/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from sifasuo.workorders.api import (
    AssignmentViewSet,
    NoticeReceiptViewSet,
    NoticeViewSet,
    TaskViewSet,
)

router = SimpleRouter()
router.register("tasks", TaskViewSet, basename="workorders-task")
router.register("assignments", AssignmentViewSet, basename="workorders-assignment")
router.register("notices", NoticeViewSet, basename="workorders-notice")
router.register("receipts", NoticeReceiptViewSet, basename="workorders-receipt")

urlpatterns = [*router.urls]
