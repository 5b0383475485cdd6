"""Records for the workorders tests, made through the services (the matrix's by the ORM).

``send`` sends a task from a bureau to offices; ``matrix_*`` make a record owned by any unit
(the permission matrix tries every relation); ``walker_records`` gives the URL walker
(``tests/accounts/test_urls.py``) a record of every workorders model owned by 西一路.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from sifasuo.core.attachments import attachment_create
from sifasuo.orgs.models import Unit
from sifasuo.workorders import services
from sifasuo.workorders.models import Assignment, Notice, NoticeReceipt, Task, WorkorderFile

XIYILU = "610102001"
XINCHENG = "610102"
CITY = "610100"
_serial = count(1)

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def png(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def offices_of(code: str) -> list[Unit]:
    return services.offices_below(unit(code))


def send(
    *,
    actor: Any = None,
    sender: str = XINCHENG,
    offices: list[Unit] | None = None,
    sent_on: date | None = None,
    due_in: int = 10,
    title: str = "关于报送排查情况的通知",
    files: list[Any] | None = None,
) -> Task:
    """A task from ``sender`` (the system unless ``actor``) to ``offices`` (default: all below)."""
    start = sent_on or timezone.localdate()
    return services.task_send(
        actor=actor,
        sender=unit(sender) if actor is None else None,
        title=title,
        instructions="请按要求报送。",
        due_on=start + timedelta(days=due_in),
        offices=offices if offices is not None else offices_of(sender),
        sent_on=start,
        files=files or [],
    )


def assignment_of(task: Task, code: str = XIYILU) -> Assignment:
    return Assignment.objects.select_related("task", "unit").get(task=task, unit__code=code)


def publish(*, sender: str = XINCHENG, offices: list[Unit] | None = None) -> Notice:
    return services.notice_publish(
        actor=None,
        sender=unit(sender),
        title=f"测试通知{next(_serial)}",
        body="请各所知悉。",
        offices=offices if offices is not None else offices_of(sender),
    )


# The permission matrix and the URL walker -------------------------------------------------


def matrix_task(owner: Unit) -> Task:
    """A task owned by ``owner`` (any kind of unit), addressed to no one."""
    today = timezone.localdate()
    return Task.objects.create(
        unit=owner,
        number=f"（矩阵）交字第{next(_serial):04d}号",
        title="矩阵测试任务",
        instructions="矩阵",
        sent_on=today,
        due_on=today + timedelta(days=5),
    )


def matrix_assignment(owner: Unit) -> Assignment:
    """An assignment owned by ``owner`` on a task of the same unit."""
    return Assignment.objects.create(task=matrix_task(owner), unit=owner)


def matrix_notice(owner: Unit) -> Notice:
    return Notice.objects.create(
        unit=owner, title="矩阵测试通知", body="矩阵", published_at=timezone.now()
    )


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of 西一路 for every workorders route: a task it owns, addressed to itself.

    The walker's owner (西一路's director) must reach every route, the sender's pages too,
    so the task is owned by the office itself (made by the ORM, as the matrix does).
    """
    office = unit(XIYILU)
    task = matrix_task(office)
    assignment = Assignment.objects.create(task=task, unit=office)
    notice = matrix_notice(office)
    notice.addressees.add(office)
    attachment = attachment_create(actor=None, unit=office, uploaded=png(), owner=task)
    receipt = services.notice_read(actor=office_clerk, notice=notice)
    return {
        NoticeReceipt: [receipt],
        Task: [task],
        Assignment: [assignment],
        Notice: [notice],
        WorkorderFile: [WorkorderFile.objects.get(pk=attachment.pk)],
    }
