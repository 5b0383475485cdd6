"""Person registry pages: scope, masking, search without numbers in URLs, reveal, forms."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from sifasuo.core.choices import AuditOutcome
from sifasuo.core.models import AuditEvent
from sifasuo.people import services
from sifasuo.people.choices import IdType
from sifasuo.people.demo import create_demo_people
from sifasuo.people.models import Person

XIYILU_ID = "610102199003071238"
XIYILU_PHONE = "13812345678"
WEIQU_ID = "610116198506122344"
WEIQU_PHONE = "13987654321"
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")
FULL_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


@pytest.fixture
def xiyilu_person(office_clerk):
    return services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name="西一路甲",
        id_number=XIYILU_ID,
        phone=XIYILU_PHONE,
        address="西安市新城区西一路88号",
    )


@pytest.fixture
def weiqu_person(other_clerk):
    return services.person_create(
        actor=other_clerk,
        unit=other_clerk.unit,
        name="韦曲乙",
        id_number=WEIQU_ID,
        phone=WEIQU_PHONE,
    )


def _form_data(**fields):
    return {
        "name": "王五",
        "id_type": IdType.RESIDENT_ID,
        "id_number": "11010519491231002X",
        "sex": "U",
        "birth_date": "",
        "phone": "13700000000",
        "address": "",
        "form_token": "form-token-1",
    } | fields


def test_the_list_shows_only_people_in_scope(client_for, other_clerk, xiyilu_person, weiqu_person):
    # when
    response = client_for(other_clerk).get("/people/")
    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert "韦曲乙" in content
    assert "西一路甲" not in content
    assert list(response.context["page_obj"]) == [weiqu_person]


def test_the_district_reviewer_sees_the_office_below(
    client_for, district_reviewer, xiyilu_person, weiqu_person
):
    # when
    response = client_for(district_reviewer).get("/people/")
    # then
    assert list(response.context["page_obj"]) == [xiyilu_person]


def test_another_offices_person_is_404(client_for, other_clerk, xiyilu_person):
    # when
    response = client_for(other_clerk).get(f"/people/{xiyilu_person.public_id}/")
    # then
    assert response.status_code == 404


def test_the_detail_page_shows_masked_values(client_for, office_clerk, xiyilu_person):
    # when
    response = client_for(office_clerk).get(f"/people/{xiyilu_person.public_id}/")
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "6101**********1238" in content
    assert "138****5678" in content
    assert XIYILU_ID not in content
    assert XIYILU_PHONE not in content
    assert response["Cache-Control"] == "no-store"
    assert 'name="reason"' not in content  # a clerk gets no reveal buttons


def test_the_list_html_has_no_full_id_number_or_phone(client_for, office_clerk, office_director):
    # given: the demo people of several offices
    create_demo_people(per_office=3, offices=4)
    people = list(Person.objects.visible_to(office_director))
    assert people
    # when
    content = client_for(office_director).get("/people/").content.decode()
    # then
    assert not FULL_ID.search(content)
    assert not FULL_MOBILE.search(content)
    for person in people:
        assert person.id_number not in content
        assert person.phone not in content
        assert person.id_number_masked in content


def test_the_export_holds_masked_values_only(client_for, office_clerk, xiyilu_person):
    # when
    response = client_for(office_clerk).get("/people/?export=xlsx")
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "6101**********1238" in cells
    assert XIYILU_ID not in " ".join(cells)
    assert XIYILU_PHONE not in " ".join(cells)
    assert AuditEvent.objects.filter(action="export", object_type="people.person").exists()


def test_search_by_id_number_redirects_to_an_opaque_token(client_for, office_clerk, xiyilu_person):
    # given
    client = client_for(office_clerk)
    # when
    response = client.post(
        "/people/search/", {"id_type": IdType.RESIDENT_ID, "id_number": XIYILU_ID}
    )
    # then
    assert response.status_code == 302
    location = response["Location"]
    assert re.fullmatch(r"/people/search/[A-Za-z0-9_-]+/", location)
    assert XIYILU_ID not in location
    assert XIYILU_ID[-6:] not in location
    results = client.get(location)
    assert list(results.context["page_obj"]) == [xiyilu_person]
    assert XIYILU_ID not in results.content.decode()


def test_search_finds_the_number_typed_loosely(client_for, office_clerk, xiyilu_person):
    # given
    client = client_for(office_clerk)
    # when
    response = client.post(
        "/people/search/",
        {"id_type": IdType.RESIDENT_ID, "id_number": "６１０１０２ 19900307 1238"},
        follow=True,
    )
    # then
    assert list(response.context["page_obj"]) == [xiyilu_person]


def test_search_does_not_find_people_out_of_scope(client_for, other_clerk, xiyilu_person):
    # when
    response = client_for(other_clerk).post(
        "/people/search/", {"id_type": IdType.RESIDENT_ID, "id_number": XIYILU_ID}, follow=True
    )
    # then
    assert list(response.context["page_obj"]) == []


def test_search_is_post_only(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get(f"/people/search/?id_number={XIYILU_ID}")
    # then
    assert response.status_code == 405


def test_a_search_token_of_another_session_is_404(client_for, office_clerk, xiyilu_person):
    # given
    location = client_for(office_clerk).post(
        "/people/search/", {"id_type": IdType.RESIDENT_ID, "id_number": XIYILU_ID}
    )["Location"]
    # when
    response = client_for(office_clerk).get(location)
    # then
    assert response.status_code == 404


def test_a_clerk_may_not_reveal(client_for, office_clerk, xiyilu_person):
    # when
    response = client_for(office_clerk).post(
        f"/people/{xiyilu_person.public_id}/reveal/", {"field": "id_number", "reason": "核对"}
    )
    # then
    assert response.status_code == 403
    assert XIYILU_ID not in response.content.decode()
    event = AuditEvent.objects.get(action="reveal", object_id=str(xiyilu_person.public_id))
    assert event.outcome == AuditOutcome.DENIED
    assert event.actor == office_clerk


def test_a_director_reveals_with_a_reason(client_for, office_director, xiyilu_person):
    # when
    response = client_for(office_director).post(
        f"/people/{xiyilu_person.public_id}/reveal/",
        {"field": "id_number", "reason": "调解需核对身份"},
    )
    # then
    assert response.status_code == 200
    assert XIYILU_ID in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="reveal", object_id=str(xiyilu_person.public_id))
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.reason == "调解需核对身份"
    assert event.actor == office_director


def test_a_director_without_a_reason_gets_400(client_for, office_director, xiyilu_person):
    # when
    response = client_for(office_director).post(
        f"/people/{xiyilu_person.public_id}/reveal/", {"field": "phone", "reason": ""}
    )
    # then
    assert response.status_code == 400
    assert XIYILU_PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_reveal_of_another_offices_person_is_404(client_for, other_clerk, xiyilu_person):
    # when
    response = client_for(other_clerk).post(
        f"/people/{xiyilu_person.public_id}/reveal/", {"field": "phone", "reason": "核对"}
    )
    # then
    assert response.status_code == 404


def test_reveal_is_post_only(client_for, office_director, xiyilu_person):
    # when
    response = client_for(office_director).get(
        f"/people/{xiyilu_person.public_id}/reveal/?field=phone&reason=x"
    )
    # then
    assert response.status_code == 405


def test_the_create_form_registers_a_person(client_for, office_clerk):
    # when
    response = client_for(office_clerk).post("/people/new/", _form_data())
    # then
    person = Person.objects.get(name="王五")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.public_id}/"
    assert person.unit == office_clerk.unit


def test_a_double_submit_creates_one_person(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    # when
    first = client.post("/people/new/", _form_data())
    second = client.post("/people/new/", _form_data())
    # then
    assert Person.objects.filter(name="王五").count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_the_create_form_shows_a_bad_checksum_on_its_field(client_for, office_clerk):
    # when
    with translation.override("zh-hans"):
        response = client_for(office_clerk).post(
            "/people/new/", _form_data(id_number="110105194912310021")
        )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert "居民身份证号码无效" in response.content.decode()
    assert not Person.objects.filter(name="王五").exists()


def test_a_user_without_a_unit_role_may_not_register(client_for, sysadmin):
    # when
    response = client_for(sysadmin).get("/people/new/")
    # then
    assert response.status_code == 403


def test_a_stale_edit_shows_the_conflict(client_for, office_clerk, xiyilu_person):
    # given: the form was loaded at version 1, then someone else saved
    services.person_update(
        actor=office_clerk, person=xiyilu_person, version=1, address="西安市新城区西一路1号"
    )
    data = _form_data(
        name="过时的修改", id_number=XIYILU_ID, phone=XIYILU_PHONE, version="1", form_token=""
    )
    # when
    response = client_for(office_clerk).post(f"/people/{xiyilu_person.public_id}/edit/", data)
    # then
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = translation.gettext(
            "This record was changed by someone else after you opened it. "
            "Reload it and make your change again."
        )
    assert escape(expected) in response.content.decode()
    kept = Person.objects.get(pk=xiyilu_person.pk)
    assert kept.name == "西一路甲"
    assert kept.address == "西安市新城区西一路1号"
    assert kept.version == 2


def test_a_current_edit_is_saved(client_for, office_clerk, xiyilu_person):
    # given
    data = _form_data(name="新名字", id_number=XIYILU_ID, phone=XIYILU_PHONE, version="1")
    # when
    response = client_for(office_clerk).post(f"/people/{xiyilu_person.public_id}/edit/", data)
    # then
    assert response.status_code == 302
    assert Person.objects.get(pk=xiyilu_person.pk).name == "新名字"


def test_another_office_cannot_edit(client_for, other_clerk, xiyilu_person):
    # when
    response = client_for(other_clerk).get(f"/people/{xiyilu_person.public_id}/edit/")
    # then
    assert response.status_code == 404


def test_the_edit_page_never_shows_the_stored_number_phone_or_address(
    client_for, office_clerk, xiyilu_person
):
    # when: a clerk (who may change but not reveal) opens the edit form
    html = client_for(office_clerk).get(f"/people/{xiyilu_person.public_id}/edit/").content
    text = html.decode()
    # then: only the masked hints are there
    assert XIYILU_ID not in text
    assert XIYILU_PHONE not in text
    assert "西一路88号" not in text
    assert xiyilu_person.id_number_masked in text


def test_an_empty_sensitive_field_keeps_its_value_and_clear_removes_it(
    client_for, office_clerk, xiyilu_person
):
    # given: the form sent back with the sensitive fields left empty, the address cleared
    data = _form_data(name="西一路甲", id_number="", phone="", address="", version="1")
    data["clear"] = ["address"]
    # when
    response = client_for(office_clerk).post(f"/people/{xiyilu_person.public_id}/edit/", data)
    # then
    assert response.status_code == 302
    kept = Person.objects.get(pk=xiyilu_person.pk)
    assert kept.id_number == XIYILU_ID
    assert kept.phone == XIYILU_PHONE
    assert kept.address == ""


def test_a_birth_date_left_empty_on_edit_is_kept(client_for, office_clerk):
    # given: a passport holder, whose birth date is typed, not derived
    from datetime import date

    person = services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name="护照持有人",
        id_type=IdType.PASSPORT,
        id_number="E12345678",
        birth_date=date(1990, 5, 6),
    )
    data = _form_data(
        name="护照持有人", id_type=IdType.PASSPORT, id_number="", phone="", version="1"
    )
    # when
    response = client_for(office_clerk).post(f"/people/{person.public_id}/edit/", data)
    # then
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).birth_date == date(1990, 5, 6)


def test_date_inputs_carry_iso_values_in_chinese(client_for, office_clerk):
    # given: a form bound to a date, rendered in the default (Chinese) language
    from datetime import date

    from sifasuo.people.forms import PersonForm

    with translation.override("zh-hans"):
        rendered = str(PersonForm(initial={"birth_date": date(1990, 5, 6)})["birth_date"])
    # then: the browser's date input understands only YYYY-MM-DD
    assert 'value="1990-05-06"' in rendered
