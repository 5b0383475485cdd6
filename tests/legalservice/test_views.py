"""The public legal service pages: lists, exports, forms, answer, steps, scope."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from sifasuo.core.models import AuditEvent
from sifasuo.core.todos import todos_for
from sifasuo.legalservice.choices import ConsultationStatus, LegalAidStatus
from sifasuo.legalservice.models import Appointment, Consultation, LegalAidApplication
from tests.legalservice import factories

pytestmark = pytest.mark.django_db


def test_the_consultation_list_filters_and_pins_its_queries(
    client_for, office_clerk, django_assert_max_num_queries
):
    # given
    for _ in range(3):
        factories.consultation(actor=office_clerk, person=factories.person())
    factories.online_consultation(days_ago=10)
    client = client_for(office_clerk)
    # when
    with django_assert_max_num_queries(14):
        response = client.get("/legalservice/consultations/")
    overdue = client.get("/legalservice/consultations/?overdue=on")
    # then
    assert response.status_code == 200
    assert response.context["result_count"] == 4
    assert overdue.context["result_count"] == 1


def test_the_list_of_another_office_is_empty_and_its_code_404(client_for, other_clerk):
    # given
    factories.consultation()
    client = client_for(other_clerk)
    # then
    assert client.get("/legalservice/consultations/").context["result_count"] == 0
    assert client.get("/legalservice/consultations/?office=610102001").status_code == 404


def test_export_is_masked_and_audited(client_for, office_clerk):
    # given
    person = factories.person()
    factories.consultation(actor=office_clerk, person=person)
    # when
    response = client_for(office_clerk).get("/legalservice/consultations/?export=xlsx")
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "咨询日期"
    assert person.id_number not in str(rows)
    assert person.id_number_masked in str(rows)
    assert AuditEvent.objects.filter(
        action="export", object_type="legalservice.consultation"
    ).exists()


def test_recording_a_walk_in_consultation_is_idempotent(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    form = client.get("/legalservice/consultations/new/").context["form"]
    data = {
        "form_token": form.initial["form_token"],
        "office": factories.office().pk,
        "channel": "WALK_IN",
        "received_on": timezone.localdate().isoformat(),
        "topic": factories.topic().pk,
        "question": "加班费怎么算？",
        "person_name": "冯来访",
        "person_id_type": "RESIDENT_ID",
        "person_id_number": factories.id_number(),
        "answer": "按劳动法第四十四条计算。",
        "duration_minutes": "20",
        "referral": "ARBITRATION",
        "referral_note": "劳动仲裁委",
    }
    # when
    first = client.post("/legalservice/consultations/new/", data)
    second = client.post("/legalservice/consultations/new/", data)
    # then
    assert first.status_code == 302
    assert second.status_code == 302
    assert first["Location"] == second["Location"]
    c = Consultation.objects.get(question="加班费怎么算？")
    assert c.person.name == "冯来访"
    assert c.referral == "ARBITRATION"
    assert c.status == ConsultationStatus.ANSWERED


def test_a_bad_document_number_is_shown_on_its_field(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    form = client.get("/legalservice/consultations/new/").context["form"]
    # when
    response = client.post(
        "/legalservice/consultations/new/",
        {
            "form_token": form.initial["form_token"],
            "office": factories.office().pk,
            "channel": "WALK_IN",
            "received_on": timezone.localdate().isoformat(),
            "topic": factories.topic().pk,
            "question": "?",
            "person_name": "错号码",
            "person_id_type": "RESIDENT_ID",
            "person_id_number": "610102199001011234",
        },
    )
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["person_id_number"]
    assert not Consultation.objects.filter(question="?").exists()


def test_the_answer_page_contract(client_for, office_clerk):
    # given: an online consultation, as the portal's browser test finds it
    c = factories.online_consultation()
    client = client_for(office_clerk)
    page = client.get(f"/legalservice/consultations/{c.public_id}/").content.decode()
    assert f'action="/legalservice/consultations/{c.public_id}/answer/"' in page
    assert 'id="id_answer"' in page
    assert 'id="id_duration_minutes"' in page
    assert 'id="id_referral"' in page
    # when
    response = client.post(
        f"/legalservice/consultations/{c.public_id}/answer/",
        {"answer": "可以申请仲裁。", "duration_minutes": "", "referral": ""},
        follow=True,
    )
    # then
    assert response.redirect_chain[-1][0] == f"/legalservice/consultations/{c.public_id}/"
    assert "alert-success" in response.content.decode()
    c.refresh_from_db()
    assert c.status == ConsultationStatus.ANSWERED


def test_an_empty_answer_re_renders_with_the_error(client_for, office_clerk):
    c = factories.online_consultation()
    response = client_for(office_clerk).post(
        f"/legalservice/consultations/{c.public_id}/answer/", {"answer": ""}
    )
    assert response.status_code == 200
    assert response.context["answer_form"].errors["answer"]


def test_the_other_office_gets_404_and_the_district_403(client_for, other_clerk, district_reviewer):
    # given
    c = factories.online_consultation()
    url = f"/legalservice/consultations/{c.public_id}/"
    # then
    assert client_for(other_clerk).get(url).status_code == 404
    assert client_for(district_reviewer).get(url).status_code == 200
    assert client_for(district_reviewer).post(url + "answer/", {"answer": "x"}).status_code == 403


def test_a_stale_edit_shows_the_message(client_for, office_clerk):
    # given
    c = factories.consultation(actor=office_clerk)
    client = client_for(office_clerk)
    data = {
        "version": c.version,
        "channel": "WALK_IN",
        "received_on": c.received_on.isoformat(),
        "topic": c.topic.pk,
        "question": "第一次修改",
        "answer": c.answer,
    }
    assert client.post(f"/legalservice/consultations/{c.public_id}/edit/", data).status_code == 302
    # when: the same version again
    with translation.override("en"):
        response = client.post(
            f"/legalservice/consultations/{c.public_id}/edit/",
            {**data, "question": "第二次"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    # then
    assert response.status_code == 400
    c.refresh_from_db()
    assert c.question == "第一次修改"


def test_the_legal_aid_page_explains_and_walks_the_steps(client_for, office_clerk):
    # given
    a = factories.legal_aid(actor=office_clerk)
    client = client_for(office_clerk)
    # when
    page = client.get(f"/legalservice/legal-aid/{a.public_id}/")
    # then
    assert page.status_code == 200
    assert len(page.context["criteria"]) == 4
    # when: materials, then transfer
    materials = a.case_type.material_list
    r1 = client.post(
        f"/legalservice/legal-aid/{a.public_id}/materials/",
        {"version": a.version, "materials": materials},
    )
    a.refresh_from_db()
    r2 = client.post(
        f"/legalservice/legal-aid/{a.public_id}/transfer/",
        {"version": a.version, "transferred_on": timezone.localdate().isoformat()},
    )
    # then
    assert r1.status_code == 302
    assert r2.status_code == 302
    a.refresh_from_db()
    assert a.status == LegalAidStatus.TRANSFERRED


def test_registering_a_pre_application(client_for, office_clerk):
    client = client_for(office_clerk)
    form = client.get("/legalservice/legal-aid/new/").context["form"]
    response = client.post(
        "/legalservice/legal-aid/new/",
        {
            "form_token": form.initial["form_token"],
            "office": factories.office().pk,
            "channel": "WALK_IN",
            "received_on": timezone.localdate().isoformat(),
            "person_name": "陈申请",
            "person_id_type": "RESIDENT_ID",
            "person_id_number": factories.id_number(),
            "case_type": factories.case_type("MAINTENANCE").pk,
            "matter": "子女不付赡养费",
            "household_size": "1",
            "monthly_household_income": "0",
            "exempt_categories": ["ELDERLY"],
        },
    )
    assert response.status_code == 302
    a = LegalAidApplication.objects.get(matter="子女不付赡养费")
    assert a.eligibility == "ELIGIBLE"
    assert a.person.name == "陈申请"


def test_booking_at_the_counter_and_recording_the_outcome(client_for, office_clerk):
    # given
    slot = factories.slot(actor=office_clerk, day=timezone.localdate())
    client = client_for(office_clerk)
    form = client.get("/legalservice/appointments/new/").context["form"]
    assert slot in form.fields["slot"].queryset
    # when
    response = client.post(
        "/legalservice/appointments/new/",
        {
            "form_token": form.initial["form_token"],
            "slot": slot.pk,
            "person_name": "黄预约",
            "person_phone": "13600009999",
            "matter": "咨询离婚",
        },
    )
    appointment = Appointment.objects.get(matter="咨询离婚")
    outcome = client.post(
        f"/legalservice/appointments/{appointment.public_id}/outcome/",
        {"version": appointment.version, "status": "KEPT"},
    )
    # then
    assert response.status_code == 302
    assert outcome.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "KEPT"


def test_slots_publish_page(client_for, office_clerk):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client_for(office_clerk).post(
        "/legalservice/slots/publish/",
        {
            "office": factories.office().pk,
            "service": "MEDIATION",
            "first_day": day,
            "last_day": day,
            "start_time": "09:00",
            "end_time": "10:00",
            "capacity": "2",
        },
    )
    assert response.status_code == 302


def test_window_log_pages(client_for, office_clerk):
    client = client_for(office_clerk)
    form = client.get("/legalservice/windows/new/").context["form"]
    from sifasuo.legalservice.models import ServiceWindow, WindowServiceLog

    response = client.post(
        "/legalservice/windows/new/",
        {
            "form_token": form.initial["form_token"],
            "office": factories.office().pk,
            "served_on": timezone.localdate().isoformat(),
            "window": ServiceWindow.objects.get(code="NOTARY").pk,
            "matter": "公证预约",
            "people_served": "2",
            "minutes": "20",
        },
    )
    assert response.status_code == 302
    assert WindowServiceLog.objects.filter(matter="公证预约").exists()
    assert client.get("/legalservice/windows/?export=xlsx").status_code == 200


def test_the_to_do_list_shows_online_questions_and_transfers(office_clerk, district_reviewer):
    # given
    factories.online_consultation(days_ago=10)
    factories.legal_aid(actor=office_clerk)
    # when
    items = todos_for(office_clerk)
    # then
    urls = [t.url for t in items]
    assert any("/legalservice/consultations/" in u for u in urls)
    assert any("/legalservice/legal-aid/" in u for u in urls)
    assert any(t.overdue for t in items if "/consultations/" in t.url)
    assert not [t for t in todos_for(district_reviewer) if "/legalservice/" in t.url]


def test_the_person_page_links_the_records(client_for, office_clerk):
    # given
    person = factories.person()
    factories.consultation(actor=office_clerk, person=person)
    client = client_for(office_clerk)
    # when
    page = client.get(f"/people/{person.public_id}/").content.decode()
    listing = client.get(f"/legalservice/people/{person.public_id}/consultations/")
    # then
    assert f"/legalservice/people/{person.public_id}/consultations/" in page
    assert listing.context["result_count"] == 1


def test_search_by_document_number_keeps_the_number_out_of_the_url(client_for, office_clerk):
    # given
    person = factories.person()
    factories.consultation(actor=office_clerk, person=person)
    client = client_for(office_clerk)
    # when
    response = client.post(
        "/legalservice/consultations/search/",
        {"id_type": "RESIDENT_ID", "id_number": person.id_number},
    )
    # then
    assert person.id_number not in response["Location"]
    assert client.get(response["Location"]).context["result_count"] == 1


def test_the_figures_page_and_its_drilldown(client_for, office_clerk):
    # given
    factories.consultation(actor=office_clerk)
    client = client_for(office_clerk)
    # when
    page = client.get("/legalservice/figures/")
    row = next(r for r in page.context["rows"] if r["measure"].code == "legalservice.consultations")
    drill = client.get(row["url"])
    # then
    assert row["value"] == 1
    assert drill.context["result_count"] == 1
    assert client.get("/legalservice/consultations/?measure=mediation.accepted").status_code == 404


def test_navigation_hides_the_group_from_mediators(client_for, mediator, office_clerk):
    from sifasuo.accounts.navigation import items_for

    def labels(user):
        return [str(i["label"]) for i in items_for(user)]

    with translation.override("en"):
        assert "Public legal services" in labels(office_clerk)
        assert "Public legal services" not in labels(mediator)
