"""Every write of the tasks and notices: one function per action, in a transaction, audited.

A task goes OPEN → CLOSED; each addressed office's assignment goes PENDING → DRAFT →
SUBMITTED → ACCEPTED, or SUBMITTED → RETURNED → (DRAFT kept as RETURNED) → SUBMITTED. Only
the city bureau's and the district bureaus' officers send; only a clerk or the director of
the addressed office replies; only the sender (a user who may change the task at its unit)
reviews. A notice is published once and may be corrected; the first opening by each user
of an addressed office leaves one read receipt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.accounts.roles import Role
from sifasuo.core import audit
from sifasuo.core.attachments import attachment_create
from sifasuo.core.errors import ApplicationError
from sifasuo.core.measures import records_changed
from sifasuo.core.numbering import next_document_number
from sifasuo.core.scope import assert_in_scope
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.workorders.choices import AWAITING_OFFICE, AssignmentStatus, TaskStatus
from sifasuo.workorders.models import Assignment, Notice, NoticeReceipt, Task

TASK_DOC_TYPE = "workorders.task"
SENDER_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.DEVZONE)
DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.DEVZONE)


# Who may act ------------------------------------------------------------------------------


def may_send(actor: Any) -> bool:
    """An officer of the city bureau or of a district (or development-zone) bureau."""
    unit = getattr(actor, "unit", None)
    if unit is None or not getattr(actor, "is_authenticated", False):
        return False
    if unit.kind == UnitKind.CITY:
        return bool(actor.has_role(Role.CITY_OFFICER))
    return bool(unit.kind in DISTRICT_KINDS and actor.has_role(Role.DISTRICT_OFFICER))


def may_review(actor: Any, task: Task) -> bool:
    """The sender: a user who may change the task at the unit that sent it."""
    if actor is None:
        return True
    return bool(Task.objects.visible_to(actor, "change").filter(pk=task.pk).exists())


def may_reply(actor: Any, assignment: Assignment) -> bool:
    """A clerk or the director of the addressed office itself."""
    if actor is None:
        return True
    return bool(
        actor.has_role(Role.OFFICE_CLERK, Role.OFFICE_DIRECTOR)
        and actor.unit_id == assignment.unit_id
    )


def _sender_unit(actor: Any, sender: Unit | None) -> Unit:
    if actor is None:
        if sender is None or sender.kind not in SENDER_KINDS:
            raise ApplicationError(_("Name the bureau that sends."))
        return sender
    if not may_send(actor):
        raise PermissionDenied
    unit: Unit = actor.unit
    return unit


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _version(obj: Any, version: int | None) -> None:
    if version is not None:
        obj.version = version


def _check_offices(sender: Unit, offices: Iterable[Unit]) -> list[Unit]:
    """Return the addressed offices, each once; all active offices below the sender."""
    chosen = list({office.pk: office for office in offices}.values())
    if not chosen:
        raise ApplicationError(_("Choose at least one office."), field="offices")
    wrong = [
        o.name
        for o in chosen
        if o.kind != UnitKind.OFFICE or not o.is_active or not o.path.startswith(sender.path)
    ]
    if wrong:
        raise ApplicationError(
            _("Only active judicial offices under %(sender)s can be addressed: %(units)s.")
            % {"sender": sender.name, "units": "、".join(wrong[:10])},
            field="offices",
        )
    return sorted(chosen, key=lambda o: o.path)


def offices_below(unit: Unit) -> list[Unit]:
    """Every active office under ``unit`` (a bureau), in tree order."""
    return list(
        Unit.objects.filter(
            kind=UnitKind.OFFICE, is_active=True, path__startswith=unit.path
        ).order_by("path")
    )


def _attach(actor: Any, unit: Unit, owner: Any, files: Sequence[UploadedFile]) -> list[str]:
    names = []
    for uploaded in files:
        attachment = attachment_create(actor=actor, unit=unit, uploaded=uploaded, owner=owner)
        names.append(attachment.original_name)
    return names


def _clean_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, field=field)
    return value


# Tasks ------------------------------------------------------------------------------------


@transaction.atomic
def task_send(
    *,
    actor: Any,
    title: str,
    instructions: str,
    due_on: date,
    offices: Iterable[Unit],
    files: Sequence[UploadedFile] = (),
    sender: Unit | None = None,
    sent_on: date | None = None,
) -> Task:
    """Send a task to ``offices``: number it, give each office its assignment, attach files.

    ``sender`` and ``sent_on`` are for the system (demo data, imports); a user sends from
    their own bureau today.
    """
    unit = _sender_unit(actor, sender)
    today = sent_on if actor is None and sent_on is not None else timezone.localdate()
    title = _clean_text(title, "title", _("Enter the title."))
    instructions = _clean_text(instructions, "instructions", _("Enter the instructions."))
    if due_on < today:
        raise ApplicationError(_("The due date cannot be before today."), field="due_on")
    chosen = _check_offices(unit, offices)
    task = Task(
        unit=unit,
        title=title,
        instructions=instructions,
        sent_on=today,
        due_on=due_on,
        created_by=actor,
        number=next_document_number(unit=unit, doc_type_code=TASK_DOC_TYPE, year=today.year),
    )
    task.full_clean()
    task.save()
    # One row per office in one statement: a city task reaches all 185 offices.
    assignments = Assignment.objects.bulk_create(
        Assignment(task=task, unit=office, created_by=actor) for office in chosen
    )
    # bulk_create sends no model signals: tell the figures' keepers (stats) what was written.
    records_changed.send(sender=Assignment, pks=[a.pk for a in assignments])
    file_names = _attach(actor, unit, task, files)
    assert_in_scope(task, actor, "create")
    audit.record(
        "create",
        actor=actor,
        obj=task,
        changes={
            "fields": ["due_on", "instructions", "title"],
            "offices": [o.code for o in chosen],
            "files": len(file_names),
        },
    )
    return task


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: Task,
    title: str,
    instructions: str,
    due_on: date,
    version: int | None,
    files: Sequence[UploadedFile] = (),
) -> Task:
    """Correct a task's title, instructions or due date, or add files (the sender only)."""
    _require(may_review(actor, task))
    if not task.is_open:
        raise ApplicationError(_("The task is closed; it can no longer be changed."))
    title = _clean_text(title, "title", _("Enter the title."))
    instructions = _clean_text(instructions, "instructions", _("Enter the instructions."))
    if due_on < task.sent_on:
        raise ApplicationError(
            _("The due date cannot be before the day the task was sent (%(date)s).")
            % {"date": task.sent_on},
            field="due_on",
        )
    before = {"title": task.title, "instructions": task.instructions, "due_on": task.due_on}
    task.title, task.instructions, task.due_on = title, instructions, due_on
    after = {"title": task.title, "instructions": task.instructions, "due_on": task.due_on}
    _version(task, version)
    task.full_clean()
    task.save()
    file_names = _attach(actor, task.unit, task, files)
    assert_in_scope(task, actor, "change")
    audit.record(
        "update",
        actor=actor,
        obj=task,
        changes={"fields": audit.changed_fields(before, after), "files": len(file_names)},
    )
    return task


@transaction.atomic
def task_close(*, actor: Any, task: Task, version: int | None) -> Task:
    """Close a task: no more replies; the late offices stay late."""
    _require(may_review(actor, task))
    if not task.is_open:
        raise ApplicationError(_("The task is closed already."))
    task.status = TaskStatus.CLOSED
    task.closed_on = timezone.localdate()
    _version(task, version)
    task.full_clean()
    task.save()
    assert_in_scope(task, actor, "change")
    audit.record("close", actor=actor, obj=task, changes={"fields": ["closed_on", "status"]})
    return task


# Replies ----------------------------------------------------------------------------------


# A reply or a review changes neither the task, the office nor the ids: validating them again
# would cost four queries per reply (a city task has 185).
FIXED_ASSIGNMENT_FIELDS = ["task", "unit", "public_id", "created_by", "submitted_by", "reviewed_by"]


def _require_editable(assignment: Assignment) -> None:
    if not assignment.task.is_open:
        raise ApplicationError(_("The task is closed; replies are no longer taken."))
    if assignment.status not in AWAITING_OFFICE:
        raise ApplicationError(
            _("The reply is “%(status)s”; it cannot be changed now.")
            % {"status": assignment.get_status_display()}
        )


def _save_reply(
    assignment: Assignment,
    *,
    actor: Any,
    version: int | None,
    action: str,
    fields: list[str],
    files: Sequence[UploadedFile],
) -> Assignment:
    _version(assignment, version)
    assignment.full_clean(exclude=FIXED_ASSIGNMENT_FIELDS)
    assignment.save()
    file_names = _attach(actor, assignment.unit, assignment, files)
    assert_in_scope(assignment, actor, "change")
    audit.record(
        action,
        actor=actor,
        obj=assignment,
        changes={"fields": sorted(fields), "files": len(file_names)},
    )
    return assignment


@transaction.atomic
def reply_save(
    *,
    actor: Any,
    assignment: Assignment,
    report: str,
    version: int | None,
    files: Sequence[UploadedFile] = (),
) -> Assignment:
    """Save the office's reply as a draft (a returned reply stays "returned" until submitted)."""
    _require(may_reply(actor, assignment))
    _require_editable(assignment)
    assignment.report = (report or "").strip()
    if assignment.status == AssignmentStatus.PENDING:
        assignment.status = AssignmentStatus.DRAFT
    return _save_reply(
        assignment,
        actor=actor,
        version=version,
        action="update",
        fields=["report", "status"],
        files=files,
    )


@transaction.atomic
def reply_submit(
    *,
    actor: Any,
    assignment: Assignment,
    report: str,
    version: int | None,
    files: Sequence[UploadedFile] = (),
    at: datetime | None = None,
) -> Assignment:
    """Submit the office's reply to the sender; the first submission decides "on time".

    ``at`` is for the system only (demo data): a user submits now.
    """
    _require(may_reply(actor, assignment))
    _require_editable(assignment)
    assignment.report = _clean_text(report, "report", _("Write the report before submitting."))
    now = at if actor is None and at is not None else timezone.now()
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = now
    assignment.submitted_by = actor
    if assignment.first_submitted_on is None:
        assignment.first_submitted_on = timezone.localdate(now)
    return _save_reply(
        assignment,
        actor=actor,
        version=version,
        action="submit",
        fields=["first_submitted_on", "report", "status", "submitted_at"],
        files=files,
    )


def _review(
    assignment: Assignment, *, actor: Any, version: int | None, at: datetime | None
) -> None:
    _require(may_review(actor, assignment.task))
    if assignment.status != AssignmentStatus.SUBMITTED:
        raise ApplicationError(
            _("The reply is “%(status)s”; only a submitted reply can be reviewed.")
            % {"status": assignment.get_status_display()}
        )
    _version(assignment, version)
    assignment.reviewed_at = at if actor is None and at is not None else timezone.now()
    assignment.reviewed_by = actor


@transaction.atomic
def reply_return(
    *,
    actor: Any,
    assignment: Assignment,
    note: str,
    version: int | None,
    at: datetime | None = None,
) -> Assignment:
    """Return a submitted reply to the office for rework, saying what to change."""
    _review(assignment, actor=actor, version=version, at=at)
    assignment.review_note = _clean_text(note, "note", _("Say what the office should rework."))
    assignment.status = AssignmentStatus.RETURNED
    assignment.times_returned += 1
    assignment.full_clean(exclude=FIXED_ASSIGNMENT_FIELDS)
    assignment.save()
    assert_in_scope(assignment.task, actor, "change")
    audit.record(
        "return",
        actor=actor,
        obj=assignment,
        changes={"fields": ["review_note", "reviewed_at", "status"]},
    )
    return assignment


@transaction.atomic
def reply_accept(
    *,
    actor: Any,
    assignment: Assignment,
    version: int | None,
    note: str = "",
    at: datetime | None = None,
) -> Assignment:
    """Accept a submitted reply: the office's part of the task is done."""
    _review(assignment, actor=actor, version=version, at=at)
    assignment.review_note = (note or "").strip()
    assignment.status = AssignmentStatus.ACCEPTED
    assignment.full_clean(exclude=FIXED_ASSIGNMENT_FIELDS)
    assignment.save()
    assert_in_scope(assignment.task, actor, "change")
    audit.record(
        "accept",
        actor=actor,
        obj=assignment,
        changes={"fields": ["review_note", "reviewed_at", "status"]},
    )
    return assignment


# Notices ----------------------------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    title: str,
    body: str,
    offices: Iterable[Unit],
    files: Sequence[UploadedFile] = (),
    sender: Unit | None = None,
    published_at: datetime | None = None,
) -> Notice:
    """Publish a notice to ``offices`` now (``published_at`` is for the system only)."""
    unit = _sender_unit(actor, sender)
    notice = Notice(
        unit=unit,
        title=_clean_text(title, "title", _("Enter the title.")),
        body=_clean_text(body, "body", _("Enter the text of the notice.")),
        published_at=published_at if actor is None and published_at else timezone.now(),
        created_by=actor,
    )
    chosen = _check_offices(unit, offices)
    notice.full_clean()
    notice.save()
    notice.addressees.set(chosen)
    file_names = _attach(actor, unit, notice, files)
    assert_in_scope(notice, actor, "create")
    audit.record(
        "create",
        actor=actor,
        obj=notice,
        changes={
            "fields": ["body", "title"],
            "offices": [o.code for o in chosen],
            "files": len(file_names),
        },
    )
    return notice


@transaction.atomic
def notice_update(
    *,
    actor: Any,
    notice: Notice,
    title: str,
    body: str,
    version: int | None,
    files: Sequence[UploadedFile] = (),
) -> Notice:
    """Correct a published notice's title or text, or add files (the publisher only)."""
    _require(
        actor is None or Notice.objects.visible_to(actor, "change").filter(pk=notice.pk).exists()
    )
    before = {"title": notice.title, "body": notice.body}
    notice.title = _clean_text(title, "title", _("Enter the title."))
    notice.body = _clean_text(body, "body", _("Enter the text of the notice."))
    _version(notice, version)
    notice.full_clean()
    notice.save()
    file_names = _attach(actor, notice.unit, notice, files)
    assert_in_scope(notice, actor, "change")
    audit.record(
        "update",
        actor=actor,
        obj=notice,
        changes={
            "fields": audit.changed_fields(before, {"title": notice.title, "body": notice.body}),
            "files": len(file_names),
        },
    )
    return notice


def is_addressee(actor: Any, notice: Notice) -> bool:
    """Whether ``actor`` works at an office the notice is addressed to."""
    unit_id = getattr(actor, "unit_id", None)
    return bool(unit_id and notice.addressees.filter(pk=unit_id).exists())


@transaction.atomic
def notice_read(*, actor: Any, notice: Notice, at: datetime | None = None) -> NoticeReceipt | None:
    """Record that ``actor`` opened the notice: the first time only; None if not addressed.

    ``at`` is for the system only (demo data).
    """
    if actor is None or not is_addressee(actor, notice):
        return None
    existing = NoticeReceipt.objects.filter(notice=notice, user=actor).first()
    if existing is not None:
        return existing
    receipt = NoticeReceipt(
        notice=notice,
        user=actor,
        unit=actor.unit,
        read_at=at or timezone.now(),
        created_by=actor,
    )
    receipt.full_clean(validate_constraints=False)
    # A second tab opening the notice at the same moment finds the first receipt.
    receipt, created = NoticeReceipt.objects.get_or_create(
        notice=notice,
        user=actor,
        defaults={"unit": receipt.unit, "read_at": receipt.read_at, "created_by": actor},
    )
    if created:
        audit.record("read", actor=actor, obj=notice, changes={"receipt": receipt.pk})
    return receipt
