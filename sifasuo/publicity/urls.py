"""Legal publicity routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sifasuo.publicity import views

app_name = "publicity"

# URL segment of each ledger -> its key in views.LEDGERS (route names <key>_list, …).
LEDGER_PATHS = {
    "activities": "activity",
    "legal-literates": "literate",
    "households": "household",
    "village-advisers": "adviser",
    "demonstration-villages": "village",
    "town-advisers": "town_adviser",
}

urlpatterns: list[URLPattern | URLResolver] = []
for segment, key in LEDGER_PATHS.items():
    urlpatterns += [
        path(f"{segment}/", views.ledger_list, {"ledger": key}, name=f"{key}_list"),
        path(f"{segment}/new/", views.ledger_create, {"ledger": key}, name=f"{key}_create"),
        path(
            f"{segment}/<uuid:public_id>/",
            views.ledger_detail,
            {"ledger": key},
            name=f"{key}_detail",
        ),
        path(
            f"{segment}/<uuid:public_id>/edit/",
            views.ledger_edit,
            {"ledger": key},
            name=f"{key}_edit",
        ),
    ]

urlpatterns += [
    path(
        "activities/<uuid:public_id>/photos/",
        views.activity_photo_add,
        name="activity_photo_add",
    ),
    path(
        "legal-literates/<uuid:public_id>/trainings/",
        views.literate_training_add,
        name="literate_training_add",
    ),
    path(
        "village-advisers/<uuid:public_id>/logs/",
        views.adviser_log_add,
        name="adviser_log_add",
    ),
    path(
        "demonstration-villages/<uuid:public_id>/review/",
        views.village_review,
        name="village_review",
    ),
    path(
        "town-advisers/<uuid:public_id>/matters/",
        views.town_adviser_matter_add,
        name="town_adviser_matter_add",
    ),
    path("coverage/", views.coverage, name="coverage"),
    path("adviser-norms/", views.adviser_norms, name="adviser_norms"),
    path("people/<uuid:public_id>/", views.person_records, name="person_records"),
]
