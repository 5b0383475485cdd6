"""Reads of the tasks and notices: scoped querysets, per-task reply counts, read receipts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from sifasuo.accounts.models import User
from sifasuo.core.models import Attachment
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.workorders.choices import AWAITING_OFFICE, REPLIED, AssignmentStatus
from sifasuo.workorders.models import Assignment, Notice, NoticeReceipt, Task

SENDER_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.DEVZONE)
DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.DEVZONE)


def task_list(*, user: Any) -> QuerySet[Task]:
    """The tasks ``user`` sees: sent by their unit or below, or addressed to their offices."""
    visible = Task.objects.visible_to(user, "view").values("pk")
    return Task.objects.filter(pk__in=visible).select_related("unit").order_by("-sent_on", "-pk")


def assignment_list(*, user: Any) -> QuerySet[Assignment]:
    """The assignments (replies) ``user`` sees: their office's, or their offices'."""
    return (
        Assignment.objects.visible_to(user, "view")
        .select_related("task", "task__unit", "unit", "unit__parent")
        .order_by("task__due_on", "unit__path", "pk")
    )


def late_q(prefix: str = "") -> Q:
    """Assignments past the task's due date without a standing submitted reply."""
    return Q(**{f"{prefix}status__in": AWAITING_OFFICE}) & Q(
        **{f"{prefix}task__due_on__lt": timezone.localdate()}
    )


@dataclass
class ReplyCounts:
    """What one task's addressed offices (those the user sees) have done."""

    total: int = 0
    replied: int = 0
    accepted: int = 0
    awaiting_review: int = 0
    returned: int = 0
    late: int = 0
    by_status: Counter[str] = field(default_factory=Counter)

    @property
    def pending(self) -> int:
        return self.total - self.replied


def reply_counts(*, user: Any, tasks: Iterable[Task]) -> dict[int, ReplyCounts]:
    """Per task: how many of the offices ``user`` sees have replied, are late … (one query)."""
    by_id = {t.pk: t for t in tasks}
    counts: dict[int, ReplyCounts] = {pk: ReplyCounts() for pk in by_id}
    if not by_id:
        return counts
    today = timezone.localdate()
    rows = (
        Assignment.objects.visible_to(user, "view")
        .filter(task_id__in=list(by_id))
        .order_by()
        .values_list("task_id", "status")
        .annotate(n=Count("pk"))
    )
    for task_id, status, n in rows:
        item = counts[task_id]
        item.total += n
        item.by_status[status] += n
        if status in REPLIED:
            item.replied += n
        if status == AssignmentStatus.ACCEPTED:
            item.accepted += n
        if status == AssignmentStatus.SUBMITTED:
            item.awaiting_review += n
        if status == AssignmentStatus.RETURNED:
            item.returned += n
        if status in AWAITING_OFFICE and by_id[task_id].due_on < today:
            item.late += n
    return counts


def own_assignments(*, user: Any, tasks: Iterable[Task]) -> dict[int, Assignment]:
    """The assignment of the user's own office for each task (office users only)."""
    unit = getattr(user, "unit", None)
    ids = [t.pk for t in tasks]
    if unit is None or unit.kind != UnitKind.OFFICE or not ids:
        return {}
    rows = Assignment.objects.visible_to(user, "view").filter(task_id__in=ids, unit=unit)
    return {a.task_id: a for a in rows}


def task_assignments(*, user: Any, task: Task) -> QuerySet[Assignment]:
    """The assignments of one task that ``user`` sees, in tree order (district, office)."""
    return (
        Assignment.objects.visible_to(user, "view")
        .filter(task=task)
        .select_related("unit", "unit__parent", "task")
        .order_by("unit__path", "pk")
    )


def files_of(owner_type: str, owner_ids: Iterable[Any]) -> dict[str, list[Attachment]]:
    """The attachments of some tasks, replies or notices, by owner id (one query)."""
    ids = [str(i) for i in owner_ids]
    result: dict[str, list[Attachment]] = {}
    if not ids:
        return result
    rows = Attachment.objects.filter(owner_type=owner_type, owner_id__in=ids).order_by(
        "created_at", "pk"
    )
    for attachment in rows:
        result.setdefault(attachment.owner_id, []).append(attachment)
    return result


def bureaus() -> QuerySet[Unit]:
    """The city and district bureaus (public reference data: senders and districts)."""
    return Unit.objects.filter(kind__in=SENDER_KINDS, is_active=True).order_by("path")


def districts_below(unit: Unit) -> QuerySet[Unit]:
    """The district bureaus under ``unit`` (all of them for the city; itself for a district)."""
    if unit.kind in DISTRICT_KINDS:
        return Unit.objects.filter(pk=unit.pk)
    return Unit.objects.filter(
        kind__in=DISTRICT_KINDS, is_active=True, path__startswith=unit.path
    ).order_by("path")


def office_groups(unit: Unit) -> list[tuple[Unit, list[Unit]]]:
    """The active offices under ``unit``, grouped by district bureau, for the address form."""
    offices = Unit.objects.filter(
        kind=UnitKind.OFFICE, is_active=True, path__startswith=unit.path
    ).order_by("path")
    bureaus_by_pk = {b.pk: b for b in districts_below(unit)}
    groups: dict[int, list[Unit]] = {}
    for office in offices:
        groups.setdefault(office.parent_id or 0, []).append(office)
    return [(bureaus_by_pk[pk], groups[pk]) for pk in bureaus_by_pk if pk in groups]


# Notices ----------------------------------------------------------------------------------


def notice_list(*, user: Any) -> QuerySet[Notice]:
    """The notices ``user`` sees: published by their unit or below, or addressed to them."""
    visible = Notice.objects.visible_to(user, "view").values("pk")
    return (
        Notice.objects.filter(pk__in=visible)
        .select_related("unit")
        .order_by("-published_at", "-pk")
    )


def unread_notices(*, user: Any) -> QuerySet[Notice]:
    """Notices addressed to the user's office that the user has not opened yet."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return Notice.objects.none()
    return (
        Notice.objects.visible_to(user, "view")
        .filter(addressees=unit_id)
        .exclude(receipts__user=user)
        .order_by("-published_at", "-pk")
    )


def read_notice_ids(*, user: Any, notices: Iterable[Notice]) -> set[int]:
    """Which of ``notices`` the user has opened (one query)."""
    ids = [n.pk for n in notices]
    return set(
        NoticeReceipt.objects.filter(user=user, notice_id__in=ids).values_list(
            "notice_id", flat=True
        )
    )


def notice_read_counts(*, user: Any, notices: Iterable[Notice]) -> dict[int, tuple[int, int]]:
    """Per notice: (offices that have read it, offices addressed), among those user sees."""
    ids = [n.pk for n in notices]
    if not ids:
        return {}
    below = _visible_office_q(user)
    addressed = dict(
        Notice.addressees.through.objects.filter(notice_id__in=ids)
        .filter(**{f"unit__{k}": v for k, v in below.items()})
        .order_by()
        .values_list("notice_id")
        .annotate(n=Count("pk"))
    )
    read = dict(
        NoticeReceipt.objects.visible_to(user, "view")
        .filter(notice_id__in=ids)
        .order_by()
        .values_list("notice_id")
        .annotate(n=Count("unit", distinct=True))
    )
    return {pk: (read.get(pk, 0), addressed.get(pk, 0)) for pk in ids}


def _visible_office_q(user: Any) -> dict[str, Any]:
    """The addressed offices a user may see the readers of: their own unit and below."""
    unit = getattr(user, "unit", None)
    return {"path__startswith": unit.path if unit is not None else "/nowhere/"}


@dataclass
class OfficeReading:
    """One addressed office of a notice: who of its users has read it, and when."""

    office: Unit
    readers: list[tuple[User, Any]]  # (user, first read time or None)

    @property
    def has_read(self) -> bool:
        return any(at is not None for _, at in self.readers)

    @property
    def read_count(self) -> int:
        return sum(1 for _, at in self.readers if at is not None)


def notice_readings(*, user: Any, notice: Notice, unread_only: bool = False) -> list[OfficeReading]:
    """Read or unread per addressed office and per user of it (three queries)."""
    offices = list(
        notice.addressees.filter(**_visible_office_q(user))
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "users",
                queryset=User.objects.filter(is_active=True).order_by("username"),
                to_attr="active_users",
            )
        )
        .order_by("path")
    )
    read_at = dict(
        NoticeReceipt.objects.visible_to(user, "view")
        .filter(notice=notice)
        .values_list("user_id", "read_at")
    )
    result = []
    for office in offices:
        readers = [(u, read_at.get(u.pk)) for u in office.active_users]  # type: ignore[attr-defined]
        reading = OfficeReading(office=office, readers=readers)
        if unread_only and reading.has_read:
            continue
        result.append(reading)
    return result


def receipt_list(*, user: Any) -> QuerySet[NoticeReceipt]:
    """The read receipts ``user`` sees (their own unit's and below)."""
    return (
        NoticeReceipt.objects.visible_to(user, "view")
        .select_related("notice", "user", "unit")
        .order_by("notice", "read_at")
    )
