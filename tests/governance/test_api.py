"""The governance API: scoped reads, the idempotent review registration, the schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sifasuo.governance import services
from sifasuo.governance.models import LegalityReview
from tests.governance import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_reviews_are_scoped_and_carry_the_checklist(client_for, office_clerk, other_clerk):
    # given
    review = f.issued(actor=office_clerk)
    # when
    mine = client_for(office_clerk).get("/api/v1/governance/reviews/")
    theirs = client_for(other_clerk).get(f"/api/v1/governance/reviews/{review.public_id}/")
    # then
    assert mine.status_code == 200
    (row,) = mine.json()["results"]
    assert row["id"] == str(review.public_id)
    assert row["conclusion"] == "CHANGES"
    assert {c["result"] for c in row["checks"]} == {"PASS", "FAIL"}
    assert row["changes"][0]["clause"] == "第五条"
    assert theirs.status_code == 404


def test_registering_a_review_is_safe_to_retry(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    body = {
        "office": "610102001",
        "matter_type": "CONTRACT",
        "title": "接口登记的合同",
        "submitting_body": "镇财政所",
        "received_on": TODAY().isoformat(),
    }
    # when
    first = client.post(
        "/api/v1/governance/reviews/",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    again = client.post(
        "/api/v1/governance/reviews/",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    # then
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert LegalityReview.objects.filter(title="接口登记的合同").count() == 1
    assert first.json()["due_on"] > body["received_on"]


def test_registering_at_another_office_is_refused(client_for, other_clerk):
    response = client_for(other_clerk).post(
        "/api/v1/governance/reviews/",
        {
            "office": "610102001",
            "matter_type": "OTHER",
            "title": "越权",
            "submitting_body": "镇政府",
            "received_on": TODAY().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_future_date_is_refused_with_the_field(client_for, office_clerk):
    response = client_for(office_clerk).post(
        "/api/v1/governance/reviews/",
        {
            "office": "610102001",
            "matter_type": "OTHER",
            "title": "未来",
            "submitting_body": "镇政府",
            "received_on": (TODAY() + timedelta(days=3)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "received_on" in response.json()


def test_supervision_drafts_and_opinions_read_in_scope(
    client_for, office_clerk, other_clerk, district_reviewer, citizen
):
    # given
    activity = f.activity(actor=office_clerk)
    services.rectification_request(
        actor=office_clerk, activity=activity, issue="整改", requested_on=activity.held_on
    )
    draft = f.draft(actor=district_reviewer, bureau="610102")
    services.opinion_submit_online(actor=citizen, draft=draft, text="意见")
    # when
    client = client_for(office_clerk)
    activities = client.get("/api/v1/governance/supervision-activities/").json()["results"]
    drafts = client.get("/api/v1/governance/drafts/").json()["results"]
    bureau = client_for(district_reviewer).get("/api/v1/governance/opinions/").json()["results"]
    # then
    assert activities[0]["rectifications"][0]["issue"] == "整改"
    assert drafts[0]["clauses"][0]["heading"] == "第一条"
    assert bureau[0]["channel"] == "ONLINE"
    assert "citizen" not in bureau[0]
    assert (
        client_for(other_clerk).get(f"/api/v1/governance/drafts/{draft.public_id}/").status_code
        == 404
    )
    assert client.get("/api/v1/governance/opinions/").json()["results"] == []


def test_anonymous_calls_are_401(client):
    for url in ("/api/v1/governance/reviews/", "/api/v1/governance/drafts/"):
        assert client.get(url).status_code == 401


def test_the_schema_documents_the_endpoints(client_for, office_clerk):
    schema = client_for(office_clerk).get("/api/schema/?format=json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/governance/reviews/",
        "/api/v1/governance/supervision-activities/{public_id}/",
        "/api/v1/governance/drafts/",
        "/api/v1/governance/opinions/",
    } <= paths
