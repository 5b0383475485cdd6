"""Legal publicity API: /api/v1/publicity/…"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from sifasuo.publicity.api import (
    ActivityViewSet,
    AdviserViewSet,
    DemonstrationVillageViewSet,
    HouseholdViewSet,
    LegalLiterateViewSet,
    TownAdviserViewSet,
)

router = SimpleRouter()
router.register("activities", ActivityViewSet, basename="publicity-activity")
router.register("legal-literates", LegalLiterateViewSet, basename="publicity-literate")
router.register("households", HouseholdViewSet, basename="publicity-household")
router.register("village-advisers", AdviserViewSet, basename="publicity-adviser")
router.register("demonstration-villages", DemonstrationVillageViewSet, basename="publicity-village")
router.register("town-advisers", TownAdviserViewSet, basename="publicity-town-adviser")

urlpatterns = [*router.urls]
