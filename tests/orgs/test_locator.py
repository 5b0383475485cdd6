"""The public office locator (given / when / then)."""

from __future__ import annotations

import re

import pytest

from sifasuo.orgs.models import Division, Unit

XINCHENG_TOWNS = [f"61010200{n}" for n in range(1, 10)]
BADGE = 'class="badge text-bg-warning"'


def _codes(response) -> list[str]:
    return [office.code for office in response.context["page_obj"]]


def test_the_locator_is_public_and_cacheable(client, demo):
    # when
    response = client.get("/locator/")
    # then
    assert response.status_code == 200
    assert response.get("Cache-Control") != "no-store"


def test_filter_by_district_gives_its_nine_offices(client, demo):
    # when
    response = client.get("/locator/", {"district": "610102"})
    # then
    assert response.status_code == 200
    assert response.context["result_count"] == 9
    assert _codes(response) == XINCHENG_TOWNS
    content = response.content.decode()
    assert "西一路街道司法所" in content
    assert "胡家庙街道司法所" in content
    assert "韦曲街道司法所" not in content


def test_filter_by_town(client, demo):
    # when
    response = client.get("/locator/", {"town": "610102001"})
    # then
    assert _codes(response) == ["610102001"]


def test_filter_by_name(client, demo):
    # when
    response = client.get("/locator/", {"q": "韦曲"})
    # then
    assert _codes(response) == ["610116001"]


def test_filter_by_address(client, demo):
    # given
    Unit.objects.filter(code="610102003").update(address="西安市新城区某某路99号")
    # when
    response = client.get("/locator/", {"q": "某某路"})
    # then
    assert _codes(response) == ["610102003"]


def test_an_office_serving_a_town_of_another_district_is_found_there_once(client, demo):
    # given: 韦曲 also serves a street of 新城区 (and another one of 长安区)
    weiqu = Unit.objects.get(code="610116001")
    weiqu.other_divisions.set(Division.objects.filter(code__in=["610102002", "610102003"]))
    # when
    by_district = client.get("/locator/", {"district": "610102"})
    by_town = client.get("/locator/", {"town": "610102002"})
    # then
    assert by_district.context["result_count"] == 10
    assert _codes(by_district).count("610116001") == 1
    assert _codes(by_town) == ["610102002", "610116001"]


def test_inactive_offices_are_not_listed(client, demo):
    # given
    Unit.objects.filter(code="610102009").update(is_active=False)
    # when
    response = client.get("/locator/", {"district": "610102"})
    # then
    assert "610102009" not in _codes(response)
    assert response.context["result_count"] == 8


def test_only_offices_are_listed(client, demo):
    # when
    response = client.get("/locator/", {"town": "610102001"})
    # then: not the committee of the same town
    assert "610102001T01" not in _codes(response)


def test_towns_of_a_district(client, demo):
    # when
    response = client.get("/locator/towns/", {"district": "610102"})
    # then
    assert response.status_code == 200
    values = re.findall(r'<option value="(\d+)"', response.content.decode())
    assert values == XINCHENG_TOWNS
    assert '<option value="">' in response.content.decode()


def test_the_demo_contact_badge_shows_only_on_synthetic_contacts(client, demo):
    # given
    Unit.objects.filter(code="610102001").update(is_demo_contact=False)
    # when
    content = client.get("/locator/", {"district": "610102"}).content.decode()
    # then
    assert content.count(BADGE) == 8
    card = content.split("西一路街道司法所", 1)[1].split("</article>", 1)[0]
    assert BADGE not in card
    assert "演示联系方式（虚构）" in content


def test_an_unknown_district_is_a_form_error(client, demo):
    # when
    response = client.get("/locator/", {"district": "999999"})
    # then
    assert response.status_code == 200
    assert "district" in response.context["form"].errors


@pytest.mark.parametrize("query", ["district=999999", "district=610102&town=610113007", "town=123"])
def test_a_filter_that_matches_no_district_or_town_lists_nothing_and_says_why(client, demo, query):
    # when
    response = client.get(f"/locator/?{query}")
    # then
    assert response.status_code == 200
    assert response.context["result_count"] == 0
    assert response.context["form"].errors
