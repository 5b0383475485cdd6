"""Public legal services API: /api/v1/legalservice/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from sifasuo.legalservice.api import (
    AppointmentViewSet,
    ConsultationViewSet,
    LegalAidViewSet,
    SlotViewSet,
)

router = SimpleRouter()
router.register("consultations", ConsultationViewSet, basename="legalservice-consultation")
router.register("appointments", AppointmentViewSet, basename="legalservice-appointment")
router.register("legal-aid", LegalAidViewSet, basename="legalservice-legal-aid")
router.register("slots", SlotViewSet, basename="legalservice-slot")

urlpatterns = [*router.urls]
