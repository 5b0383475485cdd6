"""The publicity API: scoped reads, masked values, an idempotent create."""

from __future__ import annotations

import pytest

from sifasuo.core.models import AuditEvent
from sifasuo.publicity.models import PublicityActivity
from tests.publicity import factories
from tests.publicity.factories import today

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "activities",
    "legal-literates",
    "households",
    "village-advisers",
    "demonstration-villages",
    "town-advisers",
]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_lists_are_scoped(client_for, office_clerk, other_clerk, district_reviewer, name):
    # given
    factories.activity(actor=office_clerk)
    factories.literate(actor=office_clerk)
    factories.household(actor=office_clerk)
    factories.adviser(actor=office_clerk)
    factories.title(actor=office_clerk)
    factories.town_adviser(actor=office_clerk)
    url = f"/api/v1/publicity/{name}/"
    # then
    mine = client_for(office_clerk).get(url).json()
    assert mine["count"] == 1
    assert client_for(district_reviewer).get(url).json()["count"] == 1
    assert client_for(other_clerk).get(url).json()["count"] == 0
    item = mine["results"][0]
    assert client_for(other_clerk).get(f"{url}{item['id']}/").status_code == 404


def test_anonymous_calls_get_401(client):
    assert client.get("/api/v1/publicity/activities/").status_code == 401


def test_personal_values_are_masked(client_for, office_clerk):
    # given
    literate = factories.literate(actor=office_clerk)
    adviser = factories.adviser(actor=office_clerk)
    client = client_for(office_clerk)
    # when
    lit = client.get(f"/api/v1/publicity/legal-literates/{literate.public_id}/").json()
    adv = client.get(f"/api/v1/publicity/village-advisers/{adviser.public_id}/").json()
    # then
    assert lit["id_number"] == literate.person.id_number_masked
    assert lit["phone"] == "139****5678"
    assert adv["phone"] == "137****4321"


def test_filters_work_in_the_api(client_for, office_clerk):
    # given
    factories.activity(actor=office_clerk, target="SCHOOLS", laws=factories.laws("MINORS"))
    factories.activity(actor=office_clerk, target="FAMILIES")
    client = client_for(office_clerk)
    # then
    assert client.get("/api/v1/publicity/activities/?target=SCHOOLS").json()["count"] == 1
    assert client.get("/api/v1/publicity/activities/?law=MINORS").json()["count"] == 1
    assert client.get("/api/v1/publicity/activities/?unit=610116001").status_code == 404


def test_an_activity_is_recorded_once_per_idempotency_key(client_for, office_clerk):
    # given
    body = {
        "office": "610102001",
        "held_on": today().isoformat(),
        "theme": "网络普法直播",
        "laws": ["CIVIL_CODE"],
        "target": "NETWORK",
        "form": "ONLINE",
        "place": "抖音直播间",
        "participants": 1200,
    }
    client = client_for(office_clerk)
    # when
    first = client.post(
        "/api/v1/publicity/activities/",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    again = client.post(
        "/api/v1/publicity/activities/",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    # then
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert PublicityActivity.objects.filter(theme="网络普法直播").count() == 1
    assert first.json()["laws"] == ["CIVIL_CODE"]


def test_a_refused_create_answers_400_with_the_field(client_for, office_clerk, other_clerk):
    # given
    body = {
        "office": "610102001",
        "held_on": today().isoformat(),
        "theme": "x",
        "laws": [],
        "target": "NETWORK",
        "form": "ONLINE",
        "place": "线上",
    }
    # when
    response = client_for(office_clerk).post(
        "/api/v1/publicity/activities/", body, content_type="application/json"
    )
    # then
    assert response.status_code == 400
    assert "laws" in response.json()
    # and another office's clerk cannot record for 西一路
    body["laws"] = ["CIVIL_CODE"]
    denied = client_for(other_clerk).post(
        "/api/v1/publicity/activities/", body, content_type="application/json"
    )
    assert denied.status_code == 403
    assert not PublicityActivity.objects.exists()
    assert AuditEvent.objects.filter(object_type="publicity.publicityactivity").count() == 0
