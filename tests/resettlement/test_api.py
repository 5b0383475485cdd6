"""The resettlement API: masked, scoped, audited reads."""

from __future__ import annotations

import pytest

from sifasuo.core.models import AuditEvent
from tests.resettlement import factories

pytestmark = pytest.mark.django_db


def test_persons_are_masked_and_scoped(client_for, office_clerk, other_clerk):
    rp = factories.assisting(actor=office_clerk)
    response = client_for(office_clerk).get("/api/v1/resettlement/persons/")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == str(rp.public_id)
    assert item["id_number"] == rp.person.id_number_masked
    assert item["crime"] == "******"
    assert item["name"] != rp.person.name
    text = response.content.decode()
    assert rp.person.id_number not in text
    assert factories.CRIME not in text
    assert client_for(other_clerk).get("/api/v1/resettlement/persons/").json()["count"] == 0


def test_reading_one_is_audited(client_for, office_clerk):
    rp = factories.assisting(actor=office_clerk)
    response = client_for(office_clerk).get(f"/api/v1/resettlement/persons/{rp.public_id}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="view", object_id=str(rp.public_id)).count() == 1


def test_filters_match_the_list(client_for, office_clerk):
    factories.awaiting(actor=office_clerk, key=True)
    factories.assisting(actor=office_clerk, name="钱七")
    client = client_for(office_clerk)
    assert client.get("/api/v1/resettlement/persons/?key_person=true").json()["count"] == 1
    assert client.get("/api/v1/resettlement/persons/?status=ASSISTING").json()["count"] == 1
    assert client.get("/api/v1/resettlement/persons/?office=610116001").status_code == 404


def test_visitations(client_for, office_clerk, other_clerk, client):
    request = factories.visitation(actor=office_clerk, visitors=3)
    data = client_for(office_clerk).get("/api/v1/resettlement/visitations/").json()
    (item,) = data["results"]
    assert item["visitors"] == 3
    assert item["status"] == "APPLIED"
    assert item["prisoner_name"] != request.prisoner_name
    detail = f"/api/v1/resettlement/visitations/{request.public_id}/"
    assert client_for(other_clerk).get(detail).status_code == 404
    assert client.get(detail).status_code == 401
