"""Rule-of-law governance API: /api/v1/governance/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from sifasuo.governance.api import (
    DraftViewSet,
    LegalityReviewViewSet,
    OpinionViewSet,
    SupervisionActivityViewSet,
)

router = SimpleRouter()
router.register("reviews", LegalityReviewViewSet, basename="governance-review")
router.register(
    "supervision-activities", SupervisionActivityViewSet, basename="governance-supervision"
)
router.register("drafts", DraftViewSet, basename="governance-draft")
router.register("opinions", OpinionViewSet, basename="governance-opinion")

urlpatterns = [*router.urls]
