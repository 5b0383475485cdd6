"""Staff routes, mounted under ``/offices/`` as the ``offices:staff`` namespace."""

from __future__ import annotations

from django.urls import path

from sifasuo.staff import views

app_name = "staff"

urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<uuid:public_id>/edit/", views.staff_edit, name="staff_edit"),
    path("returns/<uuid:public_id>/staff/new/", views.staff_add, name="staff_add"),
    path("returns/<uuid:public_id>/trainings/new/", views.training_add, name="training_add"),
    path("movements/", views.movement_list, name="movement_list"),
    path("movements/new/", views.movement_create, name="movement_create"),
    path("party-meetings/", views.meeting_list, name="meeting_list"),
    path("party-meetings/new/", views.meeting_create, name="meeting_create"),
]
