"""The writes of the staff lists: add, update, replace (a re-imported return), copy forward,
trainings, rotations and party meetings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent
from sifasuo.people.models import Person
from sifasuo.staff import services
from sifasuo.staff.choices import Establishment, MeetingKind, Post
from sifasuo.staff.models import StaffMember, Training
from tests.offices import factories


def row(person: Person, **changes) -> services.StaffInput:
    values = {
        "person": person,
        "establishment": Establishment.POLITICS_LAW,
        "on_post_on": date(2020, 1, 1),
    }
    return services.StaffInput(**(values | changes))


def course(person: Person, **changes) -> services.TrainingInput:
    values = {
        "person": person,
        "course": "业务培训",
        "start_date": date(2024, 3, 1),
        "days": Decimal("5"),
        "hours": Decimal("40"),
    }
    return services.TrainingInput(**(values | changes))


def test_a_person_is_on_a_return_once(office_clerk):
    # given
    r = factories.office_return()
    person = factories.person()
    services.staff_add(actor=office_clerk, office_return=r, row=row(person))
    # when / then
    with pytest.raises(ApplicationError) as refused:
        services.staff_add(actor=office_clerk, office_return=r, row=row(person))
    assert refused.value.field == "person"
    assert StaffMember.objects.filter(office_return=r).count() == 1


def test_a_stale_staff_update_is_refused(office_clerk):
    # given
    member = factories.staff_member(factories.office_return(), actor=office_clerk)
    loaded = member.version
    services.staff_update(actor=office_clerk, member=member, version=loaded, post=Post.DEPUTY)
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.staff_update(
            actor=office_clerk,
            member=StaffMember.objects.get(pk=member.pk),
            version=loaded,
            post=Post.AUXILIARY,
        )
    assert StaffMember.objects.get(pk=member.pk).post == Post.DEPUTY


def test_a_training_counts_in_the_return_of_its_start_year(office_clerk):
    # given
    r = factories.office_return(year=2024)
    person = factories.staff_member(r).person
    # when / then
    with pytest.raises(ApplicationError):
        services.training_add(
            actor=office_clerk, office_return=r, row=course(person, start_date=date(2023, 12, 30))
        )
    training = services.training_add(actor=office_clerk, office_return=r, row=course(person))
    assert AuditEvent.objects.filter(action="create", object_type="staff.training").exists()
    assert training.course == "业务培训"


def test_staff_replace_keeps_what_is_the_same_and_audits_each_removal(office_clerk):
    # given: a return with two staff and a training
    r = factories.office_return()
    stays, goes = factories.person(name="留任"), factories.person(name="调离")
    services.staff_add(actor=office_clerk, office_return=r, row=row(stays))
    services.staff_add(actor=office_clerk, office_return=r, row=row(goes))
    services.training_add(actor=office_clerk, office_return=r, row=course(goes))
    newcomer = factories.person(name="新人")
    staff = [row(stays, post=Post.DIRECTOR), row(newcomer, establishment=Establishment.CONTRACT)]
    trainings = [course(stays), course(newcomer, hours=Decimal("90"))]
    # when
    first = services.staff_replace(
        actor=office_clerk, office_return=r, staff=staff, trainings=trainings
    )
    audited = AuditEvent.objects.count()
    versions = dict(StaffMember.objects.filter(office_return=r).values_list("pk", "version"))
    second = services.staff_replace(
        actor=office_clerk, office_return=r, staff=staff, trainings=trainings
    )
    # then
    assert first == {"created": 3, "updated": 1, "removed": 2}
    assert second == {"created": 0, "updated": 0, "removed": 0}
    assert AuditEvent.objects.count() == audited
    assert dict(StaffMember.objects.filter(office_return=r).values_list("pk", "version")) == (
        versions
    )
    members = {m.person.name: m for m in r.staff.select_related("person")}
    assert set(members) == {"留任", "新人"}
    assert members["留任"].post == Post.DIRECTOR
    assert Training.objects.filter(office_return=r).count() == 2
    removals = AuditEvent.objects.filter(action="delete", changes__reason="replaced")
    assert {e.object_type for e in removals} == {"staff.staffmember", "staff.training"}
    assert Person.objects.filter(name="调离").exists()  # people stay in the registry


def test_staff_replace_leaves_other_years_alone(office_clerk):
    # given
    last = factories.office_return(year=2023)
    kept = factories.staff_member(last)
    r = factories.office_return(year=2024)
    # when
    services.staff_replace(actor=office_clerk, office_return=r, staff=[], trainings=[])
    # then
    assert StaffMember.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize(
    ("on", "off", "copied"),
    [
        (date(2019, 1, 1), None, True),
        (date(2023, 12, 31), None, True),  # arrived on the last day: on post that day
        (date(2019, 1, 1), date(2024, 1, 1), True),  # left after the year
        (date(2019, 1, 1), date(2023, 12, 31), False),  # left on 31 December
        (date(2019, 1, 1), date(2023, 6, 30), False),
        (date(2024, 1, 2), None, False),  # arrives only in the next year
    ],
)
def test_staff_copy_carries_those_on_post_on_31_december(office_clerk, on, off, copied):
    # given
    last = factories.office_return(year=2023)
    member = factories.staff_member(last, on=on, off=off, party=True, post=Post.DEPUTY)
    new = factories.office_return(year=2024)
    # when
    count = services.staff_copy(actor=office_clerk, source=last, target=new)
    # then
    assert count == int(copied)
    found = StaffMember.objects.filter(office_return=new, person=member.person).first()
    assert (found is not None) == copied
    if found is not None:
        assert (found.post, found.is_party_member, found.on_post_on) == (
            Post.DEPUTY,
            True,
            on,
        )


def test_staff_copy_into_another_offices_return_is_refused(other_clerk):
    # given
    last = factories.office_return(year=2023)
    factories.staff_member(last)
    new = factories.office_return(year=2024)
    # when / then
    with pytest.raises(PermissionDenied):
        services.staff_copy(actor=other_clerk, source=last, target=new)
    assert not new.staff.exists()


def test_rotations_and_party_meetings_are_audited(office_clerk, other_clerk):
    # given
    member = factories.staff_member(factories.office_return())
    office = factories.unit()
    # when
    movement = services.movement_add(
        actor=office_clerk,
        office=office,
        person=member.person,
        kind="ROTATION",
        counterpart=" 长安区韦曲街道司法所 ",
        start_date=date(2024, 1, 1),
    )
    meeting = services.party_meeting_add(
        actor=office_clerk,
        office=office,
        kind=MeetingKind.LECTURE,
        held_on=date(2024, 5, 20),
        topic="党课",
    )
    # then
    assert movement.counterpart == "长安区韦曲街道司法所"
    for obj in (movement, meeting):
        assert AuditEvent.objects.filter(action="create", object_id=str(obj.public_id)).exists()
    with pytest.raises(PermissionDenied):
        services.party_meeting_add(
            actor=other_clerk,
            office=office,
            kind=MeetingKind.GROUP,
            held_on=date(2024, 5, 21),
            topic="小组会",
        )
