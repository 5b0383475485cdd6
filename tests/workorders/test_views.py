"""Pages of the tasks and notices: sending, the sender's task page, replying, reading."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from sifasuo.accounts import services as account_services
from sifasuo.accounts.models import User
from sifasuo.accounts.roles import Role
from sifasuo.core.models import Attachment, AuditEvent
from sifasuo.core.todos import todos_for
from sifasuo.workorders import services
from sifasuo.workorders.choices import AssignmentStatus
from sifasuo.workorders.models import Assignment, Notice, NoticeReceipt, Task
from tests.workorders import factories as f

pytestmark = pytest.mark.django_db

XIERLU = "610102002"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client_for(client_for):
    """Clients that ask for English pages (the tests match English messages)."""

    def make(user):
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def xierlu_clerk(demo):
    """A clerk of 西二路 (新城区): the same district as 西一路, another office."""
    user = User.objects.create_user(username="xierlu_clerk", unit=f.unit(XIERLU))
    return account_services.user_set_roles(actor=None, user=user, roles=[Role.OFFICE_CLERK])


def _late_task():
    """A task 新城区 sent ten days ago to all its offices, due three days ago."""
    return f.send(sent_on=timezone.localdate() - timedelta(days=10), due_in=7)


# The sender's page ------------------------------------------------------------------------


def test_a_task_to_a_districts_offices_shows_the_late_replies_on_the_senders_page(
    client_for, district_reviewer, office_clerk
):
    # given: 新城区 sent a task to its offices; 西一路 replied late, 西二路 on time, the rest not
    task = _late_task()
    services.reply_submit(
        actor=office_clerk, assignment=f.assignment_of(task), report="迟报", version=1
    )
    services.reply_submit(
        actor=None,
        assignment=f.assignment_of(task, XIERLU),
        report="按时",
        version=1,
        at=timezone.now() - timedelta(days=5),
    )
    missing = task.assignments.exclude(unit__code__in=[f.XIYILU, XIERLU])
    client = client_for(district_reviewer)
    # when
    with translation.override("en"):
        page = client.get(task.get_absolute_url())
        late = client.get(task.get_absolute_url() + "?overdue=on")
    # then: who has replied, who replied late, who is late
    assert page.status_code == 200
    text = page.content.decode()
    total = task.assignments.count()
    assert f"2 of {total} offices have replied." in text
    assert f"{missing.count()} offices late" in text
    assert "Replied late" in text
    late_text = late.content.decode()
    for assignment in missing.select_related("unit"):
        assert assignment.unit.name in late_text
    assert "西一路街道司法所" not in late_text
    assert late_text.count('class="table-danger"') == missing.count()


def test_an_office_outside_the_addressees_gets_404(client_for, xierlu_clerk, other_clerk):
    # given: a task to 西一路 only
    task = f.send(offices=[f.unit(f.XIYILU)], files=[f.png()])
    mine = f.assignment_of(task)
    attachment = Attachment.objects.get(owner_type="workorders.task", owner_id=str(task.pk))
    # then: 西二路 (same district) and 韦曲 (another) see nothing of it
    for user in (xierlu_clerk, other_clerk):
        client = client_for(user)
        assert client.get(task.get_absolute_url()).status_code == 404
        assert client.get(mine.get_absolute_url()).status_code == 404
        assert client.get(f"/workorders/files/{attachment.public_id}/").status_code == 404
        assert client.get(f"/api/v1/workorders/tasks/{task.public_id}/").status_code == 404
        assert task.title not in client.get("/workorders/tasks/").content.decode()


def test_the_addressed_office_sees_the_task_and_its_files(client_for, office_clerk):
    # given
    task = f.send(offices=[f.unit(f.XIYILU)], files=[f.png("通知附件.png")])
    attachment = Attachment.objects.get(owner_type="workorders.task", owner_id=str(task.pk))
    client = client_for(office_clerk)
    # when
    with translation.override("en"):
        page = client.get(task.get_absolute_url())
    download = client.get(f"/workorders/files/{attachment.public_id}/")
    # then
    assert page.status_code == 200
    assert "Write the reply" in page.content.decode()
    assert download.status_code == 200
    assert AuditEvent.objects.filter(action="download", object_id=str(attachment.public_id))


def test_a_task_file_is_served_with_its_sniffed_type(client_for, office_clerk):
    # given: a PNG sent under a name that says PDF
    task = f.send(offices=[f.unit(f.XIYILU)], files=[f.png("通知.pdf")])
    attachment = Attachment.objects.get(owner_type="workorders.task", owner_id=str(task.pk))
    # when
    download = client_for(office_clerk).get(f"/workorders/files/{attachment.public_id}/")
    # then
    assert download.status_code == 200
    b"".join(download.streaming_content)
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].endswith(".pdf.png")


def test_an_office_cannot_export_or_edit_a_task_sent_to_it(client_for, office_clerk):
    task = f.send(offices=[f.unit(f.XIYILU)])
    client = client_for(office_clerk)
    assert client.get(f"/workorders/tasks/{task.public_id}/replies.xlsx").status_code == 403
    assert client.get(f"/workorders/tasks/{task.public_id}/edit/").status_code == 403


# Sending ----------------------------------------------------------------------------------


def _post_task(client, **extra):
    data = {
        "form_token": "tok-1",
        "title": "关于报送调解员信息的通知",
        "instructions": "请核对后报送。",
        "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        **extra,
    }
    return client.post("/workorders/tasks/new/", data)


def test_a_district_sends_to_ticked_offices_once_even_if_submitted_twice(
    client_for, district_reviewer
):
    # given
    client = client_for(district_reviewer)
    form = client.get("/workorders/tasks/new/")
    assert form.status_code == 200
    assert 'name="offices" value="610102001"' in form.content.decode()
    # when
    first = _post_task(client, mode="CHOSEN", offices=[f.XIYILU, XIERLU])
    again = _post_task(client, mode="CHOSEN", offices=[f.XIYILU, XIERLU])
    # then
    task = Task.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == task.get_absolute_url()
    assert sorted(task.assignments.values_list("unit__code", flat=True)) == [f.XIYILU, XIERLU]


def test_the_city_sends_to_one_districts_offices(client_for, city_officer):
    # when
    response = _post_task(client_for(city_officer), mode="DISTRICT", district=f.XINCHENG)
    # then
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.assignments.count() == len(f.offices_of(f.XINCHENG))


def test_ticking_no_office_is_refused_with_a_message(client_for, district_reviewer):
    with translation.override("en"):
        response = _post_task(client_for(district_reviewer), mode="CHOSEN")
    assert response.status_code == 400
    assert "Tick at least one office." in response.content.decode()
    assert not Task.objects.exists()


def test_offices_cannot_open_the_send_form(client_for, office_director):
    assert client_for(office_director).get("/workorders/tasks/new/").status_code == 403
    assert client_for(office_director).get("/workorders/notices/new/").status_code == 403


# Replying and reviewing -------------------------------------------------------------------


def test_the_office_replies_and_the_sender_returns_it_for_rework(
    client_for, office_clerk, district_reviewer
):
    # given
    task = f.send(offices=[f.unit(f.XIYILU), f.unit(XIERLU)])
    mine = f.assignment_of(task)
    office = client_for(office_clerk)
    # when: a draft, then the submission with a file
    office.post(
        f"/workorders/replies/{mine.public_id}/reply/",
        {"version": 1, "report": "草稿", "action": "save"},
    )
    mine.refresh_from_db()
    submitted = office.post(
        f"/workorders/replies/{mine.public_id}/reply/",
        {
            "version": mine.version,
            "report": "已完成排查。",
            "action": "submit",
            "attachments": [f.png("排查表.png")],
        },
    )
    # then
    assert submitted.status_code == 302
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.SUBMITTED
    # when: the sender returns it, first without the note it needs
    sender = client_for(district_reviewer)
    url = f"/workorders/replies/{mine.public_id}/review/"
    with translation.override("en"):
        refused = sender.post(url, {"version": mine.version, "note": "", "action": "return"})
    returned = sender.post(url, {"version": mine.version, "note": "请补充", "action": "return"})
    # then
    assert refused.status_code == 400
    assert "Say what the office should rework." in refused.content.decode()
    assert returned.status_code == 302
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.RETURNED
    # and the office may not review, the sender may not reply
    assert office.post(url, {"version": mine.version, "action": "accept"}).status_code == 403
    assert (
        sender.post(
            f"/workorders/replies/{mine.public_id}/reply/",
            {"version": mine.version, "report": "x", "action": "submit"},
        ).status_code
        == 403
    )


def test_a_stale_reply_form_says_so(client_for, office_clerk, office_director):
    # given: the director saved after the clerk opened the form
    mine = f.assignment_of(f.send())
    services.reply_save(actor=office_director, assignment=mine, report="所长稿", version=1)
    # when
    with translation.override("en"):
        response = client_for(office_clerk).post(
            f"/workorders/replies/{mine.public_id}/reply/",
            {"version": 1, "report": "干事稿", "action": "save"},
        )
    # then
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    assert Assignment.objects.get(pk=mine.pk).report == "所长稿"


# Exports ----------------------------------------------------------------------------------


def test_the_sender_exports_the_replies_one_row_per_office(
    client_for, district_reviewer, office_clerk
):
    # given
    task = _late_task()
    services.reply_submit(
        actor=office_clerk,
        assignment=f.assignment_of(task),
        report="=1+1 报告",
        version=1,
        files=[f.png("排查表.png")],
    )
    # when
    with translation.override("en"):
        response = client_for(district_reviewer).get(
            f"/workorders/tasks/{task.public_id}/replies.xlsx"
        )
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[3:12] == (
        "District",
        "Office",
        "Office code",
        "Status",
        "Late",
        "Submitted at",
        "On time",
        "Report",
        "Files",
    )
    assert len(rows) - 1 == task.assignments.count()
    (mine,) = [r for r in rows if r[5] == f.XIYILU]
    assert mine[3] == "新城区司法局"
    assert mine[6] == "Submitted"
    assert mine[9] == "No"
    assert mine[10] == "'=1+1 报告"  # a formula is neutralised
    assert mine[11] == "排查表.png"
    assert AuditEvent.objects.filter(action="export", object_type="workorders.assignment").exists()


def test_the_sender_downloads_every_reply_file_as_one_zip(
    client_for, district_reviewer, office_clerk
):
    # given
    task = f.send()
    services.reply_submit(
        actor=office_clerk,
        assignment=f.assignment_of(task),
        report="报告",
        version=1,
        files=[f.png("a.png"), f.png("a.png")],
    )
    # when
    response = client_for(district_reviewer).get(f"/workorders/tasks/{task.public_id}/files.zip")
    # then
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 2
    assert all(n.startswith("新城区司法局/西一路街道司法所/") for n in names)
    assert AuditEvent.objects.get(action="export", object_id=str(task.public_id)).changes == {
        "files": 2,
        "format": "zip",
    }


def test_the_lists_export_and_filter(client_for, district_reviewer, office_clerk):
    # given
    late = _late_task()
    f.send(title="未到期的任务")
    client = client_for(district_reviewer)
    # when
    overdue = client.get("/workorders/tasks/?overdue=on")
    exported = client.get("/workorders/tasks/?export=xlsx")
    replies = client.get("/workorders/replies/?overdue=on&export=xlsx")
    mine = client_for(office_clerk).get("/workorders/replies/?export=xlsx")
    # then
    assert late.title in overdue.content.decode()
    assert "未到期的任务" not in overdue.content.decode()
    assert load_workbook(io.BytesIO(exported.content)).active.max_row == 3
    assert load_workbook(io.BytesIO(replies.content)).active.max_row == 1 + late.assignments.count()
    assert load_workbook(io.BytesIO(mine.content)).active.max_row == 3  # 西一路's two
    assert AuditEvent.objects.filter(action="export", object_type="workorders.task").exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", ["/workorders/tasks/", "/workorders/replies/", "/workorders/notices/"]
)
def test_list_pages_have_a_pinned_query_count(client_for, district_reviewer, url):
    # given
    client = client_for(district_reviewer)
    f.send()
    f.publish()
    few = _queries(client, url)
    for _ in range(4):
        f.send()
        f.publish()
    # then: more rows, not more queries
    assert _queries(client, url) == few


def test_the_task_page_has_a_pinned_query_count(client_for, city_officer, office_clerk):
    # given: the city's task to all offices, some replies with files
    task = f.send(sender=f.CITY)
    url = task.get_absolute_url()
    client = client_for(city_officer)
    few = _queries(client, url)
    for assignment in task.assignments.all()[:10]:
        services.reply_submit(
            actor=None, assignment=assignment, report="报告", version=None, files=[f.png()]
        )
    # then
    assert _queries(client, url) == few


# Notices ----------------------------------------------------------------------------------


def test_opening_a_notice_leaves_one_receipt_and_the_sender_sees_who_read_it(
    client_for, office_clerk, office_director, district_reviewer
):
    # given
    notice = f.publish()
    clerk = client_for(office_clerk)
    # when
    clerk.get(notice.get_absolute_url())
    clerk.get(notice.get_absolute_url())
    # then
    assert NoticeReceipt.objects.filter(notice=notice).count() == 1
    with translation.override("en"):
        sender = client_for(district_reviewer).get(notice.get_absolute_url())
        unread = client_for(district_reviewer).get(notice.get_absolute_url() + "?unread=1")
    text = sender.content.decode()
    total = notice.addressees.count()
    assert f"1 of {total} offices have read it." in text
    assert str(office_clerk) in text
    assert str(office_director) in text
    assert "not read" in text  # the director has not
    assert "西一路街道司法所" not in unread.content.decode()
    # the sender's own opening leaves no receipt
    assert NoticeReceipt.objects.filter(notice=notice).count() == 1


def test_a_notice_outside_the_addressees_is_404(client_for, other_clerk):
    notice = f.publish()
    assert client_for(other_clerk).get(notice.get_absolute_url()).status_code == 404


def test_publishing_a_notice_through_the_page(client_for, district_reviewer):
    response = client_for(district_reviewer).post(
        "/workorders/notices/new/",
        {"form_token": "n-1", "title": "通知", "body": "正文", "mode": "ALL"},
    )
    assert response.status_code == 302
    assert Notice.objects.get().addressees.count() == len(f.offices_of(f.XINCHENG))


# The to-do lists --------------------------------------------------------------------------


def test_the_todo_lists(office_clerk, district_reviewer):
    # given: one task due in two days, one overdue, one replied; a notice unread
    soon = f.send(title="将到期", due_in=2)
    overdue = _late_task()
    far = f.send(title="远期", due_in=30)
    replied = f.send(title="已报送")
    services.reply_submit(
        actor=office_clerk, assignment=f.assignment_of(replied), report="报告", version=1
    )
    notice = f.publish()
    # when
    with translation.override("en"):
        office_items = todos_for(office_clerk)
        sender_items = todos_for(district_reviewer)
    # then
    titles = {t.title: t for t in office_items}
    assert f"Reply to task {soon.number}: 将到期" in titles
    assert titles[f"Reply to task {overdue.number}: {overdue.title}"].overdue
    assert not any(far.number in t for t in titles)
    assert not any(replied.number in t for t in titles)
    assert f"Read the notice: {notice.title}" in titles
    assert [t.title for t in sender_items if "Review" in t.title] == [
        f"Review 1 replies to task {replied.number}"
    ]
