"""Resettlement and assistance routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sifasuo.resettlement import views

app_name = "resettlement"

urlpatterns: list[URLPattern | URLResolver] = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/search/", views.person_search, name="person_search"),
    path(
        "persons/search/<str:token>/",
        views.person_search_results,
        name="person_search_results",
    ),
    path("persons/<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("persons/<uuid:public_id>/edit/", views.person_edit, name="person_edit"),
    path("persons/<uuid:public_id>/reveal/", views.person_reveal, name="person_reveal"),
    path(
        "persons/<uuid:public_id>/steps/<slug:rs_step>/",
        views.person_step,
        name="person_step",
    ),
    path("people/<uuid:public_id>/", views.person_files, name="person_files"),
    path("visitations/", views.visitation_list, name="visitation_list"),
    path("visitations/new/", views.visitation_create, name="visitation_create"),
    path("visitations/<uuid:public_id>/", views.visitation_detail, name="visitation_detail"),
    path(
        "visitations/<uuid:public_id>/steps/<slug:vstep>/",
        views.visitation_step,
        name="visitation_step",
    ),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/<str:code>/edit/", views.coverage_edit, name="coverage_edit"),
]
