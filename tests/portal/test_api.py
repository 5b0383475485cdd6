"""The portal API: SMS code → token, kinds, own applications (404 for others), rating."""

from __future__ import annotations

import re
import uuid

import pytest
from rest_framework.test import APIClient

from sifasuo.core import sms
from sifasuo.core.models import AuditEvent
from sifasuo.portal.models import PortalApplication
from sifasuo.portal.services import citizen_for_phone
from tests.portal import factories

pytestmark = pytest.mark.django_db


def _token_client(phone: str, capture) -> APIClient:
    client = APIClient()
    with capture(execute=True):
        sent = client.post("/api/v1/portal/auth/code/", {"phone": phone}, format="json")
    assert sent.status_code == 202, sent.content
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    response = client.post(
        "/api/v1/portal/auth/token/", {"phone": phone, "code": code}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_a_citizen_logs_in_and_files_a_request(django_capture_on_commit_callbacks):
    # given
    client = _token_client("13900005001", django_capture_on_commit_callbacks)
    kinds = client.get("/api/v1/portal/kinds/").json()
    mediation = next(k for k in kinds if k["code"] == "MEDIATION")
    category = next(f for f in mediation["fields"] if f["name"] == "category")["choices"][0][0]
    body = {
        "kind": "MEDIATION",
        "office": "610102001",
        "data": {
            "category": category,
            "summary": "楼上漏水",
            "applicant_name": "赵敏",
            "respondent_name": "王某",
        },
    }
    # when: without consent, then with it
    refused = client.post("/api/v1/portal/applications/", body, format="json")
    created = client.post("/api/v1/portal/applications/", {**body, "consent": True}, format="json")
    # then
    assert refused.status_code == 400
    assert "pipl_consent" in refused.json()
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "SUBMITTED"
    assert len(data["tracking_number"]) == 12
    assert [a["id"] for a in client.get("/api/v1/portal/applications/").json()["results"]] == [
        data["id"]
    ]


def test_bad_form_fields_are_refused(django_capture_on_commit_callbacks):
    # given
    client = _token_client("13900005002", django_capture_on_commit_callbacks)
    # when
    response = client.post(
        "/api/v1/portal/applications/",
        {"kind": "MEDIATION", "office": "610102001", "data": {}, "consent": True},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert "summary" in response.json()["data"]
    assert not PortalApplication.objects.exists()


def test_another_citizens_request_is_404(django_capture_on_commit_callbacks):
    # given
    envelope = factories.completed()
    client = _token_client("13900005003", django_capture_on_commit_callbacks)
    # when / then
    url = f"/api/v1/portal/applications/{envelope.public_id}/"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}rating/", {"level": "SATISFIED"}, format="json").status_code == 404
    assert client.get("/api/v1/portal/applications/").json()["count"] == 0


def test_guessed_ids_answer_404_then_429(django_capture_on_commit_callbacks, lookup_limit):
    # given: a citizen with a request of their own, and another citizen's request
    client = _token_client("13900005008", django_capture_on_commit_callbacks)
    mine = factories.completed(owner=citizen_for_phone(phone="13900005008"))
    theirs = factories.completed()
    ids = [uuid.uuid4() for _ in range(lookup_limit + 10)]
    ids[10] = ids[-5] = theirs.public_id  # tried before the limit and after it
    # when
    responses = [client.get(f"/api/v1/portal/applications/{i}/") for i in ids]
    # then: 404 up to the limit, 429 after it; another's request answers as a random id does
    assert [r.status_code for r in responses] == [404] * lookup_limit + [429] * 10
    assert responses[10].json() == responses[11].json()
    assert responses[-5].json() == responses[-4].json()
    assert 0 < int(responses[-1]["Retry-After"]) <= 601
    # and: the citizen's own request still answers; the refusal is audited once
    assert client.get(f"/api/v1/portal/applications/{mine.public_id}/").status_code == 200
    refused = AuditEvent.objects.filter(action="lookup_limit")
    assert [(e.actor_id, e.outcome) for e in refused] == [(mine.citizen_id, "DENIED")]
    tried = AuditEvent.objects.filter(outcome="DENIED", object_id=str(theirs.public_id))
    assert tried.count() == 2


def test_the_citizen_rates_through_the_api(django_capture_on_commit_callbacks):
    # given
    client = _token_client("13900005004", django_capture_on_commit_callbacks)
    envelope = factories.completed(owner=citizen_for_phone(phone="13900005004"))
    url = f"/api/v1/portal/applications/{envelope.public_id}/rating/"
    # when
    first = client.post(url, {"level": "VERY_DISSATISFIED", "comment": "慢"}, format="json")
    second = client.post(url, {"level": "SATISFIED"}, format="json")
    # then
    assert first.status_code == 201
    assert first.json()["rating"]["level"] == "VERY_DISSATISFIED"
    assert second.status_code == 400
    envelope.refresh_from_db()
    assert envelope.rating.followup.is_open


def test_codes_are_rate_limited_with_429():
    # given
    client = APIClient()
    client.post("/api/v1/portal/auth/code/", {"phone": "13900005005"}, format="json")
    # when
    response = client.post("/api/v1/portal/auth/code/", {"phone": "13900005005"}, format="json")
    # then
    assert response.status_code == 429
    assert "phone" in response.json()


def test_a_wrong_code_gets_no_token():
    # given
    client = APIClient()
    client.post("/api/v1/portal/auth/code/", {"phone": "13900005006"}, format="json")
    # when
    response = client.post(
        "/api/v1/portal/auth/token/", {"phone": "13900005006", "code": "abcdef"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert "code" in response.json()


def test_staff_see_their_offices_requests_but_cannot_file(client_for, office_clerk, other_clerk):
    # given
    envelope = factories.application()
    url = f"/api/v1/portal/applications/{envelope.public_id}/"
    # when / then
    assert client_for(office_clerk).get(url).status_code == 200
    assert client_for(other_clerk).get(url).status_code == 404
    response = client_for(office_clerk).post(
        "/api/v1/portal/applications/",
        {"kind": "MEDIATION", "office": "610102001", "data": {}, "consent": True},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_anonymous_gets_401(client):
    # then
    assert client.get("/api/v1/portal/applications/").status_code == 401
    assert client.get("/api/v1/portal/kinds/").status_code == 401
