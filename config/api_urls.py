"""The API router: /api/v1/…"""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from sifasuo.accounts.api import TokenView
from sifasuo.mediation.api import (
    CaseTransferViewSet,
    CommitteeViewSet,
    MediationCaseViewSet,
    MediatorViewSet,
)
from sifasuo.offices.api import OfficeReturnViewSet
from sifasuo.orgs.api import OfficeViewSet, UnitViewSet
from sifasuo.people.api import PersonViewSet

router = DefaultRouter()
router.register("offices", OfficeViewSet, basename="office")
router.register("units", UnitViewSet, basename="unit")
router.register("people", PersonViewSet, basename="person")
router.register("office-returns", OfficeReturnViewSet, basename="office-return")
router.register("mediation/committees", CommitteeViewSet, basename="mediation-committee")
router.register("mediation/mediators", MediatorViewSet, basename="mediation-mediator")
router.register("mediation/cases", MediationCaseViewSet, basename="mediation-case")
router.register("mediation/transfers", CaseTransferViewSet, basename="mediation-transfer")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("stats/", include("sifasuo.stats.api_urls")),
    path("legalservice/", include("sifasuo.legalservice.api_urls")),
    path("correction/", include("sifasuo.correction.api_urls")),
    path("resettlement/", include("sifasuo.resettlement.api_urls")),
    path("portal/", include("sifasuo.portal.api_urls")),
    path("governance/", include("sifasuo.governance.api_urls")),
    path("publicity/", include("sifasuo.publicity.api_urls")),
    path("workorders/", include("sifasuo.workorders.api_urls")),
    path("", include("sifasuo.standards.api_urls")),
    *router.urls,
]
