"""Mediation routes."""

from __future__ import annotations

from django.urls import path

from sifasuo.mediation import views

app_name = "mediation"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/import/", views.case_import, name="case_import"),
    path("cases/search/", views.case_search, name="case_search"),
    path("cases/search/<str:token>/", views.case_search_results, name="case_search_results"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:public_id>/steps/<slug:step>/", views.case_step, name="case_step"),
    path("cases/<uuid:public_id>/transfer/decide/", views.transfer_decide, name="transfer_decide"),
    path(
        "cases/<uuid:public_id>/documents/<slug:slug>/",
        views.case_document,
        name="case_document",
    ),
    path("cases/<uuid:public_id>/file.pdf", views.case_file, name="case_file"),
    path("visits/<uuid:public_id>/document/", views.visit_document, name="visit_document"),
    path("records/<uuid:public_id>/document/", views.record_document, name="record_document"),
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/<str:code>/", views.committee_detail, name="committee_detail"),
    path("committees/<str:code>/edit/", views.committee_edit, name="committee_edit"),
    path("committees/<str:code>/mediators/new/", views.mediator_create, name="mediator_create"),
    path("mediators/<uuid:public_id>/edit/", views.mediator_edit, name="mediator_edit"),
    path("screening/", views.screening_list, name="screening_list"),
    path("screening/new/", views.screening_create, name="screening_create"),
    path("screening/<uuid:public_id>/", views.screening_detail, name="screening_detail"),
    path(
        "screening/items/<uuid:public_id>/case/",
        views.screening_item_case,
        name="screening_item_case",
    ),
    path("people/<uuid:public_id>/cases/", views.person_cases, name="person_cases"),
]
