"""The nine automatic checks at their boundaries (issue 3, "Done means")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from sifasuo.offices import services as office_services
from sifasuo.offices.choices import PartyForm, RoomKind
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.staff import services as staff_services
from sifasuo.staff.choices import Establishment
from sifasuo.standards.checks import CHECK_CODES, all_passed, run_checks, with_check_data

YEAR = 2024
_serial = count(300)


def person(name: str = "测试员"):
    number = synthetic_id_number("610102", date(1985, 6, 1), next(_serial), male=True)
    return people_services.person_create(
        actor=None, unit=Unit.objects.get(code="610102001"), name=name, id_number=number
    )


def a_return(**profile):
    """A 2024 return of 西一路 that passes everything unless told otherwise."""
    office = Unit.objects.get(code="610102001")
    office_return = office_services.return_create(actor=None, office=office, year=YEAR)
    values = {
        "business_area": Decimal("150.0"),
        "sign_emblem": True,
        "sign_office_plaque": True,
        "sign_station_plaque": True,
        "establishment_quota": 1,
        "party_form": PartyForm.JOINT,
        "remote_visit_installed_on": date(2022, 6, 1),
        "video_conf_installed_on": date(2022, 6, 1),
        "funding_personnel": Decimal("1"),
        "funding_public": Decimal("1"),
        "funding_casework": Decimal("1"),
        "funding_equipment": Decimal("1"),
        "funding_infrastructure": Decimal("1"),
    }
    values.update(profile)
    office_services.return_update(actor=None, office_return=office_return, **values)
    office_services.rooms_set(
        actor=None, office_return=office_return, present=dict.fromkeys(RoomKind.values, True)
    )
    return office_return


def add_staff(office_return, *, establishment=Establishment.POLITICS_LAW, party=False, **dates):
    member = person()
    staff_services.staff_add(
        actor=None,
        office_return=office_return,
        row=staff_services.StaffInput(
            person=member,
            establishment=establishment,
            on_post_on=dates.get("on", date(2020, 1, 1)),
            off_post_on=dates.get("off"),
            is_party_member=party,
        ),
    )
    return member


def train(office_return, member, *, days="0", hours="0", start=date(YEAR, 3, 1)):
    staff_services.training_add(
        actor=None,
        office_return=office_return,
        row=staff_services.TrainingInput(
            person=member,
            course="业务培训",
            start_date=start,
            days=Decimal(days),
            hours=Decimal(hours),
        ),
    )


def result(office_return, code):
    fresh = with_check_data(type(office_return).objects.filter(pk=office_return.pk)).get()
    (found,) = [r for r in run_checks(fresh) if r.code == code]
    return found


@pytest.fixture
def trained_return(demo):
    office_return = a_return()
    member = add_staff(office_return)
    train(office_return, member, days="12")
    return office_return


def test_a_complete_return_passes_all_nine(trained_return):
    # when
    results = run_checks(with_check_data(type(trained_return).objects.all()).get())
    # then
    assert [r.code for r in results] == list(CHECK_CODES)
    assert all_passed(results), [r.as_dict() for r in results if not r.passed]


@pytest.mark.parametrize(("area", "passed"), [("119.9", False), ("120", True), (None, False)])
def test_premises_area_boundary(demo, area, passed):
    # given
    office_return = a_return(business_area=Decimal(area) if area else None)
    # when
    found = result(office_return, "PREMISES_AREA")
    # then
    assert found.passed is passed
    assert found.threshold == Decimal("120")


def test_a_missing_room_fails_and_is_named(demo):
    # given
    office_return = a_return()
    office_services.rooms_set(
        actor=None, office_return=office_return, present={RoomKind.ARCHIVE: False}
    )
    # when
    found = result(office_return, "PREMISES_ROOMS")
    # then
    assert not found.passed
    assert found.value == 6
    assert found.threshold == 7


def test_signage_needs_the_emblem_and_both_plaques(demo):
    # when
    found = result(a_return(sign_station_plaque=False), "SIGNAGE")
    # then
    assert not found.passed
    assert found.value == 2


@pytest.mark.parametrize(
    ("quota", "staff", "passed"), [(0, 0, False), (0, 1, False), (1, 1, True), (2, 1, False)]
)
def test_staff_full_against_the_quota(demo, quota, staff, passed):
    # given
    office_return = a_return(establishment_quota=quota)
    for _ in range(staff):
        add_staff(office_return)
    # when
    found = result(office_return, "STAFF_FULL")
    # then
    assert found.passed is passed


def test_staff_on_post_on_31_december_only(demo):
    # given: one left on 31 December (not on post), one arrived on 31 December (on post)
    office_return = a_return(establishment_quota=1)
    add_staff(office_return, off=date(YEAR, 12, 31))
    leaving = result(office_return, "STAFF_FULL")
    add_staff(office_return, on=date(YEAR, 12, 31))
    # when
    arriving = result(office_return, "STAFF_FULL")
    # then
    assert not leaving.passed
    assert arriving.passed


def test_other_establishments_do_not_fill_the_quota(demo):
    # given
    office_return = a_return(establishment_quota=1)
    add_staff(office_return, establishment=Establishment.CONTRACT)
    # then
    assert not result(office_return, "STAFF_FULL").passed


@pytest.mark.parametrize(
    ("days", "hours", "passed"),
    [("11", "89", False), ("12", "0", True), ("0", "90", True), ("11.5", "89.5", False)],
)
def test_training_twelve_days_or_ninety_hours(demo, days, hours, passed):
    # given
    office_return = a_return()
    member = add_staff(office_return)
    train(office_return, member, days=days, hours=hours)
    # when
    found = result(office_return, "STAFF_TRAINING")
    # then
    assert found.passed is passed


def test_training_adds_up_across_courses_and_ignores_volunteers(demo):
    # given: 6 + 6 days; a volunteer without training does not count
    office_return = a_return()
    member = add_staff(office_return)
    train(office_return, member, days="6")
    train(office_return, member, days="6", start=date(YEAR, 9, 1))
    add_staff(office_return, establishment=Establishment.VOLUNTEER)
    # then
    assert result(office_return, "STAFF_TRAINING").passed


def test_training_needs_someone_on_post(demo):
    # then
    assert not result(a_return(), "STAFF_TRAINING").passed


@pytest.mark.parametrize(
    ("form", "members", "passed"),
    [
        (PartyForm.INDEPENDENT, 2, False),
        (PartyForm.INDEPENDENT, 3, True),
        (PartyForm.JOINT, 1, True),
        ("", 3, False),
    ],
)
def test_party_organisation(demo, form, members, passed):
    # given
    office_return = a_return(party_form=form)
    for _ in range(members):
        add_staff(office_return, party=True)
    # when
    found = result(office_return, "PARTY_ORG")
    # then
    assert found.passed is passed


@pytest.mark.parametrize(
    ("installed", "passed"),
    [(date(YEAR, 12, 31), True), (date(YEAR + 1, 1, 1), False), (None, False)],
)
def test_it_systems_installed_by_31_december(demo, installed, passed):
    # given
    office_return = a_return(remote_visit_installed_on=installed, video_conf_installed_on=installed)
    # then
    assert result(office_return, "IT_REMOTE_VISIT").passed is passed
    assert result(office_return, "IT_VIDEO_CONF").passed is passed


def test_funding_needs_all_five_categories(demo):
    # when
    found = result(a_return(funding_equipment=Decimal("0")), "FUNDING")
    # then
    assert not found.passed
    assert found.value == 4
    assert "业务装备经费" in found.explanation or "equipment" in found.explanation


def test_checking_many_returns_costs_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    # given
    for code in ("610102002", "610102003", "610102004"):
        office_services.return_create(actor=None, office=Unit.objects.get(code=code), year=YEAR)
    queryset = with_check_data(type(a_return()).objects.filter(year=YEAR))
    # then: one for the returns and units, one per prefetched relation
    with django_assert_max_num_queries(4):
        for office_return in queryset:
            run_checks(office_return)
