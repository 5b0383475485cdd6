"""The figures of the tasks and notices, defined once (DESIGN "measures").

A task counts under the bureau that sent it, on the day it was sent. A reply counts under
the office that gave it, on the day of its first submission; it is on time when that day is
not after the task's due date (a reply returned for rework and resubmitted keeps its first
day). A read counts once per user, under the reader's office, on the day of the first read.
A task received counts under each office it was sent to, on the day it was sent.

"On time" and "late" compare with the task's due date, which the sender may change: they are
live (never kept in the aggregates), and so is "awaiting the office past the due date" (today).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.workorders.choices import AWAITING_OFFICE
from sifasuo.workorders.models import Assignment, NoticeReceipt, Task

REPLY_BREAKDOWNS = {
    "by_status": "status",
    "by_district": "unit__parent__code",
    "by_sender": "task__unit__code",
}


def _tasks(user: Any) -> QuerySet[Task]:
    return Task.objects.visible_to(user)


def _assignments(user: Any) -> QuerySet[Assignment]:
    return Assignment.objects.visible_to(user)


def _awaiting_overdue(user: Any) -> QuerySet[Assignment]:
    return _assignments(user).filter(
        status__in=AWAITING_OFFICE, task__due_on__lt=timezone.localdate()
    )


def _replies(user: Any) -> QuerySet[Assignment]:
    return Assignment.objects.visible_to(user).filter(first_submitted_on__isnull=False)


def _on_time(user: Any) -> QuerySet[Assignment]:
    return _replies(user).filter(first_submitted_on__lte=F("task__due_on"))


def _late(user: Any) -> QuerySet[Assignment]:
    return _replies(user).filter(first_submitted_on__gt=F("task__due_on"))


def _reads(user: Any) -> QuerySet[NoticeReceipt]:
    return NoticeReceipt.objects.visible_to(user)


_REPLY = ("first_submitted_on", "unit__path", REPLY_BREAKDOWNS)
MEASURES = [
    ("workorders.tasks_sent", _("Tasks sent"), _tasks, "sent_on", "unit__path", {}),
    (
        "workorders.assignments",
        _("Tasks received by offices"),
        _assignments,
        "task__sent_on",
        "unit__path",
        REPLY_BREAKDOWNS,
    ),
    ("workorders.replies", _("Task replies submitted"), _replies, *_REPLY),
    ("workorders.replies_on_time", _("Task replies on time"), _on_time, *_REPLY),
    ("workorders.replies_late", _("Task replies submitted late"), _late, *_REPLY),
    (
        "workorders.notices_read",
        _("Notice reads (one per user)"),
        _reads,
        "read_at",
        "unit__path",
        {"by_office": "unit__code"},
    ),
]

# Figures that depend on today's date or on rows outside the counted record: computed live.
LIVE = frozenset({"workorders.replies_on_time", "workorders.replies_late"})

for code, label, records, date_field, unit_path_field, breakdowns in MEASURES:
    registry.register(
        Measure(
            code=code,
            label=label,
            records=records,
            date_field=date_field,
            unit_path_field=unit_path_field,
            breakdowns=breakdowns,
            live=code in LIVE,
            tags=("workorders",),
        )
    )
registry.register(
    Measure(
        code="workorders.awaiting_overdue",
        label=_("Tasks awaiting the office past their due date"),
        records=_awaiting_overdue,
        breakdowns=REPLY_BREAKDOWNS,
        live=True,
        tags=("workorders",),
    )
)
