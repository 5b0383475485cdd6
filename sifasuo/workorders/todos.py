"""The to-do items of the tasks and notices: replies falling due, reviews, unread notices."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.accounts.roles import Role
from sifasuo.core.calendar import add_working_days
from sifasuo.core.choices import DayCount
from sifasuo.core.models import DeadlineRule
from sifasuo.core.todos import Todo, register
from sifasuo.workorders import selectors
from sifasuo.workorders.choices import AssignmentStatus, TaskStatus
from sifasuo.workorders.models import Assignment, Task

REPLY_RULE = "workorders.task_reply"
REVIEW_RULE = "workorders.reply_review"
LIMIT = 30


def _rule(code: str) -> DeadlineRule | None:
    return DeadlineRule.objects.filter(code=code).first()


def _after(rule: DeadlineRule | None, start: date) -> date | None:
    if rule is None:
        return None
    if rule.count == DayCount.WORKING:
        return add_working_days(start, rule.days)
    return start + timedelta(days=rule.days)


@register
def workorder_todos(user: Any) -> list[Todo]:
    """Replies the office owes (before they fall due; overdue after), reviews, unread notices."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return []
    items: list[Todo] = []
    if user.has_role(Role.OFFICE_CLERK, Role.OFFICE_DIRECTOR):
        items += _replies_due(user)
        items += _unread(user)
    if user.has_role(Role.CITY_OFFICER, Role.DISTRICT_OFFICER):
        items += _reviews(user)
    return items


def _replies_due(user: Any) -> list[Todo]:
    rule = _rule(REPLY_RULE)
    horizon = timezone.localdate() + timedelta(days=rule.remind_days_before if rule else 3)
    owed = (
        Assignment.objects.visible_to(user, "change")
        .filter(unit=user.unit, task__status=TaskStatus.OPEN)
        .filter(
            status__in=[AssignmentStatus.PENDING, AssignmentStatus.DRAFT, AssignmentStatus.RETURNED]
        )
        .select_related("task")
        .order_by("task__due_on", "pk")
    )
    items = []
    for assignment in owed[:LIMIT]:
        task = assignment.task
        if assignment.status == AssignmentStatus.RETURNED:
            title = _("Rework the reply to task %(n)s: %(title)s")
        elif task.due_on <= horizon:
            title = _("Reply to task %(n)s: %(title)s")
        else:
            continue
        items.append(
            Todo(
                title % {"n": task.number, "title": task.title},
                assignment.get_absolute_url(),
                task.due_on,
            )
        )
    return items


def _reviews(user: Any) -> list[Todo]:
    rule = _rule(REVIEW_RULE)
    sent = Task.objects.visible_to(user, "change").values("pk")
    waiting = (
        Assignment.objects.filter(task__in=sent, status=AssignmentStatus.SUBMITTED)
        .order_by()
        .values("task")
        .annotate(first=Min("submitted_at"), n=Count("pk"))
    )
    first = {row["task"]: (row["first"], row["n"]) for row in waiting}
    tasks = Task.objects.filter(pk__in=list(first)).order_by("due_on", "pk")[:LIMIT]
    return [
        Todo(
            _("Review %(count)d replies to task %(n)s") % {"count": first[t.pk][1], "n": t.number},
            reverse("workorders:task_detail", args=[t.public_id]) + "?status=SUBMITTED",
            _after(rule, timezone.localdate(first[t.pk][0])),
        )
        for t in tasks
    ]


def _unread(user: Any) -> list[Todo]:
    return [
        Todo(
            _("Read the notice: %(title)s") % {"title": notice.title},
            notice.get_absolute_url(),
            None,
        )
        for notice in selectors.unread_notices(user=user)[:LIMIT]
    ]
