"""The writes of the office profile: returns and their copy forward, rooms, systems,
honours, and the steps of a typical experience by the unit that may take each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent
from sifasuo.offices import services
from sifasuo.offices.choices import ExperienceStatus, RoomKind
from sifasuo.offices.models import OfficeReturn, OfficeRoom
from sifasuo.orgs.models import Unit
from tests.offices import factories


def test_a_new_return_has_its_seven_rooms_and_is_audited(office_clerk):
    # when
    r = services.return_create(actor=office_clerk, office=factories.unit(), year=2024)
    # then
    assert sorted(r.rooms.values_list("kind", flat=True)) == sorted(RoomKind.values)
    assert not r.rooms.filter(present=True).exists()
    event = AuditEvent.objects.get(action="create", object_id=str(r.public_id))
    assert event.changes["copied_from"] is None


def test_copy_forward_carries_profile_rooms_equipment_and_systems(office_clerk):
    # given
    last = factories.office_return(
        year=2023,
        actor=office_clerk,
        rooms={**dict.fromkeys(RoomKind.values, True), RoomKind.ARCHIVE: False},
    )
    services.rooms_set(
        actor=office_clerk,
        office_return=last,
        present={},
        areas={RoomKind.MEDIATION: Decimal("30.0")},
    )
    services.equipment_add(
        actor=office_clerk, office_return=last, category="VEHICLE", name="执法车", quantity=2
    )
    services.system_set(
        actor=office_clerk, office_return=last, kind="SECRECY", adopted_on=date(2021, 3, 1)
    )
    # when
    new = services.return_create(actor=office_clerk, office=last.unit, year=2024, copy_from=last)
    # then
    assert new.business_area == last.business_area
    assert new.party_form == last.party_form
    assert new.funding() == last.funding()
    rooms = {room.kind: room for room in new.rooms.all()}
    assert not rooms[RoomKind.ARCHIVE].present
    assert rooms[RoomKind.MEDIATION].present
    assert rooms[RoomKind.MEDIATION].area == Decimal("30.0")
    assert [(e.name, e.quantity) for e in new.equipment.all()] == [("执法车", 2)]
    assert new.systems.get().adopted_on == date(2021, 3, 1)
    assert last.equipment.count() == 1  # the source is untouched
    event = AuditEvent.objects.get(action="create", object_id=str(new.public_id))
    assert event.changes["copied_from"] == 2023
    assert "business_area" in event.changes["fields"]


def test_a_second_return_for_the_year_and_a_bureau_are_refused(office_clerk, district_reviewer):
    # given
    factories.office_return(year=2024)
    # when / then
    with pytest.raises(ApplicationError):
        services.return_create(actor=office_clerk, office=factories.unit(), year=2024)
    with pytest.raises(ApplicationError):
        services.return_create(
            actor=district_reviewer, office=Unit.objects.get(code="610102"), year=2024
        )
    with pytest.raises(ApplicationError):
        services.return_create(actor=office_clerk, office=factories.unit(), year=1990)


def test_a_district_may_not_open_an_offices_return(district_reviewer):
    # when / then: the office is below the district, which creates only at its own unit
    with pytest.raises(PermissionDenied):
        services.return_create(actor=district_reviewer, office=factories.unit(), year=2024)
    assert not OfficeReturn.objects.filter(unit__code=factories.OFFICE).exists()


def test_rooms_set_audits_the_rooms_that_changed_only(office_clerk):
    # given
    r = services.return_create(actor=office_clerk, office=factories.unit(), year=2024)
    # when
    services.rooms_set(
        actor=office_clerk,
        office_return=r,
        present={RoomKind.DIRECTOR: True, RoomKind.STATION: True},
        areas={RoomKind.DIRECTOR: Decimal("18.0")},
    )
    services.rooms_set(actor=office_clerk, office_return=r, present={RoomKind.DIRECTOR: True})
    # then
    events = AuditEvent.objects.filter(action="update", object_id=str(r.public_id))
    assert [e.changes for e in events] == [{"rooms": [RoomKind.DIRECTOR, RoomKind.STATION]}]
    assert OfficeRoom.objects.get(office_return=r, kind=RoomKind.DIRECTOR).area == Decimal("18.0")
    with pytest.raises(ApplicationError):
        services.rooms_set(actor=office_clerk, office_return=r, present={"KITCHEN": True})


def test_rooms_set_is_refused_to_another_office(other_clerk):
    # given
    r = services.return_create(actor=None, office=factories.unit(), year=2024)
    # when / then
    with pytest.raises(PermissionDenied):
        services.rooms_set(actor=other_clerk, office_return=r, present={RoomKind.ARCHIVE: True})


def test_a_stale_profile_update_is_refused(office_clerk):
    # given
    r = factories.office_return(actor=office_clerk)
    loaded = r.version
    services.return_update(actor=office_clerk, office_return=r, sign_guide=True)
    stale = OfficeReturn.objects.get(pk=r.pk)
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.return_update(
            actor=office_clerk, office_return=stale, version=loaded, business_area=Decimal("1")
        )
    with pytest.raises(ApplicationError):
        services.return_update(actor=office_clerk, office_return=stale, unit=None)


def test_an_honour_of_the_office_is_recorded_and_audited(office_clerk):
    # when
    honour = services.honour_create(
        actor=office_clerk,
        office=factories.unit(),
        title=" 全国先进司法所 ",
        level="NATIONAL",
        awarded_by="司法部",
        awarded_on=date(2023, 12, 1),
    )
    # then
    assert honour.title == "全国先进司法所"
    assert honour.person is None
    assert AuditEvent.objects.filter(action="create", object_id=str(honour.public_id)).exists()


# Typical experiences ----------------------------------------------------------------------


@pytest.fixture
def draft(office_clerk):
    return services.experience_create(
        actor=office_clerk, office=factories.unit(), title="经验", body="做法与成效"
    )


def test_the_office_submits_the_district_recommends_the_city_publishes(
    draft, office_clerk, district_reviewer, city_officer
):
    # when
    services.experience_step(actor=office_clerk, experience=draft, step="submit")
    services.experience_step(actor=district_reviewer, experience=draft, step="recommend")
    services.experience_step(actor=city_officer, experience=draft, step="publish")
    # then
    assert draft.status == ExperienceStatus.PUBLISHED
    assert draft.published_on is not None
    steps = AuditEvent.objects.filter(object_id=str(draft.public_id)).values_list(
        "action", flat=True
    )
    assert list(steps.order_by("seq")) == ["create", "submit", "recommend", "publish"]


@pytest.mark.parametrize(
    ("who", "step"),
    [
        ("district_reviewer", "submit"),
        ("city_officer", "submit"),
    ],
)
def test_only_the_office_submits(request, draft, who, step):
    # given
    actor = request.getfixturevalue(who)
    # when / then
    with pytest.raises(PermissionDenied):
        services.experience_step(actor=actor, experience=draft, step=step)
    draft.refresh_from_db()
    assert draft.status == ExperienceStatus.DRAFT


def test_only_the_district_recommends_and_only_the_city_publishes(
    draft, office_clerk, district_reviewer, city_officer
):
    # given
    services.experience_step(actor=office_clerk, experience=draft, step="submit")
    # when / then
    for actor in (office_clerk, city_officer):
        with pytest.raises(PermissionDenied):
            services.experience_step(actor=actor, experience=draft, step="recommend")
    with pytest.raises(ApplicationError):  # not recommended yet
        services.experience_step(actor=city_officer, experience=draft, step="publish")
    services.experience_step(actor=district_reviewer, experience=draft, step="recommend")
    for actor in (office_clerk, district_reviewer):
        with pytest.raises(PermissionDenied):
            services.experience_step(actor=actor, experience=draft, step="publish")
    draft.refresh_from_db()
    assert draft.status == ExperienceStatus.RECOMMENDED


def test_a_return_needs_a_note_and_the_office_may_resubmit(
    draft, office_clerk, district_reviewer, city_officer
):
    # given
    services.experience_step(actor=office_clerk, experience=draft, step="submit")
    # when
    with pytest.raises(ApplicationError) as refused:
        services.experience_step(actor=district_reviewer, experience=draft, step="return")
    with pytest.raises(PermissionDenied):
        services.experience_step(actor=office_clerk, experience=draft, step="return", note="x")
    services.experience_step(
        actor=district_reviewer, experience=draft, step="return", note="请补充成效数据"
    )
    # then
    assert refused.value.field == "note"
    assert draft.status == ExperienceStatus.RETURNED
    assert draft.review_note == "请补充成效数据"
    services.experience_step(actor=office_clerk, experience=draft, step="submit")
    assert draft.status == ExperienceStatus.SUBMITTED
    with pytest.raises(ApplicationError):
        services.experience_step(actor=office_clerk, experience=draft, step="dance")
    with pytest.raises(ApplicationError):  # a draft cannot be published
        services.experience_step(
            actor=city_officer,
            experience=services.experience_create(
                actor=office_clerk, office=factories.unit(), title="二", body="……"
            ),
            step="publish",
        )
