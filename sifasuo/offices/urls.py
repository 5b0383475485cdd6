"""Office profile routes (``/offices/``); the staff pages are included as ``offices:staff``."""

from __future__ import annotations

from django.urls import include, path

from sifasuo.offices import views

app_name = "offices"

urlpatterns = [
    path("returns/", views.return_list, name="return_list"),
    path("returns/new/", views.return_create, name="return_create"),
    path("returns/import/", views.return_import, name="return_import"),
    path("returns/<uuid:public_id>/", views.return_detail, name="return_detail"),
    path("returns/<uuid:public_id>/edit/", views.return_edit, name="return_edit"),
    path("returns/<uuid:public_id>/rooms/", views.rooms_edit, name="rooms_edit"),
    path("returns/<uuid:public_id>/equipment/new/", views.equipment_add, name="equipment_add"),
    path("returns/<uuid:public_id>/systems/", views.system_set, name="system_set"),
    path("honours/", views.honour_list, name="honour_list"),
    path("honours/new/", views.honour_create, name="honour_create"),
    path("experiences/", views.experience_list, name="experience_list"),
    path("experiences/new/", views.experience_create, name="experience_create"),
    path("experiences/<uuid:public_id>/", views.experience_detail, name="experience_detail"),
    path("experiences/<uuid:public_id>/step/", views.experience_step, name="experience_step"),
    path("", include(("sifasuo.staff.urls", "staff"))),
]
