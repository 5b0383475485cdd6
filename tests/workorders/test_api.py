"""API of the tasks and notices: scoped lists, sending, replying, reviewing, read receipts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sifasuo.workorders.choices import AssignmentStatus
from sifasuo.workorders.models import Task
from tests.workorders import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/workorders"


def _post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_an_office_lists_only_the_tasks_and_replies_addressed_to_it(client_for, office_clerk):
    # given
    mine = f.send(offices=[f.unit(f.XIYILU)], title="给西一路")
    f.send(offices=[f.unit("610102002")], title="给西二路")
    client = client_for(office_clerk)
    # when
    tasks = client.get(f"{API}/tasks/").json()
    replies = client.get(f"{API}/assignments/").json()
    # then
    assert [t["id"] for t in tasks["results"]] == [str(mine.public_id)]
    assert [r["office_code"] for r in replies["results"]] == [f.XIYILU]


def test_a_district_sends_a_task_once_with_an_idempotency_key(client_for, district_reviewer):
    # given
    client = client_for(district_reviewer)
    body = {
        "title": "关于报送情况的通知",
        "instructions": "请报送。",
        "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "offices": [f.XIYILU, "610102002"],
    }
    # when
    first = _post(client, f"{API}/tasks/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = _post(client, f"{API}/tasks/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    outside = _post(client, f"{API}/tasks/", {**body, "offices": ["610116001"]})
    # then
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Task.objects.get().assignments.count() == 2
    assert outside.status_code == 400


def test_an_office_cannot_send_through_the_api(client_for, office_clerk):
    body = {"title": "x", "instructions": "x", "due_on": timezone.localdate().isoformat()}
    assert _post(client_for(office_clerk), f"{API}/tasks/", body).status_code == 403


def test_reply_and_review_through_the_api(client_for, office_clerk, district_reviewer):
    # given
    task = f.send()
    mine = f.assignment_of(task)
    office, sender = client_for(office_clerk), client_for(district_reviewer)
    url = f"{API}/assignments/{mine.public_id}"
    # when
    submitted = _post(office, f"{url}/submit/", {"report": "报告", "version": 1})
    stale = _post(office, f"{url}/draft/", {"report": "旧稿", "version": 1})
    not_yours = _post(office, f"{url}/accept/", {"version": 2})
    returned = _post(sender, f"{url}/return/", {"note": "请补充", "version": 2})
    # then
    assert submitted.status_code == 200
    assert submitted.json()["status"] == AssignmentStatus.SUBMITTED
    assert stale.status_code in (400, 409)
    assert not_yours.status_code == 403
    assert returned.status_code == 200
    assert returned.json()["status"] == AssignmentStatus.RETURNED
    assert returned.json()["times_returned"] == 1


def test_a_stale_version_is_409(client_for, office_clerk):
    mine = f.assignment_of(f.send())
    client = client_for(office_clerk)
    url = f"{API}/assignments/{mine.public_id}/draft/"
    assert _post(client, url, {"report": "一", "version": 1}).status_code == 200
    assert _post(client, url, {"report": "二", "version": 1}).status_code == 409


def test_read_receipts_through_the_api(client_for, office_clerk, district_reviewer, other_clerk):
    # given
    notice = f.publish()
    url = f"{API}/notices/{notice.public_id}/read/"
    # when
    first = _post(client_for(office_clerk), url, {})
    again = _post(client_for(office_clerk), url, {})
    sender = _post(client_for(district_reviewer), url, {})
    outsider = _post(client_for(other_clerk), url, {})
    receipts = client_for(district_reviewer).get(f"{API}/receipts/?notice={notice.public_id}")
    # then
    assert first.status_code == 200
    assert again.json()["read_at"] == first.json()["read_at"]
    assert sender.status_code == 204
    assert outsider.status_code == 404
    assert [r["username"] for r in receipts.json()["results"]] == ["xiyilu_clerk"]
    assert client_for(district_reviewer).get(f"{API}/receipts/?notice=bad").status_code == 400
