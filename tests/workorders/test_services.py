"""The services of the tasks and notices: sending, replying, reviewing, reading, figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.measures import registry
from sifasuo.core.models import Attachment, AuditEvent
from sifasuo.workorders import services
from sifasuo.workorders.choices import AssignmentStatus, TaskStatus
from sifasuo.workorders.models import Assignment, NoticeReceipt, Task
from tests.workorders import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _audits(obj, action):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.public_id), action=action
    )


# Sending ----------------------------------------------------------------------------------


def test_a_district_sends_a_task_to_its_offices(district_reviewer):
    # given
    offices = f.offices_of(f.XINCHENG)
    # when
    task = services.task_send(
        actor=district_reviewer,
        title="关于报送排查情况的通知",
        instructions="请报送。",
        due_on=timezone.localdate() + timedelta(days=7),
        offices=offices,
        files=[f.png("通知.png")],
    )
    # then: numbered, one assignment per office, the file kept, one audit row naming them
    assert task.unit.code == f.XINCHENG
    assert "交字第0001号" in task.number
    assert task.assignments.count() == len(offices) > 1
    assert set(task.assignments.values_list("status", flat=True)) == {AssignmentStatus.PENDING}
    assert (
        Attachment.objects.filter(owner_type="workorders.task", owner_id=str(task.pk)).count() == 1
    )
    (row,) = _audits(task, "create")
    assert row.changes["offices"] == [o.code for o in offices]


def test_the_city_may_address_any_office_and_numbers_run_per_sender(city_officer):
    # given
    chosen = [f.unit(f.XIYILU), f.unit("610116001")]
    # when
    first = services.task_send(
        actor=city_officer,
        title="一",
        instructions="一",
        due_on=timezone.localdate(),
        offices=chosen,
    )
    second = services.task_send(
        actor=city_officer,
        title="二",
        instructions="二",
        due_on=timezone.localdate(),
        offices=chosen,
    )
    # then
    assert first.number.endswith("0001号")
    assert second.number.endswith("0002号")
    assert sorted(first.assignments.values_list("unit__code", flat=True)) == [
        "610102001",
        "610116001",
    ]


@pytest.mark.parametrize(
    ("offices", "field"),
    [
        (lambda: [], "offices"),
        (lambda: [f.unit("610116001")], "offices"),  # 长安区: not below 新城区
        (lambda: [f.unit(f.XINCHENG)], "offices"),  # a bureau, not an office
    ],
)
def test_a_task_goes_to_offices_below_the_sender_only(district_reviewer, offices, field):
    # when / then
    with pytest.raises(ApplicationError) as caught:
        services.task_send(
            actor=district_reviewer,
            title="任务",
            instructions="说明",
            due_on=timezone.localdate(),
            offices=offices(),
        )
    assert caught.value.field == field
    assert not Task.objects.exists()


def test_the_due_date_cannot_be_in_the_past(district_reviewer):
    with pytest.raises(ApplicationError) as caught:
        services.task_send(
            actor=district_reviewer,
            title="任务",
            instructions="说明",
            due_on=timezone.localdate() - timedelta(days=1),
            offices=f.offices_of(f.XINCHENG),
        )
    assert caught.value.field == "due_on"


def test_an_office_cannot_send(office_director):
    with pytest.raises(PermissionDenied):
        services.task_send(
            actor=office_director,
            title="任务",
            instructions="说明",
            due_on=timezone.localdate(),
            offices=[f.unit(f.XIYILU)],
        )


def test_only_the_sender_edits_and_a_stale_version_is_refused(district_reviewer, city_officer):
    # given
    task = f.send()
    loaded = task.version
    services.task_update(
        actor=district_reviewer,
        task=task,
        title="新标题",
        instructions="新说明",
        due_on=task.due_on,
        version=loaded,
    )
    # when / then: the city sees the task but did not send it
    with pytest.raises(PermissionDenied):
        services.task_update(
            actor=city_officer,
            task=task,
            title="x",
            instructions="x",
            due_on=task.due_on,
            version=task.version,
        )
    stale = Task.objects.get(pk=task.pk)
    with pytest.raises(ConcurrentModificationError):
        services.task_update(
            actor=district_reviewer,
            task=stale,
            title="又改",
            instructions="又改",
            due_on=task.due_on,
            version=loaded,
        )
    assert _audits(task, "update").get().changes["fields"] == ["instructions", "title"]


# Replies ----------------------------------------------------------------------------------


def test_an_office_saves_a_draft_submits_and_the_sender_returns_and_accepts(
    office_clerk, district_reviewer
):
    # given
    task = f.send(due_in=5)
    mine = f.assignment_of(task)
    # when: draft, submit with a file
    mine = services.reply_save(actor=office_clerk, assignment=mine, report="草稿", version=1)
    assert mine.status == AssignmentStatus.DRAFT
    mine = services.reply_submit(
        actor=office_clerk,
        assignment=mine,
        report="报告正文",
        version=mine.version,
        files=[f.png("照片.png")],
    )
    first_day = mine.first_submitted_on
    # then
    assert mine.status == AssignmentStatus.SUBMITTED
    assert mine.on_time is True
    assert mine.submitted_by == office_clerk
    # when: returned for rework, then resubmitted and accepted
    mine = services.reply_return(
        actor=district_reviewer, assignment=mine, note="请补充照片", version=mine.version
    )
    assert mine.status == AssignmentStatus.RETURNED
    assert mine.times_returned == 1
    assert mine.is_editable
    mine = services.reply_submit(
        actor=office_clerk, assignment=mine, report="补充后的报告", version=mine.version
    )
    mine = services.reply_accept(actor=district_reviewer, assignment=mine, version=mine.version)
    # then: accepted; the first submission still decides "on time"
    assert mine.status == AssignmentStatus.ACCEPTED
    assert mine.first_submitted_on == first_day
    actions = list(
        AuditEvent.objects.filter(object_id=str(mine.public_id))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["update", "submit", "return", "submit", "accept"]


def test_another_office_cannot_reply_and_the_office_cannot_review(
    other_clerk, office_clerk, office_director
):
    # given
    task = f.send(offices=[f.unit(f.XIYILU)])
    mine = f.assignment_of(task)
    # then
    with pytest.raises(PermissionDenied):
        services.reply_submit(actor=other_clerk, assignment=mine, report="x", version=1)
    mine = services.reply_submit(actor=office_clerk, assignment=mine, report="x", version=1)
    with pytest.raises(PermissionDenied):
        services.reply_accept(actor=office_director, assignment=mine, version=mine.version)


def test_a_submit_needs_a_report_and_a_submitted_reply_is_frozen(office_clerk):
    # given
    mine = f.assignment_of(f.send())
    # when / then
    with pytest.raises(ApplicationError) as caught:
        services.reply_submit(actor=office_clerk, assignment=mine, report="  ", version=1)
    assert caught.value.field == "report"
    mine = services.reply_submit(actor=office_clerk, assignment=mine, report="报告", version=1)
    with pytest.raises(ApplicationError):
        services.reply_save(actor=office_clerk, assignment=mine, report="改", version=mine.version)


def test_a_return_needs_a_note(district_reviewer, office_clerk):
    mine = f.assignment_of(f.send())
    mine = services.reply_submit(actor=office_clerk, assignment=mine, report="报告", version=1)
    with pytest.raises(ApplicationError) as caught:
        services.reply_return(
            actor=district_reviewer, assignment=mine, note="", version=mine.version
        )
    assert caught.value.field == "note"


def test_a_stale_reply_is_refused(office_clerk, office_director):
    # given: two users of the office opened the same reply
    mine = f.assignment_of(f.send())
    other_copy = Assignment.objects.get(pk=mine.pk)
    services.reply_save(actor=office_clerk, assignment=mine, report="刘干事的稿", version=1)
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.reply_save(
            actor=office_director, assignment=other_copy, report="张所长的稿", version=1
        )


def test_a_closed_task_takes_no_reply(district_reviewer, office_clerk):
    # given
    task = f.send()
    services.task_close(actor=district_reviewer, task=task, version=task.version)
    # then
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CLOSED
    with pytest.raises(ApplicationError):
        services.reply_submit(
            actor=office_clerk, assignment=f.assignment_of(task), report="x", version=1
        )


def test_late_and_on_time(office_clerk):
    # given: a task sent ten days ago, due three days ago
    task = f.send(sent_on=timezone.localdate() - timedelta(days=10), due_in=7)
    mine, other = f.assignment_of(task), f.assignment_of(task, "610102002")
    # then: no reply past the due date is late
    assert mine.is_late
    assert other.is_late
    # when: 西一路 replies now, after the due date
    mine = services.reply_submit(actor=office_clerk, assignment=mine, report="迟报", version=1)
    # then
    assert not mine.is_late
    assert mine.on_time is False


# Notices ----------------------------------------------------------------------------------


def test_a_read_receipt_is_recorded_once_per_user(office_clerk, office_director, other_clerk):
    # given
    notice = f.publish()
    # when
    first = services.notice_read(actor=office_clerk, notice=notice)
    again = services.notice_read(actor=office_clerk, notice=notice)
    services.notice_read(actor=office_director, notice=notice)
    outsider = services.notice_read(actor=other_clerk, notice=notice)  # 长安区: not addressed
    # then: one receipt per user, the first read time kept, one audit row each
    assert first is not None
    assert again is not None
    assert first.pk == again.pk
    assert again.read_at == first.read_at
    assert outsider is None
    assert NoticeReceipt.objects.filter(notice=notice).count() == 2
    assert _audits(notice, "read").count() == 2


def test_a_notice_goes_to_offices_below_the_publisher(district_reviewer):
    with pytest.raises(ApplicationError):
        services.notice_publish(
            actor=district_reviewer, title="通知", body="正文", offices=[f.unit("610116001")]
        )


def test_a_notice_is_corrected_with_a_version(district_reviewer):
    notice = f.publish()
    services.notice_update(
        actor=district_reviewer, notice=notice, title="更正", body="正文", version=1
    )
    with pytest.raises(ConcurrentModificationError):
        services.notice_update(
            actor=district_reviewer,
            notice=notice.__class__.objects.get(pk=notice.pk),
            title="再改",
            body="正文",
            version=1,
        )


# Figures ----------------------------------------------------------------------------------


def test_the_figures(city_officer, office_clerk, other_clerk):
    # given: a task due three days ago, 西一路 replied late, 西二路 on time, a notice read once
    task = f.send(sent_on=timezone.localdate() - timedelta(days=10), due_in=7)
    services.reply_submit(
        actor=office_clerk, assignment=f.assignment_of(task), report="迟报", version=1
    )
    services.reply_submit(
        actor=None,
        assignment=f.assignment_of(task, "610102002"),
        report="按时",
        version=1,
        at=timezone.now() - timedelta(days=5),
    )
    services.notice_read(actor=office_clerk, notice=f.publish())
    # when
    values = {
        code: registry.get(code).value(city_officer)
        for code in (
            "workorders.tasks_sent",
            "workorders.replies",
            "workorders.replies_on_time",
            "workorders.replies_late",
            "workorders.notices_read",
        )
    }
    # then
    assert values == {
        "workorders.tasks_sent": 1,
        "workorders.replies": 2,
        "workorders.replies_on_time": 1,
        "workorders.replies_late": 1,
        "workorders.notices_read": 1,
    }
    assert registry.get("workorders.replies").breakdown(city_officer, "by_district") == {
        "610102": 2
    }
    # an office outside sees none of it
    assert registry.get("workorders.replies").value(other_clerk) == 0
