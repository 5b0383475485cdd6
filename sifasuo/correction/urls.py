"""Community correction routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sifasuo.correction import views

app_name = "correction"

urlpatterns: list[URLPattern | URLResolver] = [
    path("subjects/", views.subject_list, name="subject_list"),
    path("subjects/new/", views.subject_create, name="subject_create"),
    path("subjects/search/", views.subject_search, name="subject_search"),
    path(
        "subjects/search/<str:token>/",
        views.subject_search_results,
        name="subject_search_results",
    ),
    path(
        "subjects/export-unmasked/",
        views.subject_export_revealed,
        name="subject_export_revealed",
    ),
    path("subjects/<uuid:public_id>/", views.subject_detail, name="subject_detail"),
    path(
        "subjects/<uuid:public_id>/steps/<slug:correction_step>/",
        views.subject_step,
        name="subject_step",
    ),
    path("subjects/<uuid:public_id>/reveal/", views.subject_reveal, name="subject_reveal"),
    path(
        "subjects/<uuid:public_id>/certificate/",
        views.subject_certificate,
        name="subject_certificate",
    ),
    path("requests/<uuid:public_id>/decide/", views.request_decide, name="request_decide"),
    path("requests/<uuid:public_id>/return/", views.request_return, name="request_return"),
    path("measures/<uuid:public_id>/decide/", views.measure_decide, name="measure_decide"),
    path("board/", views.board, name="board"),
    path("people/<uuid:public_id>/", views.person_subjects, name="person_subjects"),
]
