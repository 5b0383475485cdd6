"""URL configuration: pages per app, the API under /api/v1/, schema and docs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("sifasuo.accounts.urls")),
    path("", include("sifasuo.core.urls")),
    path("", include("sifasuo.orgs.urls")),
    path("people/", include("sifasuo.people.urls")),
    path("portal/", include("sifasuo.portal.urls")),
    path("offices/", include("sifasuo.offices.urls")),
    path("standards/", include("sifasuo.standards.urls")),
    path("mediation/", include("sifasuo.mediation.urls")),
    path("legalservice/", include("sifasuo.legalservice.urls")),
    path("correction/", include("sifasuo.correction.urls")),
    path("resettlement/", include("sifasuo.resettlement.urls")),
    path("governance/", include("sifasuo.governance.urls")),
    path("publicity/", include("sifasuo.publicity.urls")),
    path("workorders/", include("sifasuo.workorders.urls")),
    path("stats/", include("sifasuo.stats.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler500 = "sifasuo.core.views.server_error"
