"""Pages of the resettlement ledger: status codes, scope, one audit row per read, exports."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from sifasuo.core.models import AuditEvent
from sifasuo.core.todos import todos_for
from sifasuo.resettlement.models import ReleasedPerson, VisitationRequest
from tests.resettlement import factories
from tests.resettlement.factories import today

pytestmark = pytest.mark.django_db


def _views(rp) -> int:
    return AuditEvent.objects.filter(
        action="view", outcome="SUCCESS", object_id=str(rp.public_id)
    ).count()


def test_every_read_of_a_file_writes_one_audit_row(client_for, office_clerk):
    # given
    rp = factories.assisting(actor=office_clerk)
    client = client_for(office_clerk)
    # when
    first = client.get(rp.get_absolute_url())
    second = client.get(rp.get_absolute_url())
    # then
    assert first.status_code == second.status_code == 200
    assert _views(rp) == 2
    row = AuditEvent.objects.filter(action="view", object_id=str(rp.public_id)).first()
    assert row.changes == {}
    assert rp.person.name not in str(row.__dict__)
    body = first.content.decode()
    assert factories.CRIME not in body
    assert rp.person.id_number not in body
    assert rp.person.id_number_masked in body
    assert first["Cache-Control"].startswith("no-store") or "no-store" in first["Cache-Control"]


def test_another_office_gets_404_and_sees_nothing(client_for, office_clerk, other_clerk):
    # given
    rp = factories.assisting(actor=office_clerk)
    client = client_for(other_clerk)
    # then
    for url in (
        rp.get_absolute_url(),
        f"/resettlement/persons/{rp.public_id}/edit/",
        f"/api/v1/resettlement/persons/{rp.public_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/resettlement/persons/{rp.public_id}/steps/visit/").status_code == 404
    listing = client.get("/resettlement/persons/")
    assert rp.person.name not in listing.content.decode()
    assert listing.context["result_count"] == 0
    export = client.get("/resettlement/persons/?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 1
    api = client.get("/api/v1/resettlement/persons/")
    assert api.json()["count"] == 0
    search = client.post(
        "/resettlement/persons/search/",
        {"id_type": rp.person.id_type, "id_number": rp.person.id_number},
    )
    results = client.get(search["Location"])
    assert results.context["result_count"] == 0
    assert _views(rp) == 0


def test_a_mediator_sees_nothing(client_for, office_clerk, mediator):
    rp = factories.assisting(actor=office_clerk)
    client = client_for(mediator)
    assert client.get(rp.get_absolute_url()).status_code == 404
    assert client.get("/resettlement/persons/").context["result_count"] == 0


def test_the_list_filters_and_pins_its_queries(
    client_for, office_clerk, district_reviewer, django_assert_max_num_queries
):
    # given: an overdue key person, a file in order, an awaiting one
    key = factories.awaiting(actor=office_clerk, released_on=today() - timedelta(days=2), key=True)
    factories.assisting(actor=office_clerk, name="钱七", days_ago=2)
    factories.awaiting(actor=office_clerk, name="孙八", notice_received_on=today())
    client = client_for(office_clerk)
    # then
    with django_assert_max_num_queries(14):
        response = client.get("/resettlement/persons/")
    assert response.context["result_count"] == 3
    assert client.get("/resettlement/persons/?key_person=on").context["result_count"] == 1
    overdue = client.get("/resettlement/persons/?overdue=on")
    assert [r.pk for r in overdue.context["page_obj"]] == [key.pk]
    assert client.get("/resettlement/persons/?status=AWAITING").context["result_count"] == 2
    assert client.get("/resettlement/persons/?office=610102001").context["result_count"] == 3
    district = client_for(district_reviewer).get("/resettlement/persons/?district=610102")
    assert district.context["result_count"] == 3
    assert client.get("/resettlement/persons/?district=610102").status_code == 404
    assert client.get("/resettlement/persons/?office=610116001").status_code == 404
    assert client.get("/resettlement/persons/?release_type=DETENTION").context["result_count"] == 0


def test_exact_search_by_id_is_a_post_with_a_token(client_for, office_clerk):
    rp = factories.assisting(actor=office_clerk)
    client = client_for(office_clerk)
    response = client.post(
        "/resettlement/persons/search/",
        {"id_type": rp.person.id_type, "id_number": rp.person.id_number},
    )
    assert response.status_code == 302
    assert rp.person.id_number not in response["Location"]
    results = client.get(response["Location"])
    assert [r.pk for r in results.context["page_obj"]] == [rp.pk]
    assert AuditEvent.objects.filter(action="search").count() == 1


def test_the_export_masks_unless_revealed_with_a_reason(client_for, office_clerk, office_director):
    rp = factories.assisting(actor=office_clerk)
    masked = client_for(office_clerk).get("/resettlement/persons/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(masked.content)).active.iter_rows(values_only=True))
    text = repr(rows)
    assert rp.person.id_number not in text
    assert factories.CRIME not in text
    assert rp.person.id_number_masked in text
    # a clerk may not export unmasked
    assert (
        client_for(office_clerk)
        .get("/resettlement/persons/?export=xlsx&reveal=1&reason=核对")
        .status_code
        == 403
    )
    director = client_for(office_director)
    assert director.get("/resettlement/persons/?export=xlsx&reveal=1").status_code == 400
    plain = director.get("/resettlement/persons/?export=xlsx&reveal=1&reason=报送公安核对")
    text = repr(list(load_workbook(io.BytesIO(plain.content)).active.iter_rows(values_only=True)))
    assert rp.person.id_number in text
    assert factories.CRIME in text
    reveal = AuditEvent.objects.filter(action="reveal", outcome="SUCCESS").get()
    assert reveal.reason == "报送公安核对"
    assert AuditEvent.objects.filter(action="export").count() == 2


def test_reveal_on_the_page(client_for, office_clerk, office_director):
    rp = factories.assisting(actor=office_clerk)
    url = f"/resettlement/persons/{rp.public_id}/reveal/"
    assert client_for(office_clerk).post(url, {"field": "crime", "reason": "看"}).status_code == 403
    response = client_for(office_director).post(url, {"field": "crime", "reason": "核对"})
    assert response.status_code == 200
    assert factories.CRIME in response.content.decode()
    assert client_for(office_director).post(url, {"field": "crime"}).status_code == 400


def test_register_a_notice_through_the_page_once(client_for, office_clerk):
    client = client_for(office_clerk)
    page = client.get("/resettlement/persons/new/")
    assert page.status_code == 200
    token = page.context["form"].initial["form_token"]
    data = {
        "form_token": token,
        "office": page.context["form"].fields["office"].queryset.get().pk,
        "name": "郑重点",
        "id_type": "RESIDENT_ID",
        "id_number": factories.id_number(),
        "release_type": "PRISON",
        "released_on": (today() + timedelta(days=25)).isoformat(),
        "prison": "陕西省监狱",
        "crime": "抢劫罪",
        "sentence": "有期徒刑五年",
        "is_key_person": "on",
        "notice_received_on": today().isoformat(),
    }
    first = client.post("/resettlement/persons/new/", data)
    second = client.post("/resettlement/persons/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert ReleasedPerson.objects.count() == 1
    assert ReleasedPerson.objects.get().is_key_person


def test_a_step_through_the_page_and_a_refusal_on_the_form(client_for, office_clerk):
    rp = factories.assisting(actor=office_clerk, days_ago=3)
    client = client_for(office_clerk)
    url = f"/resettlement/persons/{rp.public_id}/steps/visit/"
    ok = client.post(
        url,
        {"visited_on": today().isoformat(), "method": "HOME", "visitors": "刘干事", "notes": ""},
    )
    assert ok.status_code == 302
    assert rp.visits.count() == 1
    refused = client.post(
        url,
        {
            "visited_on": (today() - timedelta(days=30)).isoformat(),
            "method": "HOME",
            "visitors": "刘干事",
        },
    )
    assert refused.status_code == 200
    assert refused.context["steps"]
    assert rp.visits.count() == 1


def test_a_district_officer_reads_but_does_not_open_files(
    client_for, office_clerk, district_reviewer, city_officer
):
    rp = factories.assisting(actor=office_clerk)
    assert client_for(district_reviewer).get(rp.get_absolute_url()).status_code == 200
    assert client_for(district_reviewer).get("/resettlement/persons/new/").status_code == 403
    assert client_for(city_officer).get(rp.get_absolute_url()).status_code == 200
    edit = client_for(city_officer).get(f"/resettlement/persons/{rp.public_id}/edit/")
    assert edit.status_code == 403


def test_deadlines_reach_the_office_to_do_list(office_clerk, office_director, district_reviewer):
    rp = factories.awaiting(actor=office_clerk, released_on=today() - timedelta(days=1), key=True)
    titles = [t for t in todos_for(office_clerk) if rp.get_absolute_url() == t.url]
    assert titles
    assert any(t.overdue for t in titles)
    assert any(t.url == rp.get_absolute_url() for t in todos_for(office_director))
    assert not [t for t in todos_for(district_reviewer) if t.url == rp.get_absolute_url()]


def test_visitation_pages(client_for, office_clerk, other_clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(office_clerk)
    page = client.get("/resettlement/visitations/new/")
    assert page.status_code == 200
    data = {
        "form_token": page.context["form"].initial["form_token"],
        "applicant_name": "李秀英",
        "prisoner_name": "李强",
        "prison": "陕西省监狱",
        "relationship": "PARENT",
        "visitor_1_name": "李一",
        "visitor_1_relationship": "PARENT",
        "proof": factories.png(),
    }
    created = client.post("/resettlement/visitations/new/", data)
    assert created.status_code == 302
    request = VisitationRequest.objects.get()
    assert client.get(created["Location"]).status_code == 200
    forward = client.post(
        f"/resettlement/visitations/{request.public_id}/steps/forward/",
        {"forwarded_on": today().isoformat()},
    )
    assert forward.status_code == 302
    request.refresh_from_db()
    assert request.status == "FORWARDED"
    assert client_for(other_clerk).get(created["Location"]).status_code == 404
    assert client.get("/resettlement/visitations/").context["result_count"] == 1
    assert client_for(other_clerk).get("/resettlement/visitations/").context["result_count"] == 0


def test_coverage_page(client_for, office_clerk, district_reviewer, city_officer):
    client = client_for(office_clerk)
    assert client.get("/resettlement/coverage/610102001/edit/").status_code == 200
    saved = client.post(
        "/resettlement/coverage/610102001/edit/",
        {"installed": "on", "installed_on": today().isoformat(), "terminal_location": "一楼"},
    )
    assert saved.status_code == 302
    district = client_for(district_reviewer).get("/resettlement/coverage/")
    assert district.status_code == 200
    assert district.context["installed"] == 1
    assert district.context["total"] > 1
    assert client_for(district_reviewer).get(
        "/resettlement/coverage/610102001/edit/"
    ).status_code in (200, 403)
    assert client_for(city_officer).get("/resettlement/coverage/?export=xlsx").status_code == 200
    assert client_for(office_clerk).get("/resettlement/coverage/610116001/edit/").status_code == 404
