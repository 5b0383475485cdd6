"""The correction pages as a clerk, a director, a district officer and another office see them."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from sifasuo.core.models import AuditEvent
from sifasuo.correction.choices import SubjectStatus
from sifasuo.correction.models import CorrectionSubject
from tests.correction import factories
from tests.correction.factories import today

pytestmark = pytest.mark.django_db


def day(offset: int = 0) -> str:
    return (today() - timedelta(days=offset)).isoformat()


def step(client, subject, slug, **data):
    return client.post(f"/correction/subjects/{subject.public_id}/steps/{slug}/", data)


def test_a_clerk_runs_a_correction_from_registration_to_its_end(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    page = client.get("/correction/subjects/new/")
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
    number = factories.id_number()
    # when: registration (a double submit registers once)
    data = {
        "form_token": token,
        "name": "郑新入",
        "id_type": "RESIDENT_ID",
        "id_number": number,
        "sex": "M",
        "phone": "13811112222",
        "address": "西安市新城区某路1号",
        "category": "PROBATION",
        "decision_organ": "新城区人民法院",
        "decision_document": "（2025）陕0102刑初1号",
        "judgment_effective_on": day(400),
        "crime": "危险驾驶罪",
        "sentence": "拘役三个月，缓刑六个月",
        "period_start": day(400),
        "period_end": day(1),
        "supervision_class": "STRICT",
    }
    first, second = (
        client.post("/correction/subjects/new/", data),
        client.post("/correction/subjects/new/", data),
    )
    assert first.status_code == second.status_code == 302, first.content.decode()[:2000]
    subject = CorrectionSubject.objects.get(person__name="郑新入")
    # then: each step through its form
    assert step(client, subject, "receive", received_on=day(395)).status_code == 302
    assert step(client, subject, "announce", announced_on=day(395)).status_code == 302
    assert step(client, subject, "team", role="FAMILY", name="郑父").status_code == 302
    assert step(client, subject, "plan", plan="每周报告").status_code == 302
    assert step(client, subject, "contact", kind="IN_PERSON", occurred_on=day(0)).status_code == 302
    response = step(
        client,
        subject,
        "request",
        kind="LEAVE",
        destination="咸阳",
        reason="探亲",
        applied_on=day(0),
        start_on=day(0),
        end_on=day(0),
    )
    assert response.status_code == 302
    leave = subject.requests.get()
    assert (
        client.post(
            f"/correction/requests/{leave.public_id}/decide/",
            {"decision": "approve", "decided_on": day(0), "version": leave.version},
        ).status_code
        == 302
    )
    assert (
        step(client, subject, "measure", kind="ADMONITION", facts="迟报", proposed_on=day(0))
    ).status_code == 302
    assert (step(client, subject, "end", reason="PERIOD_END", ended_on=day(0))).status_code == 302
    subject.refresh_from_db()
    assert subject.status == SubjectStatus.ENDED
    certificate = client.get(f"/correction/subjects/{subject.public_id}/certificate/")
    assert certificate.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(certificate.content)).paragraphs)
    assert "解除社区矫正证明书" in text
    assert "郑新入" in text


def test_a_refused_step_shows_the_error_on_the_form(client_for, office_clerk):
    # given
    subject = factories.registered(actor=office_clerk, effective=today() - timedelta(days=5))
    # when: a reception before the judgment
    response = step(client_for(office_clerk), subject, "receive", received_on=day(9))
    # then
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_every_read_of_the_subject_page_writes_one_audit_row_without_personal_data(
    client_for, office_clerk
):
    # given
    subject = factories.received(actor=office_clerk, name="冯审计")
    client = client_for(office_clerk)
    before = AuditEvent.objects.count()
    # when
    response = client.get(f"/correction/subjects/{subject.public_id}/")
    # then
    assert response.status_code == 200
    rows = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(r.action, r.object_id) for r in rows] == [("view", str(subject.public_id))]
    serialised = json.dumps(
        {f.name: str(getattr(rows[0], f.name)) for f in AuditEvent._meta.fields},
        ensure_ascii=False,
    )
    person = subject.person
    for value in (person.name, person.id_number, person.phone, person.address, factories.CRIME):
        assert value not in serialised
    # then: the page masks the criminal history
    body = response.content.decode()
    assert factories.CRIME not in body
    assert factories.SENTENCE not in body
    assert person.id_number not in body


def test_another_office_gets_404_and_finds_nothing(client_for, office_clerk, other_clerk):
    # given
    subject = factories.received(actor=office_clerk, name="陈隐藏")
    client = client_for(other_clerk)
    # then: the page, the API and the steps are 404
    for url in (
        f"/correction/subjects/{subject.public_id}/",
        f"/api/v1/correction/subjects/{subject.public_id}/",
    ):
        assert client.get(url).status_code == 404
    assert step(client, subject, "contact", kind="PHONE", occurred_on=day()).status_code == 404
    # then: absent from the list, the board, the export and the search
    assert "陈隐藏" not in client.get("/correction/subjects/").content.decode()
    assert "陈隐藏" not in client.get("/correction/board/").content.decode()
    export = client.get("/correction/subjects/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only
    found = client.post(
        "/correction/subjects/search/",
        {"id_type": "RESIDENT_ID", "id_number": subject.person.id_number},
        follow=True,
    )
    assert "陈隐藏" not in found.content.decode()
    assert client.get("/api/v1/correction/subjects/").json()["count"] == 0


def test_exact_search_posts_the_number_and_shows_a_token(client_for, office_clerk):
    # given
    subject = factories.received(actor=office_clerk, name="褚搜索")
    client = client_for(office_clerk)
    # when
    response = client.post(
        "/correction/subjects/search/",
        {"id_type": "RESIDENT_ID", "id_number": subject.person.id_number},
    )
    # then
    assert response.status_code == 302
    assert subject.person.id_number not in response["Location"]
    assert "褚搜索" in client.get(response["Location"]).content.decode()


def test_the_export_is_masked_and_the_unmasked_one_needs_reveal_and_a_reason(
    client_for, office_clerk, office_director
):
    # given
    subject = factories.received(actor=office_clerk, name="卫导出")
    number = subject.person.id_number
    # when: the masked export
    masked = client_for(office_clerk).get("/correction/subjects/?export=xlsx")
    cells = str(list(load_workbook(io.BytesIO(masked.content)).active.iter_rows(values_only=True)))
    # then
    assert "卫导出" in cells
    assert number not in cells
    assert factories.CRIME not in cells
    # when: the clerk asks for the unmasked export
    refused = client_for(office_clerk).post(
        "/correction/subjects/export-unmasked/", {"reason": "上报", "query": ""}
    )
    assert refused.status_code == 403
    # when: the director, with a reason
    revealed = client_for(office_director).post(
        "/correction/subjects/export-unmasked/", {"reason": "向区局报送", "query": "status="}
    )
    cells = str(
        list(load_workbook(io.BytesIO(revealed.content)).active.iter_rows(values_only=True))
    )
    # then
    assert number in cells
    assert factories.CRIME in cells
    assert AuditEvent.objects.filter(action="reveal", reason="向区局报送").exists()
    assert (
        AuditEvent.objects.filter(
            action="export", object_type="correction.correctionsubject"
        ).count()
        == 2
    )


def test_the_director_reveals_the_crime_with_a_reason(client_for, office_clerk, office_director):
    subject = factories.received(actor=office_clerk)
    url = f"/correction/subjects/{subject.public_id}/reveal/"
    assert client_for(office_clerk).post(url, {"field": "crime", "reason": "x"}).status_code == 403
    response = client_for(office_director).post(url, {"field": "crime", "reason": "核对"})
    assert response.status_code == 200
    assert factories.CRIME in response.content.decode()
    assert client_for(office_director).post(url, {"field": "crime"}).status_code == 400


def test_the_board_and_the_filters_show_the_report_missed_by_one_day(
    client_for, office_clerk, district_reviewer
):
    # given
    factories.with_report_overdue(days=1, actor=office_clerk, name="蒋一天")
    factories.received(actor=office_clerk, name="沈按时", received_days_ago=2)
    # when
    board = client_for(office_clerk).get("/correction/board/").content.decode()
    overdue = client_for(office_clerk).get("/correction/subjects/?overdue=on").content.decode()
    # then
    assert "蒋一天" in board
    assert "沈按时" not in board
    assert "蒋一天" in overdue
    assert "沈按时" not in overdue
    assert "蒋一天" in client_for(district_reviewer).get("/correction/board/").content.decode()
    workbench = client_for(office_clerk).get("/").content.decode()
    assert "蒋一天" in workbench


def test_the_district_officer_decides_a_long_leave_on_the_page(
    client_for, office_clerk, district_reviewer
):
    from sifasuo.correction import services

    subject = factories.received(actor=office_clerk)
    request = services.request_submit(
        actor=office_clerk,
        subject=subject,
        kind="LEAVE",
        destination="上海",
        reason="培训",
        applied_on=today(),
        start_on=today() + timedelta(days=1),
        end_on=today() + timedelta(days=12),
    )
    services.request_office_decide(
        actor=office_clerk, request=request, approve=True, opinion="", decided_on=today()
    )
    request.refresh_from_db()
    client = client_for(district_reviewer)
    page = client.get(f"/correction/subjects/{subject.public_id}/").content.decode()
    assert "correction/requests/" in page
    response = client.post(
        f"/correction/requests/{request.public_id}/decide/",
        {"decision": "approve", "decided_on": day(), "version": request.version},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "APPROVED"


def test_navigation_for_offices_and_bureaus_never_mediators(client_for, office_clerk, mediator):
    assert "/correction/subjects/" in client_for(office_clerk).get("/").content.decode()
    assert "/correction/subjects/" not in client_for(mediator).get("/").content.decode()
    # then: a mediator's list is empty (the sensitive policy gives mediators nothing)
    assert "sf-empty" in client_for(mediator).get("/correction/subjects/").content.decode()


def test_the_list_page_has_a_pinned_query_count(client_for, office_clerk):
    # given
    for n in range(3):
        factories.received(actor=office_clerk, name=f"韩列表{n}")
    client = client_for(office_clerk)
    client.get("/correction/subjects/")
    # when
    with CaptureQueriesContext(connection) as few:
        client.get("/correction/subjects/")
    for n in range(3):
        factories.received(actor=office_clerk, name=f"杨列表{n}")
    with CaptureQueriesContext(connection) as more:
        client.get("/correction/subjects/")
    # then: the same number of queries whatever the number of rows
    assert len(more) == len(few)
