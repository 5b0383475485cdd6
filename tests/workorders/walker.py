"""What the URL walker and the permission matrix need to know about workorders."""

from __future__ import annotations

from typing import Any

from django.db import models

from sifasuo.workorders.models import Assignment, Notice, Task, WorkorderFile
from tests.accounts.matrix import ActionPage, ScopedModel
from tests.workorders import factories

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {}
# Page routes that name a record -> the model (or queryset) they look it up in.
ROUTE_MODELS: dict[str, Any] = {
    "workorders:task_detail": Task,
    "workorders:task_edit": Task,
    "workorders:task_close": Task,
    "workorders:task_replies_export": Task,
    "workorders:task_replies_zip": Task,
    "workorders:assignment_detail": Assignment,
    "workorders:assignment_reply": Assignment,
    "workorders:assignment_review": Assignment,
    "workorders:notice_detail": Notice,
    "workorders:notice_edit": Notice,
    "workorders:file_download": WorkorderFile,
}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {}
# Lines of the permission matrix.
MATRIX_MODELS: tuple[ScopedModel, ...] = (
    ScopedModel(
        "workorders.Task",
        "scope_expectations.csv",
        factories.matrix_task,
        lambda t: [f"/workorders/tasks/{t.public_id}/", f"/api/v1/workorders/tasks/{t.public_id}/"],
        {"change": ActionPage("get", lambda t: f"/workorders/tasks/{t.public_id}/edit/")},
    ),
    ScopedModel(
        "workorders.Assignment",
        "scope_expectations.csv",
        factories.matrix_assignment,
        lambda a: [
            f"/workorders/replies/{a.public_id}/",
            f"/api/v1/workorders/assignments/{a.public_id}/",
        ],
    ),
    ScopedModel(
        "workorders.Notice",
        "scope_expectations.csv",
        factories.matrix_notice,
        lambda n: [
            f"/workorders/notices/{n.public_id}/",
            f"/api/v1/workorders/notices/{n.public_id}/",
        ],
        {"change": ActionPage("get", lambda n: f"/workorders/notices/{n.public_id}/edit/")},
    ),
)


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of the 西一路 office (610102001) for every model in ROUTE_MODELS or a viewset."""
    return factories.walker_records(office_clerk)
