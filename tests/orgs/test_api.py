"""The organisation API: offices by code (with both district codes) and units in scope."""

from __future__ import annotations

import pytest

from sifasuo.orgs.models import Unit

OFFICE_FIELDS = {"id", "code", "name", "district_code", "division_district_code"}


def test_offices_list_is_paginated_and_scoped(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/v1/offices/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    (office,) = body["results"]
    assert set(office) >= OFFICE_FIELDS
    assert office["code"] == "610102001"
    assert office["name"] == "西一路街道司法所"
    assert office["district_code"] == office["division_district_code"] == "610102"


def test_the_city_sees_every_office_page_by_page(client_for, city_officer):
    # when
    client = client_for(city_officer)
    first = client.get("/api/v1/offices/").json()
    second = client.get(first["next"]).json()
    # then
    assert first["count"] == Unit.objects.filter(kind="OFFICE").count() >= 172
    assert first["previous"] is None
    assert len(first["results"]) == 50
    assert second["previous"] is not None
    assert {o["code"] for o in first["results"]}.isdisjoint(o["code"] for o in second["results"])


def test_a_development_zone_office_has_two_district_codes(client_for, city_officer):
    # given: 丈八沟街道 lies in 雁塔区 but 高新区 manages its office
    client = client_for(city_officer)
    # when
    office = client.get("/api/v1/offices/610113007/").json()
    # then
    assert office["name"].startswith("丈八沟")
    assert office["district_code"] == "6101A2"
    assert office["division_district_code"] == "610113"


def test_an_office_by_code_for_its_clerk(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/v1/offices/610102001/")
    # then
    assert response.status_code == 200
    assert response.json()["code"] == "610102001"


def test_another_districts_office_is_404(client_for, other_clerk, office_clerk):
    # when
    unseen = client_for(other_clerk).get("/api/v1/offices/610102001/")
    missing = client_for(other_clerk).get("/api/v1/offices/999999999/")
    # then
    assert unseen.status_code == missing.status_code == 404
    assert unseen.json() == missing.json()


def test_a_committee_is_no_office(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/v1/offices/610102001T01/")
    # then
    assert response.status_code == 404


def test_anonymous_offices_is_401(client, demo):
    # when
    response = client.get("/api/v1/offices/610102001/")
    # then
    assert response.status_code == 401


def test_units_in_scope_include_the_committee(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/v1/units/")
    # then
    assert response.status_code == 200
    units = {u["code"]: u for u in response.json()["results"]}
    assert set(units) >= {"610102001", "610102001T01"}
    assert all(code.startswith("610102001") for code in units)
    assert units["610102001"]["kind"] == "OFFICE"
    assert units["610102001"]["parent_code"] == "610102"
    assert units["610102001T01"]["kind"] == "COMMITTEE"
    assert units["610102001T01"]["parent_code"] == "610102001"
    assert set(units["610102001"]) >= {"code", "name", "kind", "parent_code"}


def test_units_filter_by_kind(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/v1/units/", {"kind": "COMMITTEE"})
    # then
    assert [u["code"] for u in response.json()["results"]] == ["610102001T01"]


def test_units_filter_by_parent_code(client_for, district_reviewer):
    # when
    response = client_for(district_reviewer).get(
        "/api/v1/units/", {"parent_code": "610102", "kind": "OFFICE"}
    )
    # then
    codes = [u["code"] for u in response.json()["results"]]
    assert codes
    assert all(c.startswith("610102") and len(c) == 9 for c in codes)


def test_a_filter_never_reaches_outside_scope(client_for, office_clerk):
    # when: the clerk asks for another district's children
    response = client_for(office_clerk).get("/api/v1/units/", {"parent_code": "610116"})
    # then: 404 as for the unit itself (DESIGN rule 1), not another district's units
    assert response.status_code == 404


def test_a_bad_kind_is_400(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/v1/units/", {"kind": "PALACE"})
    # then
    assert response.status_code == 400


def test_the_mediator_sees_only_the_committee(client_for, mediator):
    # when
    response = client_for(mediator).get("/api/v1/units/")
    # then
    assert [u["code"] for u in response.json()["results"]] == ["610102001T01"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_units_api_is_read_only(client_for, office_director, method):
    # given
    unit = Unit.objects.get(code="610102001")
    # when
    response = getattr(client_for(office_director), method)(
        f"/api/v1/units/{unit.pk}/", {}, content_type="application/json"
    )
    # then
    assert response.status_code == 405


def test_a_parent_code_out_of_scope_is_404_not_an_empty_list(client_for, other_clerk):
    # when: 韦曲's clerk filters by 西一路's code
    response = client_for(other_clerk).get("/api/v1/units/?parent_code=610102001")
    # then
    assert response.status_code == 404


def test_a_parent_code_in_scope_filters(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/v1/units/?parent_code=610102001")
    # then
    assert [u["code"] for u in response.json()["results"]] == ["610102001T01"]


def test_the_unit_page_filter_by_a_parent_out_of_scope_is_404(client_for, other_clerk):
    # when
    response = client_for(other_clerk).get("/units/?parent=610102001")
    # then
    assert response.status_code == 404
