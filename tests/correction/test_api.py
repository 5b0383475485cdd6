"""The correction API: masked, scoped, audited reads; reports recorded through the service."""

from __future__ import annotations

import pytest

from sifasuo.core.models import AuditEvent
from tests.correction import factories
from tests.correction.factories import today

pytestmark = pytest.mark.django_db


def test_the_list_and_detail_are_masked_and_the_detail_read_is_audited(client_for, office_clerk):
    # given
    subject = factories.received(actor=office_clerk)
    client = client_for(office_clerk)
    # when
    listing = client.get("/api/v1/correction/subjects/?status=UNDER_CORRECTION").json()
    detail = client.get(f"/api/v1/correction/subjects/{subject.public_id}/")
    # then
    (row,) = listing["results"]
    assert row["crime"] == row["sentence"] == "******"
    assert row["id_number"] != subject.person.id_number
    assert factories.CRIME not in detail.content.decode()
    assert AuditEvent.objects.filter(action="view", object_id=str(subject.public_id)).count() == 1


def test_a_report_posted_through_the_api(client_for, office_clerk, office_director, city_officer):
    # given
    subject = factories.received(actor=office_clerk)
    url = f"/api/v1/correction/subjects/{subject.public_id}/reports/"
    # when
    created = client_for(office_clerk).post(
        url, {"kind": "PHONE", "occurred_on": today().isoformat()}, content_type="application/json"
    )
    # then
    assert created.status_code == 201, created.content
    assert client_for(office_director).get(url).json()[0]["kind"] == "PHONE"
    assert client_for(office_director).get("/api/v1/correction/reports/").json()["count"] == 1
    refused = client_for(city_officer).post(
        url, {"kind": "PHONE", "occurred_on": today().isoformat()}, content_type="application/json"
    )
    assert refused.status_code == 403
    future = client_for(office_clerk).post(
        url, {"kind": "PHONE", "occurred_on": "2999-01-01"}, content_type="application/json"
    )
    assert future.status_code == 400


def test_unit_filters_out_of_scope_answer_404(client_for, office_clerk):
    assert (
        client_for(office_clerk).get("/api/v1/correction/subjects/?office=610116001").status_code
        == 404
    )
