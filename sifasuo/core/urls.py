"""Core routes."""

from __future__ import annotations

from django.urls import path

from sifasuo.core import review_views, views

app_name = "core"

urlpatterns = [
    path("attachments/<uuid:public_id>/", views.attachment_download, name="attachment_download"),
    path("audit/access-review/", review_views.access_review, name="access_review"),
]
