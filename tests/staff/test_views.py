"""The staff pages: the staff lists, a staff member's edit, trainings, rotations and
secondments, party meetings and their due frequencies."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from sifasuo.core.models import AuditEvent
from sifasuo.staff import services
from sifasuo.staff.choices import MeetingKind
from sifasuo.staff.models import Movement, PartyMeeting, StaffMember, Training
from sifasuo.staff.selectors import MEETING_EVERY_DAYS, is_overdue
from tests.offices import factories


def form_token(response) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    assert match, "no form token on the page"
    return match.group(1)


def edit_data(member: StaffMember, **changes) -> dict:
    data = {
        "version": member.version,
        "establishment": member.establishment,
        "post": member.post,
        "education": member.education,
        "on_post_on": member.on_post_on.isoformat(),
        "off_post_on": member.off_post_on.isoformat() if member.off_post_on else "",
    }
    if member.is_party_member:
        data["is_party_member"] = "on"
    data.update(changes)
    return data


def test_the_staff_list_filters_and_flags_who_is_on_post(client_for, district_reviewer):
    # given
    r = factories.office_return(year=2024)
    director = factories.staff_member(r, post="DIRECTOR", party=True)
    factories.staff_member(r, establishment="CONTRACT", off=date(2024, 12, 31))
    factories.staff_member(factories.office_return(year=2023))
    client = client_for(district_reviewer)
    # when
    everyone = client.get("/offices/staff/")
    this_year = client.get("/offices/staff/?year=2024")
    party = client.get("/offices/staff/?party_member=yes")
    contract = client.get("/offices/staff/?establishment=CONTRACT&year=2024")
    # then
    assert everyone.context["result_count"] == 3
    assert this_year.context["result_count"] == 2
    assert [row["m"] for row in party.context["rows"]] == [director]
    [left] = contract.context["rows"]
    assert left["on_post"] is False  # left on 31 December: not on post that day
    html = everyone.content.decode()
    assert director.person.id_number not in html
    assert director.person.id_number_masked in html


def test_the_staff_list_keeps_a_constant_number_of_queries(client_for, office_clerk):
    # given
    r = factories.office_return()
    client = client_for(office_clerk)
    for _ in range(2):
        factories.staff_member(r)
    client.get("/offices/staff/")
    with CaptureQueriesContext(connection) as few:
        client.get("/offices/staff/")
    for _ in range(8):
        factories.staff_member(r)
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get("/offices/staff/")
    # then
    assert response.context["result_count"] == 10
    assert len(many) == len(few)


def test_the_staff_export_is_masked_and_audited(client_for, office_clerk):
    # given
    member = factories.staff_member(factories.office_return())
    # when
    response = client_for(office_clerk).get("/offices/staff/?export=xlsx")
    # then
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][4] == "身份证号"
    assert rows[1][3] == member.person.name
    assert rows[1][4] == member.person.id_number_masked
    assert member.person.id_number not in str(rows)
    event = AuditEvent.objects.get(action="export", object_type="staff.staffmember")
    assert event.changes == {"rows": 1}


def test_a_staff_member_is_edited_with_the_version_loaded(client_for, office_clerk):
    # given
    member = factories.staff_member(factories.office_return(), actor=office_clerk)
    client = client_for(office_clerk)
    url = f"/offices/staff/{member.public_id}/edit/"
    stale = edit_data(member, post="DEPUTY")
    # when
    page = client.get(url)
    saved = client.post(url, edit_data(member, off_post_on="2024-09-30", post="DEPUTY"))
    refused = client.post(url, stale | {"post": "AUXILIARY"})
    backwards = client.post(
        url, edit_data(StaffMember.objects.get(pk=member.pk), off_post_on="2019-01-01")
    )
    # then
    assert page.status_code == 200
    assert saved.status_code == 302
    assert refused.status_code == 400
    assert backwards.status_code == 200
    assert "invalid-feedback" in backwards.content.decode()
    member.refresh_from_db()
    assert member.post == "DEPUTY"
    assert member.off_post_on == date(2024, 9, 30)


def test_staff_pages_are_404_to_another_office_and_403_to_the_district(
    client_for, other_clerk, district_reviewer
):
    # given
    r = factories.office_return()
    member = factories.staff_member(r)
    # when / then
    for client, status in ((client_for(other_clerk), 404), (client_for(district_reviewer), 403)):
        assert client.get(f"/offices/staff/{member.public_id}/edit/").status_code == status
        assert client.get(f"/offices/returns/{r.public_id}/staff/new/").status_code == status
        assert client.get(f"/offices/returns/{r.public_id}/trainings/new/").status_code == status
    assert client_for(other_clerk).get("/offices/staff/").context["result_count"] == 0


def test_a_number_registered_under_another_name_is_refused(client_for, office_clerk):
    # given
    someone = factories.person(name="周强")
    r = factories.office_return()
    client = client_for(office_clerk)
    page = client.get(f"/offices/returns/{r.public_id}/staff/new/")
    # when
    response = client.post(
        f"/offices/returns/{r.public_id}/staff/new/",
        {
            "form_token": form_token(page),
            "id_type": "RESIDENT_ID",
            "id_number": someone.id_number,
            "name": "周墙",
            "sex": "M",
            "establishment": "POLITICS_LAW",
            "post": "STAFF",
            "on_post_on": "2020-01-01",
        },
    )
    # then
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not StaffMember.objects.filter(office_return=r).exists()
    assert AuditEvent.objects.filter(
        action="create", outcome="DENIED", object_type="staff.staffmember"
    ).exists()


def test_a_training_must_start_in_the_returns_year(client_for, office_clerk):
    # given
    r = factories.office_return(year=2024)
    member = factories.staff_member(r)
    client = client_for(office_clerk)
    url = f"/offices/returns/{r.public_id}/trainings/new/"
    data = {
        "person": member.person.pk,
        "course": "业务培训",
        "days": "3",
        "hours": "24",
        "level": "DISTRICT",
    }
    # when
    wrong = client.post(
        url, {**data, "form_token": form_token(client.get(url)), "start_date": "2023-12-01"}
    )
    right = client.post(
        url, {**data, "form_token": form_token(client.get(url)), "start_date": "2024-02-01"}
    )
    # then
    assert wrong.status_code == 200
    assert "invalid-feedback" in wrong.content.decode()
    assert right.status_code == 302
    assert Training.objects.get(office_return=r).start_date == date(2024, 2, 1)
    detail = client.get(r.get_absolute_url())
    [total] = detail.context["sheet"].trainings
    assert (total.days, total.hours, total.meets) == (3, 24, False)


def test_rotations_and_secondments_of_the_offices_staff(client_for, office_clerk, other_clerk):
    # given
    member = factories.staff_member(factories.office_return())
    stranger = factories.person(name="外人")
    client = client_for(office_clerk)
    data = {
        "office": member.office_return.unit.pk,
        "kind": "SECONDMENT",
        "counterpart": "新城区司法局",
        "start_date": "2024-03-01",
        "end_date": "2024-08-31",
    }
    # when
    added = client.post(
        "/offices/movements/new/",
        {
            **data,
            "form_token": form_token(client.get("/offices/movements/new/")),
            "person": member.person.pk,
        },
    )
    refused = client.post(
        "/offices/movements/new/",
        {
            **data,
            "form_token": form_token(client.get("/offices/movements/new/")),
            "person": stranger.pk,
        },
    )
    # then
    assert added.status_code == 302
    assert refused.status_code == 200
    assert Movement.objects.get().person == member.person
    listing = client.get("/offices/movements/?kind=SECONDMENT")
    assert listing.context["result_count"] == 1
    assert "新城区司法局" in listing.content.decode()
    assert client_for(other_clerk).get("/offices/movements/").context["result_count"] == 0
    export = client.get("/offices/movements/?export=xlsx")
    assert export.status_code == 200
    assert AuditEvent.objects.filter(action="export", object_type="staff.movement").exists()


def test_party_meetings_show_which_kind_is_overdue(client_for, office_clerk):
    # given: a general meeting 100 days ago, a committee meeting 10 days ago
    today = timezone.localdate()
    office = factories.unit()
    services.party_meeting_add(
        actor=office_clerk,
        office=office,
        kind=MeetingKind.GENERAL,
        held_on=today - timedelta(days=100),
        topic="党员大会",
        attendees=5,
    )
    client = client_for(office_clerk)
    page = client.get("/offices/party-meetings/new/")
    # when
    response = client.post(
        "/offices/party-meetings/new/",
        {
            "form_token": form_token(page),
            "office": office.pk,
            "kind": MeetingKind.COMMITTEE,
            "held_on": (today - timedelta(days=10)).isoformat(),
            "topic": "支委会",
            "attendees": "3",
        },
    )
    listing = client.get("/offices/party-meetings/")
    # then
    assert response.status_code == 302
    assert PartyMeeting.objects.count() == 2
    [status] = listing.context["status"]
    overdue = {k.kind: k.overdue for k in status.kinds}
    assert overdue == {
        MeetingKind.GENERAL: True,  # 100 days > 92
        MeetingKind.COMMITTEE: False,
        MeetingKind.GROUP: True,  # never held
        MeetingKind.LECTURE: True,
    }
    assert listing.context["result_count"] == 2
    assert "支委会" in listing.content.decode()


def test_overdue_means_older_than_the_frequency():
    # given
    today = date(2024, 6, 30)
    every = MEETING_EVERY_DAYS[MeetingKind.COMMITTEE]
    # then
    assert every == 31
    assert not is_overdue(today - timedelta(days=31), every, today)
    assert is_overdue(today - timedelta(days=32), every, today)
    assert is_overdue(None, every, today)
