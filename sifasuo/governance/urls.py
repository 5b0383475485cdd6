"""Rule-of-law governance routes: the ledgers, then the citizens' pages on drafts."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sifasuo.governance import views

app_name = "governance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<uuid:public_id>/", views.review_detail, name="review_detail"),
    path(
        "reviews/<uuid:public_id>/steps/<slug:review_step>/", views.review_step, name="review_step"
    ),
    path("reviews/<uuid:public_id>/opinion.docx", views.review_document, name="review_document"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/new/", views.supervision_create, name="supervision_create"),
    path("supervision/<uuid:public_id>/", views.supervision_detail, name="supervision_detail"),
    path(
        "supervision/<uuid:public_id>/steps/<slug:supervision_step>/",
        views.supervision_step,
        name="supervision_step",
    ),
    path(
        "rectifications/<uuid:public_id>/close/",
        views.rectification_close,
        name="rectification_close",
    ),
    path("drafts/", views.draft_list, name="draft_list"),
    path("drafts/new/", views.draft_create, name="draft_create"),
    path("drafts/<uuid:public_id>/", views.draft_detail, name="draft_detail"),
    path("drafts/<uuid:public_id>/steps/<slug:draft_step>/", views.draft_step, name="draft_step"),
    path("drafts/<uuid:public_id>/summary.<str:fmt>", views.draft_summary, name="draft_summary"),
    path("opinions/", views.opinion_list, name="opinion_list"),
    path("opinions/<uuid:public_id>/answer/", views.opinion_answer, name="opinion_answer"),
    path("jurors/", views.round_list, name="round_list"),
    path("jurors/new/", views.round_create, name="round_create"),
    path("jurors/<uuid:public_id>/", views.round_detail, name="round_detail"),
    path("jurors/<uuid:public_id>/steps/<slug:round_step>/", views.round_step, name="round_step"),
    path("candidates/<uuid:public_id>/", views.candidate_detail, name="candidate_detail"),
    path(
        "candidates/<uuid:public_id>/steps/<slug:candidate_step>/",
        views.candidate_step,
        name="candidate_step",
    ),
    path("three-rules/", views.interference_list, name="interference_list"),
    path("three-rules/new/", views.interference_create, name="interference_create"),
    path("three-rules/<uuid:public_id>/", views.interference_detail, name="interference_detail"),
    path(
        "three-rules/<uuid:public_id>/steps/<slug:entry_step>/",
        views.interference_step,
        name="interference_step",
    ),
    path(
        "people/<uuid:public_id>/candidacies/",
        views.person_candidacies,
        name="person_candidacies",
    ),
    # The citizens' pages (public list and draft; the comment form needs the SMS login).
    path("consult/", views.public_draft_list, name="public_draft_list"),
    path("consult/mine/", views.my_comments, name="my_comments"),
    path("consult/<uuid:draft_id>/", views.public_draft_detail, name="public_draft_detail"),
    path("consult/<uuid:draft_id>/comment/", views.comment, name="comment"),
]
