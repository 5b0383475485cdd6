"""The portal's pages: SMS login, apply, my requests (404 for others), rating, staff side."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone, translation

from sifasuo.core import sms
from sifasuo.core.models import AuditEvent
from sifasuo.portal import selectors
from sifasuo.portal.models import LoginCode, PortalApplication
from tests.portal import factories

pytestmark = pytest.mark.django_db


def _citizen_client(citizen) -> Client:
    client = Client()
    client.force_login(citizen)
    session = client.session
    session["sifasuo_login_at"] = int(timezone.now().timestamp())
    session.save()
    return client


def test_the_sms_login_end_to_end(client, django_capture_on_commit_callbacks):
    # when: step 1, the phone
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/login/", {"phone": "139 0000 4321"})
    assert response.status_code == 302
    assert response["Location"] == "/portal/login/verify/"
    assert "13900004321" not in response["Location"]
    page = client.get("/portal/login/verify/")
    assert "139****4321" in page.content.decode()
    # when: step 2, the code from the SMS
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    response = client.post("/portal/login/verify/", {"code": code})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/portal/requests/"
    assert client.get("/portal/requests/").status_code == 200
    assert AuditEvent.objects.filter(action="login").exists()
    # and logout is audited
    client.post("/portal/logout/")
    assert AuditEvent.objects.filter(action="logout").exists()
    assert client.get("/portal/requests/").status_code == 302


def test_an_invalid_phone_gets_a_message_and_changes_nothing(client):
    # when
    with translation.override("en"):
        response = client.post("/portal/login/", {"phone": "12345"}, HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not LoginCode.objects.exists()


def test_a_wrong_code_gets_a_message(client, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/login/", {"phone": "13900004322"})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    wrong = "000000" if code != "000000" else "111111"
    # when
    response = client.post("/portal/login/verify/", {"code": wrong})
    # then
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert LoginCode.objects.get().attempts == 1


def test_too_many_codes_get_a_message(client):
    # given
    client.post("/portal/login/", {"phone": "13900004323"})
    client.get("/portal/login/")
    # when
    response = client.post("/portal/login/", {"phone": "13900004323"})
    # then
    assert response.status_code == 429
    assert LoginCode.objects.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/portal/requests/",
        "/portal/apply/MEDIATION/610102001/",
        "/portal/requests/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_citizen_pages_send_anonymous_visitors_to_the_sms_login(client, url):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/login/?next=")


def test_public_pages_answer_anonymous(client):
    # then
    for url in ("/portal/", "/portal/apply/", "/portal/notice/", "/portal/guides/"):
        assert client.get(url).status_code == 200, url
    response = client.get("/portal/apply/MEDIATION/", {"district": "610102"})
    assert "610102001" in response.content.decode()


def test_apply_online_with_consent(django_capture_on_commit_callbacks):
    # given
    citizen = factories.citizen()
    client = _citizen_client(citizen)
    url = "/portal/apply/MEDIATION/610102001/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "sf-hours" in html
    assert "sf-bring" in html
    token = re.search(r'name="portal_form_token" value="([^"]+)"', html).group(1)
    category = re.search(r'<option value="(\d+)"', html).group(1)
    data = {
        "category": category,
        "summary": "楼上漏水",
        "applicant_name": "赵敏",
        "respondent_name": "王某",
        "portal_form_token": token,
    }
    # when: without consent
    response = client.post(url, data)
    # then: refused, nothing saved
    assert response.status_code == 400
    assert not PortalApplication.objects.exists()
    # when: with consent (a double submit makes one request)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "pipl_consent": "on"})
        again = client.post(url, {**data, "pipl_consent": "on"})
    # then
    envelope = PortalApplication.objects.get()
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert again.status_code == 302, re.findall(
        r"alert-danger.{0,300}|invalid-feedback.{0,300}", again.content.decode(), re.S
    )
    assert response["Location"] == again["Location"] == envelope.get_absolute_url()
    detail = client.get(envelope.get_absolute_url()).content.decode()
    assert envelope.tracking_number in detail
    assert 'data-status="SUBMITTED"' in detail


def test_another_citizens_request_is_404():
    # given
    envelope = factories.completed()
    stranger = _citizen_client(factories.citizen())
    # when / then
    assert stranger.get(envelope.get_absolute_url()).status_code == 404
    assert (
        stranger.post(f"{envelope.get_absolute_url()}rate/", {"level": "SATISFIED"}).status_code
        == 404
    )
    assert envelope.tracking_number not in stranger.get("/portal/requests/").content.decode()
    assert not hasattr(PortalApplication.objects.get(pk=envelope.pk), "rating")


def test_guessed_request_pages_answer_404_then_429(lookup_limit):
    # given: a citizen with a request of their own, and another citizen's request
    mine = factories.completed()
    theirs = factories.completed()
    client = _citizen_client(mine.citizen)
    ids = [uuid.uuid4() for _ in range(lookup_limit + 5)]
    ids[10] = ids[-2] = theirs.public_id  # tried before the limit and after it
    # when
    responses = [client.get(f"/portal/requests/{i}/") for i in ids]
    # then: 404 up to the limit, then the 429 page, for another's request as for any id
    assert [r.status_code for r in responses] == [404] * lookup_limit + [429] * 5
    assert "Retry-After" in responses[-1]
    assert responses[-1]["Cache-Control"] == "no-store"
    # and: a POST (rating) is refused alike, the citizen's own request still answers
    rate = client.post(f"/portal/requests/{theirs.public_id}/rate/", {"level": "SATISFIED"})
    assert rate.status_code == 429
    assert not hasattr(PortalApplication.objects.get(pk=theirs.pk), "rating")
    assert client.get(mine.get_absolute_url()).status_code == 200


def test_staff_get_nothing_from_the_citizen_pages(client_for, office_clerk):
    # given
    envelope = factories.application()
    # when / then
    assert client_for(office_clerk).get(envelope.get_absolute_url()).status_code == 403


def test_the_citizen_rates_once():
    # given
    envelope = factories.completed()
    client = _citizen_client(envelope.citizen)
    url = f"{envelope.get_absolute_url()}rate/"
    assert "sf-rating-form" in client.get(envelope.get_absolute_url()).content.decode()
    # when
    response = client.post(url, {"level": "DISSATISFIED", "comment": "太慢"})
    second = client.post(url, {"level": "VERY_SATISFIED"})
    # then
    assert response.status_code == 302
    assert second.status_code == 400
    envelope.refresh_from_db()
    assert envelope.rating.level == "DISSATISFIED"
    assert envelope.rating.followup.is_open


def test_the_office_inbox_shows_its_requests(client_for, office_clerk, other_clerk):
    # given
    envelope = factories.application()
    # when
    mine = client_for(office_clerk).get("/portal/inbox/")
    theirs = client_for(other_clerk).get("/portal/inbox/")
    # then
    assert envelope.tracking_number in mine.content.decode()
    assert f"/mediation/cases/{factories.case_of(envelope).public_id}/" in mine.content.decode()
    assert envelope.tracking_number not in theirs.content.decode()
    assert client_for(other_clerk).get("/portal/inbox/", {"office": "610102001"}).status_code == 404


def test_the_inbox_filters_and_exports(client_for, office_clerk):
    # given
    factories.application()
    client = client_for(office_clerk)
    # when
    filtered = client.get("/portal/inbox/", {"status": "COMPLETED"})
    export = client.get("/portal/inbox/", {"export": "xlsx"})
    # then
    assert "sf-inbox" not in filtered.content.decode()
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="export", object_type="portal.portalapplication")


def test_the_inbox_has_a_pinned_query_count(
    client_for, office_clerk, django_assert_max_num_queries
):
    # given
    for _ in range(3):
        factories.application()
    client = client_for(office_clerk)
    client.get("/portal/inbox/")
    # when / then: the staff link of each row costs one query (the module's record)
    with django_assert_max_num_queries(18):
        client.get("/portal/inbox/")


def test_the_follow_up_pages(client_for, office_clerk, other_clerk):
    # given
    followup = factories.poor_rating().followup
    url = f"/portal/followups/{followup.public_id}/"
    client = client_for(office_clerk)
    # when
    listing = client.get("/portal/followups/").content.decode()
    detail = client.get(url).content.decode()
    response = client.post(
        f"{url}call/",
        {
            "version": followup.version,
            "called_on": timezone.localdate().isoformat(),
            "reached": "APPLICANT",
            "outcome": "申请人表示理解",
            "rectification": "约谈调解员",
            "close": "on",
        },
    )
    # then
    assert followup.rating.application.tracking_number in listing
    assert followup.due_on.isoformat() in detail
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.status == "CLOSED"
    assert client_for(other_clerk).get(url).status_code == 404
    export = client.get("/portal/followups/", {"export": "xlsx"})
    assert export.status_code == 200


def test_guides_managed_by_the_city_and_read_by_anyone(
    client, client_for, city_officer, office_clerk
):
    # given
    staff = client_for(city_officer)
    # when
    response = staff.post(
        "/portal/guides/manage/new/", {"title": "诉讼时效", "category": "OTHER", "body": "三年"}
    )
    guide = selectors.managed_guides(user=city_officer).get(title="诉讼时效")
    assert client.get(guide.get_absolute_url()).status_code == 404  # a draft
    staff.post(f"/portal/guides/manage/{guide.public_id}/publish/", {"publish": "1"})
    # then
    assert response.status_code == 302
    assert client.get(guide.get_absolute_url()).status_code == 200
    assert "诉讼时效" in client.get("/portal/guides/").content.decode()
    assert client_for(office_clerk).get("/portal/guides/manage/").status_code == 403
