"""Tasks from above (上级交办) and notices (通知公告) between the bureaus and the offices.

The city bureau or a district bureau sends a task to chosen offices; each addressed office
gets its own ``Assignment`` (owned by the office) and replies with a report and files: it
saves a draft, submits, and the sender accepts the reply or returns it for rework. A task
is shared with the offices it is addressed to (DESIGN rule 1: the addressees of a work order
see it), through its assignments. A notice is shared with its addressees the same way;
each user of an addressed office who opens it leaves one read receipt.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.models import Attachment, BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.workorders.choices import AWAITING_OFFICE, REPLIED, AssignmentStatus, TaskStatus


class Task(BaseModel):
    """A task the city or a district sends to offices, with instructions and a due date."""

    # The addressed offices see the task (view only), and the units above them too.
    scope_share_field = "assignments__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"))
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"],
                condition=~Q(number=""),
                name="workorders_task_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("sent_on")), name="workorders_task_due_after_sent"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="workorders_task_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="workorders_task_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("workorders:task_detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def is_past_due(self) -> bool:
        return self.due_on < timezone.localdate()


class Assignment(BaseModel):
    """One addressed office's copy of a task: its reply (report and files) and the review."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="workorder_assignments",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
    )
    report = models.TextField(_("report"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_on = models.DateField(
        _("first submitted on"),
        null=True,
        blank=True,
        help_text=_("Whether the reply was on time is judged by its first submission."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    times_returned = models.PositiveIntegerField(_("times returned"), default=0)

    objects = ScopedManager()

    class Meta:
        ordering = ["task", "unit__path"]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="workorders_assignment_unique"),
            models.CheckConstraint(
                condition=Q(status__in=[AssignmentStatus.PENDING, AssignmentStatus.DRAFT])
                | Q(submitted_at__isnull=False, first_submitted_on__isnull=False),
                name="workorders_assignment_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values),
                name="workorders_assignment_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="workorders_assign_status_idx")]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("workorders:assignment_detail", args=[self.public_id])

    @property
    def is_replied(self) -> bool:
        return self.status in REPLIED

    @property
    def is_editable(self) -> bool:
        """The office may still write its reply (not submitted, and the task is open)."""
        return self.status in AWAITING_OFFICE and self.task.is_open

    @property
    def is_late(self) -> bool:
        """Past the due date without a standing submitted reply."""
        return self.status in AWAITING_OFFICE and self.task.due_on < timezone.localdate()

    @property
    def on_time(self) -> bool | None:
        """Whether the first submission came by the due date; None before any submission."""
        if self.first_submitted_on is None:
            return None
        return self.first_submitted_on <= self.task.due_on


class Notice(BaseModel):
    """A notice (通知公告) the city or a district publishes to offices."""

    scope_share_field = "addressees"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    published_at = models.DateTimeField(_("published at"))
    addressees = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("addressed offices"), related_name="workorder_notices"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workorders:notice_detail", args=[self.public_id])


class NoticeReceipt(BaseModel):
    """The first time one user of an addressed office opened a notice (one per user)."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("first read at"))

    objects = ScopedManager()

    class Meta:
        ordering = ["notice", "read_at"]
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="workorders_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.user}"


class WorkorderFile(Attachment):
    """An attachment of a task, a reply or a notice, served to whoever may see its owner.

    A proxy: the file is an ordinary ``core.Attachment``; the task's files belong to the
    sender's unit, so the addressed offices reach them through the task, not the unit.
    """

    class Meta:
        proxy = True
        verbose_name = _("task or notice file")
        verbose_name_plural = _("task and notice files")
