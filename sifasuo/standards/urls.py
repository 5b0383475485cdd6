"""Standards routes (mounted at /standards/)."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from sifasuo.standards import views

app_name = "standards"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="standards:league"), name="home"),
    path("league/", views.league, name="league"),
    path("framework/", views.framework, name="framework"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<uuid:public_id>/", views.campaign_detail, name="campaign_detail"),
    path("assessments/<uuid:public_id>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<uuid:public_id>/step/", views.assessment_step, name="assessment_step"),
    path(
        "assessments/<uuid:public_id>/assessment.pdf",
        views.assessment_pdf,
        name="assessment_pdf",
    ),
    path("items/<uuid:public_id>/", views.item_update, name="item_update"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path(
        "rectifications/<uuid:public_id>/",
        views.rectification_detail,
        name="rectification_detail",
    ),
    path(
        "rectifications/<uuid:public_id>/evidence/",
        views.rectification_evidence,
        name="rectification_evidence",
    ),
    path("demonstration/", views.demonstration, name="demonstration"),
]
