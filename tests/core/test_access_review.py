"""The audit administrator's access review: who read which sensitive records, and flags."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from sifasuo.accounts.navigation import items_for
from sifasuo.core import audit
from sifasuo.core.models import AuditEvent
from sifasuo.people import services
from sifasuo.people.models import Person

pytestmark = pytest.mark.django_db

URL = "/audit/access-review/"


def _person(actor, name: str, number: str) -> Person:
    return services.person_create(actor=actor, unit=actor.unit, name=name, id_number=number)


@pytest.fixture
def three_people(office_clerk):
    from tests.correction.factories import id_number

    return [_person(office_clerk, f"审阅{i}", id_number()) for i in range(3)]


def _local(year, month, day, hour) -> datetime:
    return datetime(year, month, day, hour, 15, tzinfo=timezone.get_current_timezone())


@pytest.mark.parametrize("who", ["office_director", "sysadmin", "secadmin", "city_officer"])
def test_only_the_audit_administrator_may_open_it(who, request, client_for):
    # given
    user = request.getfixturevalue(who)
    # when
    response = client_for(user).get(URL)
    # then
    assert response.status_code == 403
    denied = AuditEvent.objects.get(object_type="core.accessreview", outcome="DENIED")
    assert denied.actor == user


def test_the_review_lists_who_read_which_record(
    client_for, auditadmin, office_director, three_people
):
    # given: the director opens one person page
    person = three_people[0]
    assert client_for(office_director).get(f"/people/{person.public_id}/").status_code == 200
    # when
    response = client_for(auditadmin).get(URL)
    # then
    assert response.status_code == 200
    seqs = [row["event"].object_id for row in response.context["rows"]]
    assert str(person.public_id) in seqs
    summary = response.context["summary"]
    assert {(s["actor_username"], s["object_type"], s["subjects"]) for s in summary} >= {
        ("xiyilu_director", "people.person", 1)
    }
    body = response.content.decode()
    assert "xiyilu_director" in body
    assert person.name not in body  # identifiers only, never the personal data
    assert AuditEvent.objects.filter(
        actor=auditadmin, action="view", object_type="core.accessreview"
    ).exists()


def test_many_distinct_subjects_in_a_month_are_flagged(
    client_for, auditadmin, office_director, three_people, settings
):
    # given
    for person in three_people:
        audit.record("view", actor=office_director, obj=person)
    settings.AUDIT_REVIEW_SUBJECTS_PER_MONTH = 2
    # when
    flagged = client_for(auditadmin).get(URL).context["findings"]
    settings.AUDIT_REVIEW_SUBJECTS_PER_MONTH = 3
    unflagged = client_for(auditadmin).get(URL).context["findings"]
    # then
    many = [f for f in flagged if f.kind == "many_subjects"]
    assert [(f.username, f.count) for f in many] == [("xiyilu_director", 3)]
    assert not [f for f in unflagged if f.kind == "many_subjects"]


def test_reads_of_another_districts_records_are_flagged(
    client_for, auditadmin, office_director, other_clerk, three_people
):
    # given: the 韦曲 clerk tries a 西一路 person (404, audited), the director reads her own
    person = three_people[0]
    assert client_for(other_clerk).get(f"/people/{person.public_id}/").status_code == 404
    audit.record("view", actor=office_director, obj=person)
    # when
    response = client_for(auditadmin).get(URL)
    # then
    findings = {(f.kind, f.username) for f in response.context["findings"]}
    assert ("other_units", "weiqu_clerk") in findings
    assert ("denied", "weiqu_clerk") in findings
    assert ("other_units", "xiyilu_director") not in findings
    flags = {row["event"].actor_username: row["other_unit"] for row in response.context["rows"]}
    assert flags["weiqu_clerk"] is True
    assert flags["xiyilu_director"] is False


def test_off_hours_reads_are_flagged_and_the_hours_are_configurable(
    client_for, auditadmin, office_director, three_people, settings
):
    # given: a Wednesday 23:15 read and a Wednesday 10:15 read (2026-11-04 is a Wednesday)
    late, daytime = three_people[0], three_people[1]
    with freeze_time(_local(2026, 11, 4, 23)):
        audit.record("view", actor=office_director, obj=late)
    with freeze_time(_local(2026, 11, 4, 10)):
        audit.record("view", actor=office_director, obj=daytime)
    client = client_for(auditadmin)
    # when
    response = client.get(URL, {"month": "2026-11"})
    only_off = client.get(URL, {"month": "2026-11", "flag": "off_hours"})
    settings.AUDIT_REVIEW_OFFICE_HOURS = (0, 24)
    widened = client.get(URL, {"month": "2026-11"})
    # then
    flags = {row["event"].object_id: row["off_hours"] for row in response.context["rows"]}
    assert flags == {str(late.public_id): True, str(daytime.public_id): False}
    assert [r["event"].object_id for r in only_off.context["rows"]] == [str(late.public_id)]
    off = [f for f in response.context["findings"] if f.kind == "off_hours"]
    assert [(f.username, f.count) for f in off] == [("xiyilu_director", 1)]
    assert not [f for f in widened.context["findings"] if f.kind == "off_hours"]


def test_a_saturday_read_is_off_hours(client_for, auditadmin, office_director, three_people):
    # given: 2026-11-07 is a Saturday (no make-up working day)
    with freeze_time(_local(2026, 11, 7, 10)):
        audit.record("view", actor=office_director, obj=three_people[0])
    # when
    response = client_for(auditadmin).get(URL, {"month": "2026-11", "flag": "off_hours"})
    # then
    assert len(response.context["rows"]) == 1


def test_the_review_is_per_month(client_for, auditadmin, office_director, three_people):
    # given: a read last month
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=15)
    with freeze_time(_local(last_month.year, last_month.month, 15, 10)):
        audit.record("view", actor=office_director, obj=three_people[0])
    client = client_for(auditadmin)
    # when
    current = client.get(URL)
    earlier = client.get(URL, {"month": f"{last_month:%Y-%m}"})
    # then
    assert str(three_people[0].public_id) not in [
        r["event"].object_id for r in current.context["rows"]
    ]
    assert [r["event"].object_id for r in earlier.context["rows"]] == [
        str(three_people[0].public_id)
    ]


def test_filter_sort_and_paginate(
    client_for, auditadmin, office_director, office_clerk, three_people
):
    # given
    for person in three_people:
        audit.record("view", actor=office_director, obj=person)
    audit.record("view", actor=office_clerk, obj=three_people[0])
    client = client_for(auditadmin)
    # when
    by_user = client.get(URL, {"username": "xiyilu_clerk", "action": "view"})
    sorted_ = client.get(URL, {"sort": "actor_username"})
    paged = client.get(URL, {"page": "2"})
    # then
    assert {r["event"].actor_username for r in by_user.context["rows"]} == {"xiyilu_clerk"}
    names = [r["event"].actor_username for r in sorted_.context["rows"]]
    assert names == sorted(names)
    assert paged.status_code == 200


def test_the_export_is_an_audited_workbook(client_for, auditadmin, office_director, three_people):
    # given
    with freeze_time(timezone.now().replace(hour=15)):
        audit.record("view", actor=office_director, obj=three_people[0])
    # when
    response = client_for(auditadmin).get(URL, {"export": "xlsx"})
    # then
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "时间", "用户")
    assert any(r[2] == "xiyilu_director" and r[7] == str(three_people[0].public_id) for r in rows)
    event = AuditEvent.objects.get(action="export", object_type="core.accessreview")
    assert event.actor == auditadmin
    assert event.changes["rows"] == len(rows) - 1


def test_the_navigation_offers_it_to_the_audit_administrator_only(auditadmin, office_director):
    # when
    admin_urls = [i["url"] for i in items_for(auditadmin)]
    director_urls = [i.get("url") for i in items_for(office_director)]
    # then
    assert URL in admin_urls
    assert URL not in director_urls
