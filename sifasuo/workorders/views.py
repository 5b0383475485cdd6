"""Pages of the tasks and notices: lists, a task and its replies, the reply, notices.

Views are thin: parse, one service or selector call, render. A record comes from
``get_for_user`` (404 out of scope, 403 lacking the action); the services decide who is the
sender and who is the addressed office.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.attachments import download_response
from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.scope import get_for_user
from sifasuo.core.xlsx import audited_export
from sifasuo.orgs.choices import UnitKind
from sifasuo.workorders import exports, forms, selectors, services
from sifasuo.workorders.choices import AssignmentStatus
from sifasuo.workorders.filtersets import AssignmentFilterSet, NoticeFilterSet, TaskFilterSet
from sifasuo.workorders.models import Assignment, Notice, Task, WorkorderFile

TASK_SORTS = ("number", "title", "sent_on", "due_on")
ASSIGNMENT_SORTS = ("task__due_on", "unit__path", "status", "submitted_at")
NOTICE_SORTS = ("title", "published_at")
DETAIL_PAGE_SIZE = 50
OWNER_TYPES = {
    "workorders.task": Task,
    "workorders.assignment": Assignment,
    "workorders.notice": Notice,
}


def _form_error(form: django_forms.Form, exc: ApplicationError, request: HttpRequest) -> None:
    audit.record_refusal(exc, request.user)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _token() -> dict[str, str]:
    return {"form_token": secrets.token_urlsafe(16)}


def _files(request: HttpRequest) -> list[Any]:
    return list(request.FILES.getlist("attachments"))


def _file_names(files: list[Any]) -> list[str]:
    return sorted(f.name or "" for f in files)


# Tasks ------------------------------------------------------------------------------------


@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks in scope: sent, or addressed to the user's offices; filter, sort, export."""
    user: Any = request.user
    filterset = TaskFilterSet(
        request.GET or None, queryset=selectors.task_list(user=user), user=user
    )
    tasks = sort(request, filterset.qs, TASK_SORTS)
    if request.GET.get("export") == "xlsx":
        exportable = list(tasks.filter(pk__in=Task.objects.visible_to(user, "export").values("pk")))
        counts = selectors.reply_counts(user=user, tasks=exportable)
        return audited_export(
            actor=user,
            object_type="workorders.task",
            filename="tasks.xlsx",
            headers=exports.task_headers(),
            rows=(exports.task_row(t, counts[t.pk]) for t in exportable),
        )
    page = paginate(request, tasks)
    page_tasks = list(page["page_obj"].object_list)
    counts = selectors.reply_counts(user=user, tasks=page_tasks)
    mine = selectors.own_assignments(user=user, tasks=page_tasks)
    context = {
        "filter_form": filterset.form,
        "sort_links": sort_links(request, TASK_SORTS),
        "export_url": export_url(request),
        "rows": [(t, counts[t.pk], mine.get(t.pk)) for t in page_tasks],
        "is_office": user.unit is not None and user.unit.kind == UnitKind.OFFICE,
        "can_send": services.may_send(user),
        **page,
    }
    return render(request, "workorders/task_list.html", context)


def _sender_or_403(request: HttpRequest) -> Any:
    user: Any = request.user
    if not services.may_send(user):
        raise PermissionDenied
    return user


@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    """Send a task to the offices (city and district officers); a double submit sends one."""
    user = _sender_or_403(request)
    data = request.POST if request.method == "POST" else None
    form = forms.TaskForm(
        data,
        request.FILES or None,
        initial={**_token(), "due_on": forms.initial_due(timezone.localdate())},
    )
    addressing = forms.AddressingForm(data, sender=user.unit)
    if request.method == "POST" and form.is_valid() & addressing.is_valid():
        cleaned, files = form.cleaned_data, _files(request)
        payload = {
            "title": cleaned["title"],
            "instructions": cleaned["instructions"],
            "due_on": cleaned["due_on"],
            "offices": [o.code for o in addressing.cleaned_data["chosen"]],
            "files": _file_names(files),
        }
        try:
            task = submit_once(
                user=user,
                token=cleaned["form_token"],
                payload=payload,
                create=lambda: services.task_send(
                    actor=user,
                    title=cleaned["title"],
                    instructions=cleaned["instructions"],
                    due_on=cleaned["due_on"],
                    offices=addressing.cleaned_data["chosen"],
                    files=files,
                ),
            )
        except ReplayedSubmission as replay:
            task = Task.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(
                request,
                "workorders/task_form.html",
                {"form": form, "addressing": addressing},
                status=400,
            )
        messages.success(
            request,
            _("Task %(n)s has been sent to %(count)d offices.")
            % {"n": task.number, "count": task.assignments.count()},
        )
        return redirect(task)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "workorders/task_form.html",
        {"form": form, "addressing": addressing},
        status=status,
    )


@require_GET
def task_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A task: instructions and files; who has replied, who is late (the sender's view)."""
    user: Any = request.user
    task = get_for_user(Task.objects.select_related("unit"), user, "view", public_id=public_id)
    assignments = selectors.task_assignments(user=user, task=task)
    filterset = AssignmentFilterSet(request.GET or None, queryset=assignments, user=user)
    page = paginate(request, filterset.qs, DETAIL_PAGE_SIZE)
    page_rows = list(page["page_obj"].object_list)
    reply_files = selectors.files_of("workorders.assignment", [a.pk for a in page_rows])
    counts = selectors.reply_counts(user=user, tasks=[task])[task.pk]
    mine = selectors.own_assignments(user=user, tasks=[task]).get(task.pk)
    can_review = services.may_review(user, task)
    context = {
        "task": task,
        "task_files": selectors.files_of("workorders.task", [task.pk]).get(str(task.pk), []),
        "counts": counts,
        "status_counts": [
            (value, label, counts.by_status.get(value, 0))
            for value, label in AssignmentStatus.choices
        ],
        "rows": [(a, reply_files.get(str(a.pk), [])) for a in page_rows],
        "mine": mine,
        "can_review": can_review,
        "can_export": Task.objects.visible_to(user, "export").filter(pk=task.pk).exists(),
        "show_offices": counts.total > 1 or mine is None,
        "filter_status": request.GET.get("status", ""),
        "filter_district": request.GET.get("district", ""),
        "late_only": request.GET.get("overdue", ""),
        "districts": selectors.districts_below(task.unit),
        "close_form": forms.VersionForm(initial={"version": task.version}),
        **page,
    }
    return render(request, "workorders/task_detail.html", context)


@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Correct a task or add files (the sender), refused if someone saved in between."""
    user: Any = request.user
    task = get_for_user(Task.objects.all(), user, "change", public_id=public_id)
    form = forms.TaskEditForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "version": task.version,
            "title": task.title,
            "instructions": task.instructions,
            "due_on": task.due_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update(
                actor=user,
                task=task,
                title=data["title"],
                instructions=data["instructions"],
                due_on=data["due_on"],
                version=data["version"],
                files=_files(request),
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The task has been saved."))
            return redirect(task)
    status = 400 if request.method == "POST" else 200
    return render(request, "workorders/task_edit.html", {"form": form, "task": task}, status=status)


@require_POST
def task_close(request: HttpRequest, public_id: str) -> HttpResponse:
    """Close a task (the sender): no more replies."""
    user: Any = request.user
    task = get_for_user(Task.objects.all(), user, "change", public_id=public_id)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form has expired. Please reload the page and try again."))
        return redirect(task)
    try:
        services.task_close(actor=user, task=task, version=form.cleaned_data["version"])
    except ApplicationError as exc:
        audit.record_refusal(exc, user)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The task has been closed."))
    return redirect(task)


def _task_rows(user: Any, task: Task, request: HttpRequest) -> list[tuple[Assignment, list[Any]]]:
    base = selectors.task_assignments(user=user, task=task).filter(
        pk__in=Assignment.objects.visible_to(user, "export").values("pk")
    )
    rows = list(AssignmentFilterSet(request.GET or None, queryset=base, user=user).qs)
    files = selectors.files_of("workorders.assignment", [a.pk for a in rows])
    return [(a, files.get(str(a.pk), [])) for a in rows]


@require_GET
def task_replies_export(request: HttpRequest, public_id: str) -> HttpResponse:
    """The replies to one task as Excel: one row per office; audited."""
    user: Any = request.user
    task = get_for_user(Task.objects.all(), user, "export", public_id=public_id)
    rows = _task_rows(user, task, request)
    return audited_export(
        actor=user,
        object_type="workorders.assignment",
        filename=f"task-{task.public_id.hex[:8]}-replies.xlsx",
        headers=exports.reply_headers(),
        rows=(exports.reply_row(a, files) for a, files in rows),
    )


@require_GET
def task_replies_zip(request: HttpRequest, public_id: str) -> FileResponse:
    """Every reply file of one task in one .zip (district/office/file); audited."""
    user: Any = request.user
    task = get_for_user(Task.objects.all(), user, "export", public_id=public_id)
    archive, count = exports.replies_zip(_task_rows(user, task, request))
    audit.record("export", actor=user, obj=task, changes={"files": count, "format": "zip"})
    return FileResponse(
        archive, as_attachment=True, filename=f"task-{task.public_id.hex[:8]}-files.zip"
    )


# Replies ----------------------------------------------------------------------------------


@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    """Replies in scope (one per task and office): filter, sort, export to Excel."""
    user: Any = request.user
    filterset = AssignmentFilterSet(
        request.GET or None, queryset=selectors.assignment_list(user=user), user=user
    )
    rows = sort(request, filterset.qs, ASSIGNMENT_SORTS)
    if request.GET.get("export") == "xlsx":
        exportable = list(
            rows.filter(pk__in=Assignment.objects.visible_to(user, "export").values("pk"))
        )
        files = selectors.files_of("workorders.assignment", [a.pk for a in exportable])
        return audited_export(
            actor=user,
            object_type="workorders.assignment",
            filename="task-replies.xlsx",
            headers=exports.reply_headers(),
            rows=(exports.reply_row(a, files.get(str(a.pk), [])) for a in exportable),
        )
    context = {
        "filter_form": filterset.form,
        "sort_links": sort_links(request, ASSIGNMENT_SORTS),
        "export_url": export_url(request),
        **paginate(request, rows),
    }
    return render(request, "workorders/assignment_list.html", context)


def _assignment_context(
    request: HttpRequest,
    assignment: Assignment,
    reply_form: forms.ReplyForm | None = None,
    review_form: forms.ReviewForm | None = None,
) -> dict[str, Any]:
    user: Any = request.user
    task = assignment.task
    can_reply = services.may_reply(user, assignment) and assignment.is_editable
    can_review = services.may_review(user, task) and assignment.status == AssignmentStatus.SUBMITTED
    initial = {"version": assignment.version, "report": assignment.report}
    return {
        "assignment": assignment,
        "task": task,
        "task_files": selectors.files_of("workorders.task", [task.pk]).get(str(task.pk), []),
        "reply_files": selectors.files_of("workorders.assignment", [assignment.pk]).get(
            str(assignment.pk), []
        ),
        "reply_form": (reply_form or forms.ReplyForm(initial=initial)) if can_reply else None,
        "review_form": (
            (review_form or forms.ReviewForm(initial={"version": assignment.version}))
            if can_review
            else None
        ),
    }


def _assignment(request: HttpRequest, public_id: str, action: str) -> Assignment:
    return get_for_user(
        Assignment.objects.select_related("task", "task__unit", "unit", "unit__parent"),
        request.user,
        action,
        public_id=public_id,
    )


@require_GET
def assignment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One office's reply to a task: the office writes it, the sender reviews it."""
    assignment = _assignment(request, public_id, "view")
    return render(
        request, "workorders/assignment_detail.html", _assignment_context(request, assignment)
    )


@require_POST
def assignment_reply(request: HttpRequest, public_id: str) -> HttpResponse:
    """Save the reply as a draft, or submit it (the addressed office)."""
    user: Any = request.user
    assignment = _assignment(request, public_id, "change")
    if not services.may_reply(user, assignment):
        raise PermissionDenied
    form = forms.ReplyForm(request.POST, request.FILES)
    submit = request.POST.get("action") == forms.ReplyForm.SUBMIT
    if form.is_valid():
        data = form.cleaned_data
        service = services.reply_submit if submit else services.reply_save
        try:
            service(
                actor=user,
                assignment=assignment,
                report=data["report"],
                version=data["version"],
                files=_files(request),
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(
                request,
                _("The reply has been submitted.") if submit else _("The draft has been saved."),
            )
            return redirect(assignment)
    assignment.refresh_from_db()
    context = _assignment_context(request, assignment, reply_form=form)
    return render(request, "workorders/assignment_detail.html", context, status=400)


@require_POST
def assignment_review(request: HttpRequest, public_id: str) -> HttpResponse:
    """Accept a submitted reply, or return it for rework with a note (the sender)."""
    user: Any = request.user
    assignment = _assignment(request, public_id, "view")
    if not services.may_review(user, assignment.task):
        audit.record("review", actor=user, obj=assignment, outcome="DENIED")
        raise PermissionDenied
    form = forms.ReviewForm(request.POST)
    accept = request.POST.get("action") == forms.ReviewForm.ACCEPT
    if form.is_valid():
        data = form.cleaned_data
        try:
            if accept:
                services.reply_accept(
                    actor=user, assignment=assignment, version=data["version"], note=data["note"]
                )
            else:
                services.reply_return(
                    actor=user, assignment=assignment, version=data["version"], note=data["note"]
                )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(
                request,
                _("The reply has been accepted.")
                if accept
                else _("The reply has been returned to the office for rework."),
            )
            return redirect(assignment.task)
    assignment.refresh_from_db()
    context = _assignment_context(request, assignment, review_form=form)
    return render(request, "workorders/assignment_detail.html", context, status=400)


# Notices ----------------------------------------------------------------------------------


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """Notices in scope: published, or addressed to the user's office (unread marked)."""
    user: Any = request.user
    filterset = NoticeFilterSet(
        request.GET or None, queryset=selectors.notice_list(user=user), user=user
    )
    notices = sort(request, filterset.qs, NOTICE_SORTS)
    if request.GET.get("export") == "xlsx":
        exportable = list(
            notices.filter(pk__in=Notice.objects.visible_to(user, "export").values("pk"))
        )
        counts = selectors.notice_read_counts(user=user, notices=exportable)
        return audited_export(
            actor=user,
            object_type="workorders.notice",
            filename="notices.xlsx",
            headers=exports.notice_headers(),
            rows=(exports.notice_row(n, counts[n.pk]) for n in exportable),
        )
    page = paginate(request, notices)
    page_notices = list(page["page_obj"].object_list)
    read = selectors.read_notice_ids(user=user, notices=page_notices)
    counts = selectors.notice_read_counts(user=user, notices=page_notices)
    context = {
        "filter_form": filterset.form,
        "sort_links": sort_links(request, NOTICE_SORTS),
        "export_url": export_url(request),
        "rows": [(n, n.pk in read, counts.get(n.pk, (0, 0))) for n in page_notices],
        "unread_count": selectors.unread_notices(user=user).count(),
        "can_send": services.may_send(user),
        **page,
    }
    return render(request, "workorders/notice_list.html", context)


@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    """Publish a notice to the offices; a double submit publishes one."""
    user = _sender_or_403(request)
    data = request.POST if request.method == "POST" else None
    form = forms.NoticeForm(data, request.FILES or None, initial=_token())
    addressing = forms.AddressingForm(data, sender=user.unit)
    if request.method == "POST" and form.is_valid() & addressing.is_valid():
        cleaned, files = form.cleaned_data, _files(request)
        payload = {
            "title": cleaned["title"],
            "body": cleaned["body"],
            "offices": [o.code for o in addressing.cleaned_data["chosen"]],
            "files": _file_names(files),
        }
        try:
            notice = submit_once(
                user=user,
                token=cleaned["form_token"],
                payload=payload,
                create=lambda: services.notice_publish(
                    actor=user,
                    title=cleaned["title"],
                    body=cleaned["body"],
                    offices=addressing.cleaned_data["chosen"],
                    files=files,
                ),
            )
        except ReplayedSubmission as replay:
            notice = Notice.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(
                request,
                "workorders/notice_form.html",
                {"form": form, "addressing": addressing},
                status=400,
            )
        messages.success(request, _("The notice has been published."))
        return redirect(notice)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "workorders/notice_form.html",
        {"form": form, "addressing": addressing},
        status=status,
    )


@require_GET
def notice_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A notice; opening it leaves the reader's receipt. The sender sees who has read it."""
    user: Any = request.user
    notice = get_for_user(Notice.objects.select_related("unit"), user, "view", public_id=public_id)
    receipt = services.notice_read(actor=user, notice=notice)
    unread_only = request.GET.get("unread") == "1"
    readings = selectors.notice_readings(user=user, notice=notice, unread_only=unread_only)
    page = paginate(request, readings, DETAIL_PAGE_SIZE)  # type: ignore[arg-type]
    read, addressed = selectors.notice_read_counts(user=user, notices=[notice]).get(
        notice.pk, (0, 0)
    )
    context = {
        "notice": notice,
        "files": selectors.files_of("workorders.notice", [notice.pk]).get(str(notice.pk), []),
        "receipt": receipt,
        "read_offices": read,
        "addressed_offices": addressed,
        "unread_only": unread_only,
        "show_readings": addressed > 1 or receipt is None,
        "can_change": Notice.objects.visible_to(user, "change").filter(pk=notice.pk).exists(),
        **page,
    }
    return render(request, "workorders/notice_detail.html", context)


@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Correct a notice or add files (the publisher), refused if someone saved in between."""
    user: Any = request.user
    notice = get_for_user(Notice.objects.all(), user, "change", public_id=public_id)
    form = forms.NoticeEditForm(
        request.POST or None,
        request.FILES or None,
        initial={"version": notice.version, "title": notice.title, "body": notice.body},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notice_update(
                actor=user,
                notice=notice,
                title=data["title"],
                body=data["body"],
                version=data["version"],
                files=_files(request),
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The notice has been saved."))
            return redirect(notice)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "workorders/notice_edit.html", {"form": form, "notice": notice}, status=status
    )


# Files ------------------------------------------------------------------------------------


@require_GET
def file_download(request: HttpRequest, public_id: str) -> FileResponse:
    """A file of a task, a reply or a notice, to whoever may see what it is attached to."""
    user: Any = request.user
    attachment = WorkorderFile.objects.filter(
        public_id=public_id, owner_type__in=list(OWNER_TYPES)
    ).first()
    if attachment is None:
        raise Http404
    model = OWNER_TYPES[attachment.owner_type]
    get_for_user(model._default_manager.all(), user, "view", pk=attachment.owner_id)
    audit.record("download", actor=user, obj=attachment)
    return download_response(attachment)
