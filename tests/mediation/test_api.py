"""The mediation API: scoped lists, an idempotent intake, one endpoint per step."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sifasuo.mediation.models import MediationCase
from tests.mediation import factories

TODAY = timezone.localdate


def intake(number: str = "") -> dict:
    return {
        "committee": "610102001T01",
        "source": "REFERRAL",
        "referral_organ": "POLICE",
        "category": "TRAFFIC",
        "summary": "电动车与行人相撞",
        "received_on": (TODAY() - timedelta(days=1)).isoformat(),
        "parties": [
            {"role": "APPLICANT", "name": "何静", "id_number": number or factories.id_number()},
            {"role": "RESPONDENT", "kind": "ORGANISATION", "name": "某快递服务有限公司"},
        ],
    }


def test_register_is_safe_to_retry_with_an_idempotency_key(client_for, mediator):
    # given
    client = client_for(mediator)
    body = intake()
    # when
    first = client.post(
        "/api/v1/mediation/cases/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        "/api/v1/mediation/cases/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    # then
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert MediationCase.objects.filter(public_id=first.json()["id"]).count() == 1
    party = first.json()["parties"][0]
    assert "*" in party["id_number"]


def test_steps_through_the_api(client_for, mediator):
    # given
    client = client_for(mediator)
    case = factories.register(actor=mediator)
    base = f"/api/v1/mediation/cases/{case.public_id}"
    # when
    accepted = client.post(
        f"{base}/accept/", {"accepted_on": case.received_on.isoformat()}, "application/json"
    )
    refused_late = client.post(f"{base}/refuse/", {"reason": "OUT_OF_SCOPE"}, "application/json")
    concluded = client.post(
        f"{base}/conclude/",
        {
            "outcome": "ORAL",
            "concluded_on": TODAY().isoformat(),
            "agreement_terms": "当面道歉",
        },
        "application/json",
    )
    # then
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "ACCEPTED"
    assert refused_late.status_code == 400
    assert concluded.status_code == 200
    assert concluded.json()["status"] == "PERFORMING"


def test_a_stale_version_answers_409(client_for, mediator):
    # given
    client = client_for(mediator)
    case = factories.register(actor=mediator)
    stale = case.version
    client.post(
        f"/api/v1/mediation/cases/{case.public_id}/accept/",
        {"accepted_on": case.received_on.isoformat(), "version": stale},
        "application/json",
    )
    # when
    response = client.post(
        f"/api/v1/mediation/cases/{case.public_id}/extend/",
        {"extended_on": TODAY().isoformat(), "consent": "同意", "version": stale},
        "application/json",
    )
    # then
    assert response.status_code == 409


def test_lists_are_scoped_and_filtered(client_for, mediator, other_clerk, office_clerk):
    # given
    mine = factories.register(actor=mediator, category="FAMILY")
    factories.register(actor=mediator, category="LAND")
    # when
    theirs = client_for(other_clerk).get("/api/v1/mediation/cases/").json()
    family = client_for(office_clerk).get("/api/v1/mediation/cases/?category=FAMILY").json()
    committees = client_for(mediator).get("/api/v1/mediation/committees/").json()
    # then
    assert str(mine.public_id) not in str(theirs)
    assert {c["category"] for c in family["results"]} == {"FAMILY"}
    assert [c["code"] for c in committees["results"]] == ["610102001T01"]


def test_a_district_filter_out_of_scope_answers_404(client_for, other_clerk):
    # when
    response = client_for(other_clerk).get("/api/v1/mediation/cases/?district=610102")
    # then
    assert response.status_code == 404


def test_anonymous_is_refused(client):
    # then
    assert client.get("/api/v1/mediation/cases/").status_code == 401
