"""What the tasks and notices export: the Excel columns and the zip of all reply files."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core.models import Attachment
from sifasuo.workorders.models import Assignment, Notice, Task


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def reply_headers() -> list[str]:
    return [
        _("Task number"),
        _("Task"),
        _("Due on"),
        _("District"),
        _("Office"),
        _("Office code"),
        _("Status"),
        _("Late"),
        _("Submitted at"),
        _("On time"),
        _("Report"),
        _("Files"),
        _("Review note"),
    ]


def reply_row(assignment: Assignment, files: Sequence[Attachment]) -> list[Any]:
    """One row per office: district, office, status, submitted at, on time?, report, files."""
    task = assignment.task
    return [
        task.number,
        task.title,
        task.due_on,
        assignment.unit.parent.name if assignment.unit.parent else "",
        assignment.unit.name,
        assignment.unit.code,
        assignment.get_status_display(),
        _yes_no(assignment.is_late),
        _local(assignment.submitted_at),
        _yes_no(assignment.on_time),
        assignment.report,
        "；".join(f.original_name for f in files),
        assignment.review_note,
    ]


def task_headers() -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Sent by"),
        _("Sent on"),
        _("Due on"),
        _("Status"),
        _("Offices"),
        _("Replied"),
        _("Late"),
    ]


def task_row(task: Task, counts: Any) -> list[Any]:
    return [
        task.number,
        task.title,
        task.unit.name,
        task.sent_on,
        task.due_on,
        task.get_status_display(),
        counts.total,
        counts.replied,
        counts.late,
    ]


def notice_headers() -> list[str]:
    return [_("Title"), _("Published by"), _("Published at"), _("Offices"), _("Offices read")]


def notice_row(notice: Notice, counts: tuple[int, int]) -> list[Any]:
    read, addressed = counts
    return [notice.title, notice.unit.name, _local(notice.published_at), addressed, read]


def _safe(part: str) -> str:
    return "".join(ch for ch in part if ch not in '/\\:*?"<>|').strip() or "_"


def replies_zip(
    rows: Iterable[tuple[Assignment, Sequence[Attachment]]],
) -> tuple[IO[bytes], int]:
    """Return a zip of every reply file (``district/office/name``) and how many it holds."""
    spooled: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    count = 0
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for assignment, files in rows:
            office = assignment.unit
            folder = "/".join(
                _safe(p) for p in (office.parent.name if office.parent else "", office.name)
            )
            seen: set[str] = set()
            for attachment in files:
                name = _safe(attachment.original_name)
                if name in seen:
                    name = f"{attachment.public_id.hex[:8]}-{name}"
                seen.add(name)
                with attachment.file.open("rb") as handle:
                    archive.writestr(f"{folder}/{name}", handle.read())
                count += 1
    spooled.seek(0)
    return spooled, count
