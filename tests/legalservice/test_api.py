"""The public legal service API: scoped lists, masked values, idempotent creates."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sifasuo.legalservice.models import Appointment, Consultation
from tests.legalservice import factories

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_consultations_are_scoped(office_clerk, other_clerk):
    # given
    c = factories.consultation(actor=office_clerk, person=factories.person())
    # when
    mine = api(office_clerk).get("/api/v1/legalservice/consultations/")
    theirs = api(other_clerk).get("/api/v1/legalservice/consultations/")
    # then
    assert [r["id"] for r in mine.json()["results"]] == [str(c.public_id)]
    assert theirs.json()["results"] == []
    detail = f"/api/v1/legalservice/consultations/{c.public_id}/"
    assert api(other_clerk).get(detail).status_code == 404


def test_anonymous_gets_401():
    assert APIClient().get("/api/v1/legalservice/appointments/").status_code == 401


def test_create_with_an_idempotency_key(office_clerk):
    # given
    body = {
        "office": "610102001",
        "channel": "PHONE",
        "topic": "DEBT",
        "question": "借条丢了怎么办？",
        "received_on": timezone.localdate().isoformat(),
        "answer": "保留转账记录等其他证据。",
    }
    client = api(office_clerk)
    # when
    first = client.post(
        "/api/v1/legalservice/consultations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        "/api/v1/legalservice/consultations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    other = client.post(
        "/api/v1/legalservice/consultations/",
        {**body, "question": "别的"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    # then
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert other.status_code == 422
    assert Consultation.objects.filter(question="借条丢了怎么办？").count() == 1


def test_create_at_another_office_is_404(other_clerk):
    response = api(other_clerk).post(
        "/api/v1/legalservice/consultations/",
        {
            "office": "610102001",
            "channel": "PHONE",
            "topic": "DEBT",
            "question": "?",
            "received_on": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 404


def test_answer_through_the_api(office_clerk):
    c = factories.online_consultation()
    response = api(office_clerk).post(
        f"/api/v1/legalservice/consultations/{c.public_id}/answer/",
        {"answer": "已答复"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "ANSWERED"
    again = api(office_clerk).post(
        f"/api/v1/legalservice/consultations/{c.public_id}/answer/",
        {"answer": "再答"},
        format="json",
    )
    assert again.status_code == 400


def test_book_through_the_api_and_refuse_a_full_slot(office_clerk):
    # given
    slot = factories.slot(actor=office_clerk, capacity=1)
    client = api(office_clerk)
    body = {"slot": str(slot.public_id), "contact_name": "API预约", "contact_phone": "13611112222"}
    # when
    first = client.post("/api/v1/legalservice/appointments/", body, format="json")
    full = client.post(
        "/api/v1/legalservice/appointments/", {**body, "contact_name": "又一个"}, format="json"
    )
    # then
    assert first.status_code == 201
    assert first.json()["phone"] == "136****2222"
    assert full.status_code == 400
    assert "slot" in full.json()
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_legal_aid_and_slots_read_endpoints(office_clerk, other_clerk):
    # given
    a = factories.legal_aid(actor=office_clerk)
    factories.slot(actor=office_clerk)
    # when
    detail = api(office_clerk).get(f"/api/v1/legalservice/legal-aid/{a.public_id}/").json()
    slots = api(office_clerk).get("/api/v1/legalservice/slots/").json()["results"]
    # then
    assert detail["applicant"] == "钱**"
    assert [c["code"] for c in detail["criteria"]] == [
        "scope",
        "matter_exempt",
        "person_exempt",
        "income",
    ]
    assert len(slots) == 1
    assert api(other_clerk).get(f"/api/v1/legalservice/legal-aid/{a.public_id}/").status_code == 404
