"""The people API: masked values only, in scope; exact look-up by number is a POST."""

from __future__ import annotations

import re
from datetime import date

import pytest

from sifasuo.orgs.models import Unit
from sifasuo.people import services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person

XIYILU_NUMBER = synthetic_id_number("610102", date(1985, 3, 14), 7, male=True)
WEIQU_NUMBER = synthetic_id_number("610116", date(1990, 8, 1), 8, male=False)
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
FULL_PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def people(demo):
    """One person registered at 西一路, one at 韦曲."""
    xiyilu = services.person_create(
        actor=None,
        unit=Unit.objects.get(code="610102001"),
        name="王小明",
        id_number=XIYILU_NUMBER,
        phone="13812345678",
        address="西安市新城区西一路88号",
    )
    weiqu = services.person_create(
        actor=None,
        unit=Unit.objects.get(code="610116001"),
        name="李小红",
        id_number=WEIQU_NUMBER,
        phone="13987654321",
        address="西安市长安区韦曲街道1号",
    )
    return xiyilu, weiqu


def lookup(client, number, id_type="RESIDENT_ID"):
    return client.post(
        "/api/v1/people/lookup/",
        {"id_type": id_type, "id_number": number},
        content_type="application/json",
    )


def test_the_list_shows_masked_values_only(client_for, office_clerk, people):
    # when
    response = client_for(office_clerk).get("/api/v1/people/")
    # then
    assert response.status_code == 200
    text = response.content.decode()
    assert not FULL_ID.search(text)
    assert not FULL_PHONE.search(text)
    assert "西一路88号" not in text
    (person,) = response.json()["results"]
    assert person["id"] == str(people[0].public_id)
    assert person["id_number"] == XIYILU_NUMBER[:4] + "*" * 10 + XIYILU_NUMBER[-4:]
    assert person["phone"] == "138****5678"
    assert person["unit_code"] == "610102001"
    # the year only: a full date beside the masked number would give its hidden digits back
    assert person["birth_year"] == 1985
    assert "1985-03-14" not in text


def test_the_detail_is_masked_too(client_for, office_director, people):
    # when: even the director, who may reveal, gets masked values from the API
    response = client_for(office_director).get(f"/api/v1/people/{people[0].public_id}/")
    # then
    assert response.status_code == 200
    assert not FULL_ID.search(response.content.decode())


def test_another_offices_person_is_404(client_for, office_clerk, people):
    # when
    response = client_for(office_clerk).get(f"/api/v1/people/{people[1].public_id}/")
    # then
    assert response.status_code == 404


def test_the_district_sees_its_offices_people(client_for, district_reviewer, people):
    # when
    response = client_for(district_reviewer).get("/api/v1/people/")
    # then
    assert [p["id"] for p in response.json()["results"]] == [str(people[0].public_id)]


@pytest.mark.parametrize("role_user", ["sysadmin", "secadmin", "auditadmin"])
def test_administrators_see_no_people(client_for, people, role_user, request):
    # when
    response = client_for(request.getfixturevalue(role_user)).get("/api/v1/people/")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_lookup_finds_by_number(client_for, office_clerk, people):
    # when
    response = lookup(client_for(office_clerk), XIYILU_NUMBER)
    # then
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [str(people[0].public_id)]
    assert not FULL_ID.search(response.content.decode())


def test_lookup_normalises_a_lower_case_check_letter(client_for, office_clerk, demo):
    # given: a number whose check character is X
    seq = next(
        s for s in range(200) if synthetic_id_number("610102", date(1970, 1, 1), s, True)[-1] == "X"
    )
    number = synthetic_id_number("610102", date(1970, 1, 1), seq, True)
    services.person_create(
        actor=None, unit=Unit.objects.get(code="610102001"), name="赵六", id_number=number
    )
    # when
    response = lookup(client_for(office_clerk), number.lower())
    # then
    assert len(response.json()) == 1


def test_lookup_of_another_offices_number_is_empty(client_for, office_clerk, people):
    # when
    response = lookup(client_for(office_clerk), WEIQU_NUMBER)
    # then: the same answer as for a number nobody has
    assert response.status_code == 200
    assert response.json() == []
    assert lookup(client_for(office_clerk), "610102199001010000").json() == []


def test_lookup_is_post_only(client_for, office_clerk, people):
    # when
    response = client_for(office_clerk).get("/api/v1/people/lookup/", {"id_number": XIYILU_NUMBER})
    # then
    assert response.status_code == 405


def test_lookup_needs_a_number(client_for, office_clerk, demo):
    # when
    response = client_for(office_clerk).post(
        "/api/v1/people/lookup/", {}, content_type="application/json"
    )
    # then
    assert response.status_code == 400
    assert "id_number" in response.json()


def test_anonymous_lookup_is_401(client, people):
    # when
    response = lookup(client, XIYILU_NUMBER)
    # then
    assert response.status_code == 401


def test_people_cannot_be_deleted_through_the_api(client_for, office_director, people):
    # when
    response = client_for(office_director).delete(f"/api/v1/people/{people[0].public_id}/")
    # then
    assert response.status_code == 405


NEW_NUMBER = synthetic_id_number("610102", date(1979, 11, 2), 3, male=False)


def create(client, key=None, **fields):
    body = {"name": "赵新", "id_number": NEW_NUMBER, "phone": "13611112222", **fields}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/people/", body, content_type="application/json", **headers)


def test_post_registers_a_person_in_the_callers_unit(client_for, office_clerk):
    # when
    response = create(client_for(office_clerk))
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["unit_code"] == "610102001"
    assert body["id_number"] != NEW_NUMBER  # masked on the way out too
    assert Person.objects.filter(public_id=body["id"]).exists()


def test_a_retry_with_the_same_key_creates_nothing_new(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    first = create(client, key="retry-1")
    # when
    second = create(client, key="retry-1")
    # then
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Person.objects.filter(name="赵新").count() == 1


def test_the_same_key_with_other_content_is_422(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    create(client, key="retry-2")
    # when
    response = create(client, key="retry-2", name="别人")
    # then
    assert response.status_code == 422


def test_a_bad_id_number_is_400_naming_the_field(client_for, office_clerk):
    # when
    response = create(client_for(office_clerk), id_number="610102197911020000")
    # then
    assert response.status_code == 400
    assert "id_number" in response.json()


@pytest.mark.parametrize("username", ["sysadmin", "city_officer", "xincheng_reviewer"])
def test_administrators_may_not_post_but_bureaus_may(client_for, demo, username):
    # given: administrators keep no ledger; bureaus register people at their own unit
    from sifasuo.accounts.models import User

    user = User.objects.get(username=username)
    # when
    response = create(client_for(user))
    # then: bureaus may create at their own unit; administrators may not
    expected = 403 if username == "sysadmin" else 201
    assert response.status_code == expected
