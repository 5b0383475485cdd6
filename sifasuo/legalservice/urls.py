"""Public legal services routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sifasuo.legalservice import views

app_name = "legalservice"

urlpatterns: list[URLPattern | URLResolver] = [
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/search/", views.consultation_search, name="consultation_search"),
    path(
        "consultations/search/<str:token>/",
        views.consultation_search_results,
        name="consultation_search_results",
    ),
    path("consultations/<uuid:public_id>/", views.consultation_detail, name="consultation_detail"),
    path(
        "consultations/<uuid:public_id>/answer/",
        views.consultation_answer,
        name="consultation_answer",
    ),
    path("consultations/<uuid:public_id>/edit/", views.consultation_edit, name="consultation_edit"),
    path("legal-aid/", views.legal_aid_list, name="legal_aid_list"),
    path("legal-aid/new/", views.legal_aid_create, name="legal_aid_create"),
    path("legal-aid/search/", views.legal_aid_search, name="legal_aid_search"),
    path(
        "legal-aid/search/<str:token>/",
        views.legal_aid_search_results,
        name="legal_aid_search_results",
    ),
    path("legal-aid/<uuid:public_id>/", views.legal_aid_detail, name="legal_aid_detail"),
    path("legal-aid/<uuid:public_id>/edit/", views.legal_aid_edit, name="legal_aid_edit"),
    *(
        path(
            f"legal-aid/<uuid:public_id>/{step}/",
            views.legal_aid_step,
            {"step": step},
            name=f"legal_aid_{step}",
        )
        for step in views.LEGAL_AID_STEPS
    ),
    path("appointments/", views.appointment_list, name="appointment_list"),
    path("appointments/new/", views.appointment_create, name="appointment_create"),
    path("appointments/<uuid:public_id>/", views.appointment_detail, name="appointment_detail"),
    path(
        "appointments/<uuid:public_id>/outcome/",
        views.appointment_outcome,
        name="appointment_outcome",
    ),
    path("slots/", views.slot_list, name="slot_list"),
    path("slots/publish/", views.slot_publish, name="slot_publish"),
    path("slots/<uuid:public_id>/edit/", views.slot_edit, name="slot_edit"),
    path("windows/", views.window_list, name="window_list"),
    path("windows/new/", views.window_create, name="window_create"),
    path("windows/<uuid:public_id>/edit/", views.window_edit, name="window_edit"),
    path(
        "people/<uuid:public_id>/consultations/",
        views.person_consultations,
        name="person_consultations",
    ),
    path("people/<uuid:public_id>/legal-aid/", views.person_legal_aid, name="person_legal_aid"),
    path("figures/", views.figures, name="figures"),
]
