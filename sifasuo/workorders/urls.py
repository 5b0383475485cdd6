"""Tasks and notices routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sifasuo.workorders import views

app_name = "workorders"

urlpatterns: list[URLPattern | URLResolver] = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<uuid:public_id>/", views.task_detail, name="task_detail"),
    path("tasks/<uuid:public_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<uuid:public_id>/close/", views.task_close, name="task_close"),
    path(
        "tasks/<uuid:public_id>/replies.xlsx",
        views.task_replies_export,
        name="task_replies_export",
    ),
    path("tasks/<uuid:public_id>/files.zip", views.task_replies_zip, name="task_replies_zip"),
    path("replies/", views.assignment_list, name="assignment_list"),
    path("replies/<uuid:public_id>/", views.assignment_detail, name="assignment_detail"),
    path("replies/<uuid:public_id>/reply/", views.assignment_reply, name="assignment_reply"),
    path("replies/<uuid:public_id>/review/", views.assignment_review, name="assignment_review"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<uuid:public_id>/", views.notice_detail, name="notice_detail"),
    path("notices/<uuid:public_id>/edit/", views.notice_edit, name="notice_edit"),
    path("files/<uuid:public_id>/", views.file_download, name="file_download"),
]
