"""The office profile pages as the 西一路 office, its district, the city and another office
meet them: returns, their parts, the import, honours and typical experiences."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from sifasuo.accounts.navigation import items_for
from sifasuo.core.models import Attachment, AuditEvent
from sifasuo.offices import services
from sifasuo.offices.choices import ExperienceStatus, RoomKind
from sifasuo.offices.models import Equipment, Honour, OfficeReturn, TypicalExperience
from sifasuo.people.models import Person
from sifasuo.staff.models import StaffMember, Training
from tests.offices import factories

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def form_token(response) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    assert match, "no form token on the page"
    return match.group(1)


def profile_data(office_return: OfficeReturn, **changes) -> dict:
    data = {
        "version": office_return.version,
        "business_area": "120.0",
        "ownership": "OWNED",
        "sign_emblem": "on",
        "sign_office_plaque": "on",
        "sign_station_plaque": "on",
        "establishment_quota": "1",
        "party_form": "JOINT",
        "remote_visit_installed_on": "2024-03-01",
        "video_conf_installed_on": "2024-03-01",
        "terminal_installed_on": "",
        "funding_personnel": "300000.00",
        "funding_public": "50000",
        "funding_casework": "20000",
        "funding_equipment": "10000",
        "funding_infrastructure": "5000",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_office_clerk_opens_fills_in_and_reads_a_return(
    client_for, office_clerk, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    client = client_for(office_clerk)
    office = factories.unit()
    page = client.get("/offices/returns/new/")
    assert page.status_code == 200
    # when: the return is opened, then each part is filled in through its page
    response = client.post(
        "/offices/returns/new/",
        {"form_token": form_token(page), "office": office.pk, "year": "2024"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    office_return = OfficeReturn.objects.get(unit=office, year=2024)
    assert response["Location"] == office_return.get_absolute_url()
    base = f"/offices/returns/{office_return.public_id}"
    assert client.get(f"{base}/edit/").status_code == 200
    response = client.post(f"{base}/edit/", profile_data(office_return))
    assert response.status_code == 302, response.content.decode()[:3000]
    rooms = {f"{kind}_present": "on" for kind in RoomKind.values}
    rooms[f"{RoomKind.MEDIATION}_area"] = "25.5"
    rooms[f"{RoomKind.MEDIATION}_photo"] = SimpleUploadedFile(
        "mediation-room.png", PNG_BYTES, content_type="image/png"
    )
    assert client.post(f"{base}/rooms/", rooms).status_code == 302
    page = client.get(f"{base}/staff/new/")
    number = factories.id_number()
    response = client.post(
        f"{base}/staff/new/",
        {
            "form_token": form_token(page),
            "id_type": "RESIDENT_ID",
            "id_number": number,
            "name": "杨帆",
            "sex": "M",
            "establishment": "POLITICS_LAW",
            "post": "DIRECTOR",
            "is_party_member": "on",
            "on_post_on": "2019-07-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member = StaffMember.objects.get(office_return=office_return)
    page = client.get(f"{base}/trainings/new/")
    response = client.post(
        f"{base}/trainings/new/",
        {
            "form_token": form_token(page),
            "person": member.person.pk,
            "course": "司法所长轮训",
            "start_date": "2024-04-08",
            "days": "12",
            "hours": "80",
            "level": "CITY",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    detail = client.get(office_return.get_absolute_url())
    # then: the whole return is on the page, with its checks computed from it
    html = detail.content.decode()
    assert detail.status_code == 200
    assert detail.context["can_change"] is True
    checks = {c.code: c for c in detail.context["sheet"].checks}
    assert checks["PREMISES_AREA"].passed
    assert checks["PREMISES_ROOMS"].passed
    assert checks["SIGNAGE"].passed
    assert checks["STAFF_FULL"].passed
    assert checks["STAFF_TRAINING"].passed
    assert checks["PARTY_ORG"].passed
    assert checks["FUNDING"].passed
    assert "PREMISES_AREA" in html
    assert "杨帆" in html
    assert number not in html
    assert member.person.id_number_masked in html
    photo = Attachment.objects.get(owner_type="offices.officeroom")
    assert f"/attachments/{photo.public_id}/" in html
    assert "25.5" in html
    assert "no-store" in detail.headers.get("Cache-Control", "")


def test_a_double_submit_opens_one_return(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    page = client.get("/offices/returns/new/")
    data = {"form_token": form_token(page), "office": factories.unit().pk, "year": "2023"}
    # when
    first = client.post("/offices/returns/new/", data)
    second = client.post("/offices/returns/new/", data)
    # then
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert OfficeReturn.objects.filter(unit__code=factories.OFFICE, year=2023).count() == 1


def test_a_new_return_copies_last_years_and_its_staff_still_on_post(client_for, office_clerk):
    # given: 2023 with two staff, one gone before the year ended, and equipment
    last = factories.office_return(year=2023, actor=office_clerk)
    stays = factories.staff_member(last, actor=office_clerk)
    factories.staff_member(last, off=date(2023, 6, 30), actor=office_clerk)
    services.equipment_add(actor=office_clerk, office_return=last, category="IT", name="电脑")
    client = client_for(office_clerk)
    page = client.get("/offices/returns/new/")
    # when
    response = client.post(
        "/offices/returns/new/",
        {
            "form_token": form_token(page),
            "office": last.unit.pk,
            "year": "2024",
            "copy_previous": "on",
        },
    )
    # then
    assert response.status_code == 302
    new = OfficeReturn.objects.get(unit=last.unit, year=2024)
    assert new.business_area == last.business_area
    assert new.rooms.filter(present=True).count() == 7
    assert list(new.staff.values_list("person", flat=True)) == [stays.person_id]
    assert new.equipment.get().name == "电脑"


def test_copying_a_year_that_has_no_return_is_refused(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    page = client.get("/offices/returns/new/")
    # when
    response = client.post(
        "/offices/returns/new/",
        {
            "form_token": form_token(page),
            "office": factories.unit().pk,
            "year": "2024",
            "copy_previous": "on",
        },
    )
    # then
    assert response.status_code == 400
    assert "2023" in response.content.decode()
    assert not OfficeReturn.objects.filter(unit__code=factories.OFFICE).exists()


def test_a_second_return_for_the_same_year_is_refused_on_the_form(client_for, office_clerk):
    # given
    factories.office_return(year=2024)
    client = client_for(office_clerk)
    page = client.get("/offices/returns/new/")
    # when
    response = client.post(
        "/offices/returns/new/",
        {"form_token": form_token(page), "office": factories.unit().pk, "year": "2024"},
    )
    # then
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


def test_another_office_gets_404_on_every_page_of_the_return(client_for, other_clerk):
    # given
    office_return = factories.office_return()
    member = factories.staff_member(office_return)
    client = client_for(other_clerk)
    base = f"/offices/returns/{office_return.public_id}"
    # when / then
    for url in (
        f"{base}/",
        f"{base}/edit/",
        f"{base}/rooms/",
        f"{base}/equipment/new/",
        f"{base}/systems/",
        f"{base}/staff/new/",
        f"{base}/trainings/new/",
        f"/offices/staff/{member.public_id}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/edit/", profile_data(office_return)).status_code == 404
    listed = client.get("/offices/returns/")
    assert listed.context["result_count"] == 0
    assert client.get("/offices/returns/?office=610102001").status_code == 404


def test_the_district_reads_the_return_but_may_not_edit_it(client_for, district_reviewer):
    # given
    office_return = factories.office_return()
    client = client_for(district_reviewer)
    base = f"/offices/returns/{office_return.public_id}"
    # when
    detail = client.get(f"{base}/")
    edit = client.get(f"{base}/edit/")
    post = client.post(f"{base}/edit/", profile_data(office_return, business_area="10"))
    rooms = client.get(f"{base}/rooms/")
    # then
    assert detail.status_code == 200
    assert detail.context["can_change"] is False
    assert "/edit/" not in detail.content.decode()
    assert edit.status_code == post.status_code == rooms.status_code == 403
    office_return.refresh_from_db()
    assert office_return.business_area == Decimal("150.0")
    assert AuditEvent.objects.filter(
        action="change", outcome="DENIED", object_id=str(office_return.public_id)
    ).exists()
    assert client.get("/offices/returns/new/").status_code == 403


def test_a_stale_edit_is_refused_and_changes_nothing(client_for, office_clerk):
    # given: someone saved the return after this page was loaded
    office_return = factories.office_return(actor=office_clerk)
    loaded = office_return.version
    services.return_update(actor=office_clerk, office_return=office_return, sign_guide=True)
    client = client_for(office_clerk)
    # when
    response = client.post(
        f"/offices/returns/{office_return.public_id}/edit/",
        profile_data(office_return, version=loaded, business_area="99.0"),
    )
    # then
    assert response.status_code == 400
    office_return.refresh_from_db()
    assert office_return.business_area == Decimal("150.0")


def test_a_stale_rooms_save_is_refused(client_for, office_clerk):
    # given: the rooms page was loaded, then someone else changed a room
    office_return = factories.office_return(actor=office_clerk, rooms=False)
    client = client_for(office_clerk)
    url = f"/offices/returns/{office_return.public_id}/rooms/"
    loaded = client.get(url).context["form"].initial["loaded"]
    services.rooms_set(
        actor=office_clerk, office_return=office_return, present={RoomKind.ARCHIVE: True}
    )
    # when
    stale = client.post(url, {"loaded": loaded, f"{RoomKind.DIRECTOR}_present": "on"})
    fresh = client.post(
        url,
        {
            "loaded": client.get(url).context["form"].initial["loaded"],
            f"{RoomKind.DIRECTOR}_present": "on",
        },
    )
    # then
    assert stale.status_code == 400
    assert "alert-danger" in stale.content.decode()
    assert fresh.status_code == 302
    present = set(office_return.rooms.filter(present=True).values_list("kind", flat=True))
    assert present == {RoomKind.DIRECTOR}


def test_equipment_and_a_management_system_with_its_document(
    client_for, office_clerk, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    office_return = factories.office_return(actor=office_clerk)
    client = client_for(office_clerk)
    base = f"/offices/returns/{office_return.public_id}"
    page = client.get(f"{base}/equipment/new/")
    # when
    added = client.post(
        f"{base}/equipment/new/",
        {
            "form_token": form_token(page),
            "category": "VEHICLE",
            "name": "执法执勤车",
            "quantity": "1",
            "acquired_on": "2021-05-01",
        },
    )
    system = client.post(
        f"{base}/systems/",
        {
            "kind": "SECRECY",
            "adopted_on": "2022-01-10",
            "document": SimpleUploadedFile("保密制度.png", PNG_BYTES, content_type="image/png"),
        },
    )
    bad = client.post(
        f"{base}/systems/",
        {
            "kind": "EMERGENCY",
            "document": SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10),
        },
    )
    # then
    assert added.status_code == system.status_code == 302
    assert Equipment.objects.get(office_return=office_return).category == "VEHICLE"
    adopted = office_return.systems.get(kind="SECRECY")
    assert adopted.adopted_on == date(2022, 1, 10)
    document = Attachment.objects.get(owner_type="offices.managementsystem")
    assert document.owner_id == str(adopted.pk)
    assert bad.status_code == 400
    assert not office_return.systems.filter(kind="EMERGENCY").exists()
    html = client.get(f"{base}/").content.decode()
    assert "执法执勤车" in html
    assert f"/attachments/{document.public_id}/" in html


def test_the_list_filters_by_district_office_and_year(client_for, city_officer):
    # given
    factories.office_return(year=2023)
    factories.office_return(year=2024)
    factories.office_return(office="610116001", year=2024)
    client = client_for(city_officer)
    # when
    everything = client.get("/offices/returns/")
    xincheng = client.get("/offices/returns/?district=610102")
    year = client.get("/offices/returns/?year=2024")
    office = client.get("/offices/returns/?office=610116001&year=2023")
    by_area = client.get("/offices/returns/?sort=-rooms_present")
    # then
    assert everything.context["result_count"] == 3
    assert xincheng.context["result_count"] == 2
    assert year.context["result_count"] == 2
    assert office.context["result_count"] == 0
    assert by_area.status_code == 200
    assert by_area.context["result_count"] == 3
    row = everything.context["rows"][0]
    assert row["r"].rooms_present == 7
    assert row["signage_ok"] is True


def test_the_list_keeps_a_constant_number_of_queries(client_for, office_clerk):
    # given: three returns with staff, then ten
    def returns(years):
        for year in years:
            r = factories.office_return(year=year)
            factories.staff_member(r)
            factories.staff_member(r, establishment="CONTRACT")

    client = client_for(office_clerk)
    returns(range(2022, 2025))
    client.get("/offices/returns/")
    with CaptureQueriesContext(connection) as few:
        response = client.get("/offices/returns/")
    assert response.context["result_count"] == 3
    returns(range(2012, 2019))
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get("/offices/returns/")
    # then
    assert response.context["result_count"] == 10
    assert len(many) == len(few)
    assert response.context["rows"][0]["staffing"].on_post == 2


def test_export_is_audited_and_counts_the_rows(client_for, district_reviewer):
    # given
    r = factories.office_return(year=2024, establishment_quota=3)
    factories.staff_member(r)
    factories.office_return(year=2023)
    client = client_for(district_reviewer)
    # when
    response = client.get("/offices/returns/?year=2024&export=xlsx")
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "司法所代码"
    assert len(rows) == 2
    assert rows[1][0] == "610102001"
    assert rows[1][-1] == 2  # quota 3, one on post: two vacant
    event = AuditEvent.objects.filter(action="export", object_type="offices.officereturn").get()
    assert event.changes == {"rows": 1}
    assert event.actor == district_reviewer


def _workbook(rows: dict[str, list[list]]) -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.active)
    for name, content in rows.items():
        sheet = book.create_sheet(name)
        for row in content:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "returns.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_the_import_page_gives_the_template_and_lists_every_error(client_for, office_clerk):
    # given
    from sifasuo.offices.workbook import SHEETS

    client = client_for(office_clerk)
    template = client.get("/offices/returns/import/?template=xlsx")
    assert template.status_code == 200
    assert set(load_workbook(io.BytesIO(template.content)).sheetnames) >= set(SHEETS)
    sheets = {name: [list(columns)] for name, columns in SHEETS.items()}
    basic = dict.fromkeys(SHEETS["基本情况"], "")
    basic.update({"司法所代码": "610102001", "年度": 2024, "业务用房面积": "很大"})
    sheets["基本情况"].append([basic[c] for c in SHEETS["基本情况"]])
    # when
    page = client.get("/offices/returns/import/")
    response = client.post("/offices/returns/import/", {"file": _workbook(sheets)})
    # then
    assert page.status_code == 200
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert errors
    html = response.content.decode()
    assert any(e.sheet == "基本情况" and e.row == 2 and e.column == "业务用房面积" for e in errors)
    for error in errors:
        assert error.message in html
    assert "业务用房面积" in html
    assert not OfficeReturn.objects.filter(unit__code="610102001").exists()


def test_a_damaged_workbook_gets_the_error_list_not_a_server_error(client_for, office_clerk):
    # given: the template whose first sheet's XML is cut off in its example row
    from sifasuo.offices.workbook import template_workbook

    source = zipfile.ZipFile(io.BytesIO(template_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: content.index(b'<row r="2"') + 30]
            target.writestr(info, content)
    client = client_for(office_clerk)
    client.raise_request_exception = False
    # when
    response = client.post(
        "/offices/returns/import/", {"file": SimpleUploadedFile("returns.xlsx", out.getvalue())}
    )
    # then
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [(e.sheet, e.row) for e in errors] == [("基本情况", 2)]
    assert errors[0].message in response.content.decode()
    assert not OfficeReturn.objects.filter(unit__code="610102001").exists()


def test_the_import_page_imports_a_good_workbook(client_for, office_clerk):
    # given: the template's own example, for 西一路
    from sifasuo.offices.workbook import template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        if "司法所代码" in header:
            for row in sheet.iter_rows(min_row=2):
                row[header.index("司法所代码")].value = "610102001"
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(office_clerk)
    # when
    response = client.post(
        "/offices/returns/import/",
        {"file": SimpleUploadedFile("returns.xlsx", buffer.getvalue())},
    )
    # then
    if response.status_code == 400:
        errors = response.context["result"].errors if response.context["result"] else []
        pytest.fail(f"the template's example does not import: {[str(e) for e in errors]}")
    assert response.status_code == 302
    assert OfficeReturn.objects.filter(unit__code="610102001").count() >= 1


def test_the_import_is_refused_to_a_district(client_for, district_reviewer):
    # when
    response = client_for(district_reviewer).get("/offices/returns/import/")
    # then
    assert response.status_code == 403


# Honours ----------------------------------------------------------------------------------


def test_honours_of_the_office_and_of_a_staff_member(client_for, office_clerk, city_officer):
    # given
    r = factories.office_return()
    member = factories.staff_member(r)
    stranger = factories.person(name="外人")
    client = client_for(office_clerk)
    page = client.get("/offices/honours/new/")
    base = {
        "office": r.unit.pk,
        "level": "CITY",
        "awarded_by": "西安市司法局",
        "awarded_on": "2024-01-15",
    }
    # when
    office = client.post(
        "/offices/honours/new/",
        {**base, "form_token": form_token(page), "title": "先进司法所"},
    )
    staff = client.post(
        "/offices/honours/new/",
        {
            **base,
            "form_token": form_token(client.get("/offices/honours/new/")),
            "title": "优秀司法所长",
            "person": member.person.pk,
        },
    )
    refused = client.post(
        "/offices/honours/new/",
        {
            **base,
            "form_token": form_token(client.get("/offices/honours/new/")),
            "title": "不相干",
            "person": stranger.pk,
        },
    )
    # then
    assert office.status_code == staff.status_code == 302
    assert refused.status_code == 200
    assert Honour.objects.count() == 2
    listing = client_for(city_officer).get("/offices/honours/?subject=staff")
    assert listing.context["result_count"] == 1
    assert member.person.name in listing.content.decode()
    export = client.get("/offices/honours/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert {r[4] for r in rows[1:]} == {"先进司法所", "优秀司法所长"}
    assert AuditEvent.objects.filter(action="export", object_type="offices.honour").exists()


def test_only_offices_record_honours(client_for, district_reviewer):
    # when
    response = client_for(district_reviewer).get("/offices/honours/new/")
    # then
    assert response.status_code == 403


# Typical experiences ----------------------------------------------------------------------


def step(client, experience, name, note=""):
    return client.post(
        f"/offices/experiences/{experience.public_id}/step/", {"step": name, "note": note}
    )


def test_an_experience_goes_from_the_office_through_the_district_to_the_city(
    client_for, office_clerk, district_reviewer, city_officer, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    office, district, city = (
        client_for(office_clerk),
        client_for(district_reviewer),
        client_for(city_officer),
    )
    page = office.get("/offices/experiences/new/")
    response = office.post(
        "/offices/experiences/new/",
        {
            "form_token": form_token(page),
            "office": factories.unit().pk,
            "title": "“枫桥式”司法所创建经验",
            "body": "坚持和发展新时代“枫桥经验”……",
            "photo": SimpleUploadedFile("现场.png", PNG_BYTES, content_type="image/png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    experience = TypicalExperience.objects.get()
    assert response["Location"] == f"/offices/experiences/{experience.public_id}/"
    # when: each unit takes its step; a wrong one is refused
    assert step(office, experience, "submit").status_code == 302
    too_early = step(city, experience, "publish")
    assert step(district, experience, "return").status_code == 400  # no note
    assert step(district, experience, "recommend").status_code == 302
    wrong_unit = step(district, experience, "publish")
    assert step(city, experience, "publish").status_code == 302
    # then
    experience.refresh_from_db()
    assert experience.status == ExperienceStatus.PUBLISHED
    assert too_early.status_code == 400
    assert wrong_unit.status_code == 403
    assert AuditEvent.objects.filter(
        action="publish", outcome="DENIED", actor=district_reviewer
    ).exists()
    detail = office.get(f"/offices/experiences/{experience.public_id}/")
    assert "现场.png" in detail.content.decode()
    assert detail.context["step_form"] is None
    collection = city.get("/offices/experiences/?status=PUBLISHED&export=xlsx")
    rows = list(load_workbook(io.BytesIO(collection.content)).active.iter_rows(values_only=True))
    assert rows[1][3] == "“枫桥式”司法所创建经验"
    assert rows[1][4].startswith("坚持和发展")


def test_a_returned_experience_shows_the_note_and_can_be_resubmitted(
    client_for, office_clerk, district_reviewer
):
    # given
    experience = services.experience_create(
        actor=office_clerk, office=factories.unit(), title="调解经验", body="……"
    )
    services.experience_step(actor=office_clerk, experience=experience, step="submit")
    # when
    returned = step(client_for(district_reviewer), experience, "return", note="补充数据和照片")
    detail = client_for(office_clerk).get(f"/offices/experiences/{experience.public_id}/")
    # then
    assert returned.status_code == 302
    assert "补充数据和照片" in detail.content.decode()
    assert [c[0] for c in detail.context["step_form"].fields["step"].choices] == ["submit"]


def test_another_office_does_not_see_the_experience(client_for, office_clerk, other_clerk):
    # given
    experience = services.experience_create(
        actor=office_clerk, office=factories.unit(), title="经验", body="……"
    )
    client = client_for(other_clerk)
    # when / then
    assert client.get(f"/offices/experiences/{experience.public_id}/").status_code == 404
    assert step(client, experience, "submit").status_code == 404
    assert client.get("/offices/experiences/").context["result_count"] == 0


# Navigation -------------------------------------------------------------------------------


def test_the_office_profile_menu(office_clerk, mediator):
    # when
    clerk = items_for(office_clerk)
    theirs = items_for(mediator)
    # then
    group = next(
        i for i in clerk if any(c["url"] == "/offices/returns/" for c in i.get("children", []))
    )
    assert [c["url"] for c in group["children"]] == [
        "/offices/returns/",
        "/offices/staff/",
        "/offices/honours/",
        "/offices/experiences/",
    ]
    assert not any(c["url"] == "/offices/returns/" for i in theirs for c in i.get("children", []))


def test_the_person_registry_keeps_one_person_when_added_twice(client_for, office_clerk):
    # given: a person registered already, added to two years' staff lists by number
    person = factories.person(name="孙悦")
    number = person.id_number
    client = client_for(office_clerk)
    for year in (2023, 2024):
        r = factories.office_return(year=year)
        page = client.get(f"/offices/returns/{r.public_id}/staff/new/")
        # when
        response = client.post(
            f"/offices/returns/{r.public_id}/staff/new/",
            {
                "form_token": form_token(page),
                "id_type": "RESIDENT_ID",
                "id_number": number,
                "name": "孙悦",
                "sex": "U",
                "establishment": "ADMINISTRATIVE",
                "post": "STAFF",
                "on_post_on": "2020-01-01",
            },
        )
        assert response.status_code == 302
    # then
    assert Person.objects.filter(name="孙悦").count() == 1
    assert StaffMember.objects.filter(person=person).count() == 2
    assert not Training.objects.exists()


# API --------------------------------------------------------------------------------------


def api_get(user, action: str, **kwargs):
    from rest_framework.test import APIRequestFactory, force_authenticate

    from sifasuo.offices.api import OfficeReturnViewSet

    request = APIRequestFactory().get("/api/v1/offices/returns/", kwargs.pop("query", {}))
    force_authenticate(request, user=user)
    return OfficeReturnViewSet.as_view({"get": action})(request, **kwargs)


def test_the_api_lists_the_returns_in_scope_with_their_profile(office_clerk, other_clerk):
    # given
    r = factories.office_return(year=2024, establishment_quota=2)
    factories.staff_member(r)
    factories.office_return(office="610116001", year=2024)
    # when
    mine = api_get(office_clerk, "list")
    one = api_get(office_clerk, "retrieve", public_id=str(r.public_id))
    theirs = api_get(other_clerk, "retrieve", public_id=str(r.public_id))
    filtered = api_get(office_clerk, "list", query={"year": "2023"})
    # then
    assert mine.status_code == 200
    assert [row["office_code"] for row in mine.data["results"]] == ["610102001"]
    assert one.data["id"] == str(r.public_id)
    assert one.data["rooms_present"] == 7
    assert one.data["vacancies"] == 1
    assert one.data["district_code"] == "610102"
    assert theirs.status_code == 404
    assert filtered.data["count"] == 0


def test_published_experiences_are_on_the_citizens_site(client, office_clerk):
    # given: one published, one still a draft
    from sifasuo.offices import services as office_services
    from sifasuo.orgs.models import Unit

    office = Unit.objects.get(code="610102001")
    published = office_services.experience_create(
        actor=office_clerk, office=office, title="调解工作室进社区", body="做法与成效"
    )
    for step in ("submit", "recommend", "publish"):
        office_services.experience_step(actor=None, experience=published, step=step)
    office_services.experience_create(
        actor=office_clerk, office=office, title="尚未发布的经验", body="草稿"
    )
    # when: an anonymous citizen opens the page
    page = client.get("/portal/experiences/").content.decode()
    # then
    assert "调解工作室进社区" in page
    assert "尚未发布的经验" not in page
