"""Organisation routes: the public locator and the unit pages."""

from __future__ import annotations

from django.urls import path

from sifasuo.orgs import views

app_name = "orgs"

urlpatterns = [
    path("locator/", views.locator, name="locator"),
    path("locator/towns/", views.locator_towns, name="locator_towns"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/import/", views.office_import, name="office_import"),
    path("units/offices.xlsx", views.office_export, name="office_export"),
    path("units/import/template.xlsx", views.office_template, name="office_template"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
]
