"""The compliance API's contract and scope; the read-only assessment and rectification API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sifasuo.standards import services
from sifasuo.standards.checks import CHECK_CODES
from tests.standards import factories as f

URL = "/api/v1/offices/{code}/compliance/"
INDICATOR_KEYS = {"code", "passed", "value", "threshold", "explanation"}


def compliance(client, code: str = f.XIYILU, **params):
    return client.get(URL.format(code=code), params)


def test_the_answer_has_exactly_the_contracted_shape(client_for, office_clerk):
    # given
    f.passing_return()
    # when
    response = compliance(client_for(office_clerk), year=2024)
    # then
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["office_code", "year", "passed", "score", "indicators"]
    assert body["office_code"] == f.XIYILU
    assert body["year"] == 2024
    assert body["passed"] is True
    assert isinstance(body["score"], float)
    assert 0 <= body["score"] <= 100
    codes = [i["code"] for i in body["indicators"]]
    assert codes[:9] == list(CHECK_CODES)
    assert len(codes) == len(set(codes)) > 9
    for indicator in body["indicators"]:
        assert set(indicator) == INDICATOR_KEYS
        assert isinstance(indicator["passed"], bool)
        assert isinstance(indicator["value"], int | float | str | None)
        assert isinstance(indicator["explanation"], str)
        assert indicator["explanation"]


def test_values_are_numbers_dates_or_text(client_for, office_clerk):
    # given
    f.passing_return()
    # when
    body = compliance(client_for(office_clerk), year=2024).json()
    by_code = {i["code"]: i for i in body["indicators"]}
    # then
    assert by_code["PREMISES_AREA"]["value"] == 150.0
    assert by_code["PREMISES_AREA"]["threshold"] == 120.0
    assert by_code["IT_REMOTE_VISIT"]["value"] == "2022-06-01"
    assert by_code["IT_REMOTE_VISIT"]["threshold"] == "2024-12-31"
    assert by_code["PREMISES_ROOMS"]["value"] == 7


def test_one_failed_check_fails_the_office_and_costs_its_points(client_for, office_clerk):
    # given
    f.passing_return(business_area=Decimal("119.9"))
    # when
    body = compliance(client_for(office_clerk), year=2024).json()
    # then: the nine checks' 46 points less the area's 6
    assert body["passed"] is False
    assert body["score"] == 40.0
    area = next(i for i in body["indicators"] if i["code"] == "PREMISES_AREA")
    assert area["passed"] is False
    assert "119.9" in area["explanation"]


def test_manual_items_count_once_assessed(client_for, office_clerk):
    # given
    f.passing_return()
    campaign = f.open_campaign([f.XIYILU])
    client = client_for(office_clerk)
    before = compliance(client, year=2024).json()["score"]
    # when
    f.assess_manual(f.assessment_of(campaign), actor=office_clerk)
    after = compliance(client, year=2024).json()
    # then
    assert before == 46.0
    assert after["score"] == 94.0  # everything but the mediation figure (no cases)
    systems = next(i for i in after["indicators"] if i["code"] == "SYSTEMS")
    assert systems == {
        "code": "SYSTEMS",
        "passed": True,
        "value": 7.0,
        "threshold": 7.0,
        "explanation": systems["explanation"],
    }


def test_without_a_year_the_latest_return_answers(client_for, office_clerk):
    # given
    f.passing_return(year=2023)
    f.passing_return(year=2024, business_area=Decimal("90"))
    # when
    body = compliance(client_for(office_clerk)).json()
    # then
    assert body["year"] == 2024
    assert body["passed"] is False


def test_the_district_and_the_city_see_the_office(client_for, district_reviewer, city_officer):
    # given
    f.passing_return()
    # when / then
    for user in (district_reviewer, city_officer):
        assert compliance(client_for(user), year=2024).status_code == 200


@pytest.mark.parametrize("code", [f.XIYILU, "999999999", "610102001T01"])
def test_out_of_scope_unknown_or_not_an_office_is_404(client_for, other_clerk, office_clerk, code):
    # given: 西一路 has a return; 韦曲's clerk is in another district
    f.passing_return()
    user = other_clerk if code == f.XIYILU else office_clerk
    # when
    response = compliance(client_for(user), code=code, year=2024)
    # then
    assert response.status_code == 404


def test_out_of_scope_looks_like_missing(client_for, other_clerk):
    # given
    f.passing_return()
    client = client_for(other_clerk)
    # when
    unseen = compliance(client, year=2024)
    missing = compliance(client, code="999999999", year=2024)
    # then
    assert unseen.status_code == missing.status_code == 404
    assert unseen.json() == missing.json()


def test_no_return_that_year_is_404(client_for, office_clerk):
    # given
    f.passing_return(year=2024)
    # when
    response = compliance(client_for(office_clerk), year=2023)
    # then
    assert response.status_code == 404


def test_administrators_see_no_compliance(client_for, sysadmin):
    # given: the system administrator sees the unit tree, never business records
    f.passing_return()
    # when
    response = compliance(client_for(sysadmin), year=2024)
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("year", ["abc", "1999", "3000", "2024.5"])
def test_a_bad_year_is_400(client_for, office_clerk, year):
    # given
    f.passing_return()
    # when
    response = compliance(client_for(office_clerk), year=year)
    # then
    assert response.status_code == 400
    assert "year" in response.json()


def test_anonymous_is_401(client):
    # when
    response = compliance(client, year=2024)
    # then
    assert response.status_code == 401


def test_assessments_and_rectifications_stay_in_scope(client_for, office_clerk, other_clerk):
    # given: a submitted 西一路 assessment whose return fails the area check
    assessment = f.submitted()
    mine, theirs = client_for(office_clerk), client_for(other_clerk)
    # when
    listed = mine.get("/api/v1/standards/assessments/").json()
    rectifications = mine.get("/api/v1/standards/rectifications/").json()
    hidden = theirs.get(f"/api/v1/standards/assessments/{assessment.public_id}/")
    # then
    assert [a["id"] for a in listed["results"]] == [str(assessment.public_id)]
    assert listed["results"][0]["status"] == "SUBMITTED"
    assert [r["indicator"] for r in rectifications["results"]] == ["PREMISES_AREA"]
    assert hidden.status_code == 404
    assert theirs.get("/api/v1/standards/rectifications/").json()["count"] == 0


def test_rectifications_filter_by_status(client_for, office_clerk):
    # given
    assessment = f.submitted()
    rectification = assessment.rectifications.get()
    services.rectification_start(actor=office_clerk, rectification=rectification)
    client = client_for(office_clerk)
    # when
    open_ = client.get("/api/v1/standards/rectifications/", {"status": "OPEN"}).json()
    started = client.get("/api/v1/standards/rectifications/", {"status": "IN_PROGRESS"}).json()
    # then
    assert open_["count"] == 0
    assert started["count"] == 1
    assert started["results"][0]["due_on"] > date(2024, 12, 2).isoformat()
