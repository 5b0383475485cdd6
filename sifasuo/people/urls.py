"""Person registry routes."""

from __future__ import annotations

from django.urls import path

from sifasuo.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("search/", views.person_search, name="person_search"),
    path("search/<str:token>/", views.person_search_results, name="person_search_results"),
    path("<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("<uuid:public_id>/edit/", views.person_edit, name="person_edit"),
    path("<uuid:public_id>/reveal/", views.person_reveal, name="person_reveal"),
]
